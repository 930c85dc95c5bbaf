import type { CognitoConfig, ConsoleConfig } from './app-context.js';

const COGNITO_KEYS = ['domainUrl', 'clientId', 'issuer', 'redirectUri', 'signOutUri'] as const;

const httpsUrl = (value: unknown): value is string => {
  if (typeof value !== 'string') return false;
  try {
    return new URL(value).protocol === 'https:' || new URL(value).hostname === '127.0.0.1';
  } catch {
    return false;
  }
};

/** Cognito's settings when every one is there: URLs over https (or a test server on 127.0.0.1). */
const parseCognito = (json: unknown): CognitoConfig | undefined => {
  if (typeof json !== 'object' || json === null) return undefined;
  const record = json as Record<string, unknown>;
  const { clientId } = record;
  if (typeof clientId !== 'string' || !clientId) return undefined;
  const urls = COGNITO_KEYS.filter((key) => key !== 'clientId').map((key) => record[key]);
  if (!urls.every(httpsUrl)) return undefined;
  const [domainUrl, issuer, redirectUri, signOutUri] = urls.map((url) => url.replace(/\/+$/, ''));
  if (!domainUrl || !issuer || !redirectUri || !signOutUri) return undefined;
  return { domainUrl, clientId, issuer, redirectUri, signOutUri };
};

/**
 * config.json as served: anything missing or odd falls back to the local runtime's settings; short links
 * default to the console's own origin. `signIn: 'cognito'` stays Cognito even when its settings are
 * incomplete (the sign-in page then says so): falling back to the local form would never work on AWS.
 */
export const parseConfig = (json: unknown, origin: string): ConsoleConfig => {
  const record = typeof json === 'object' && json !== null ? (json as Record<string, unknown>) : {};
  const apiBaseUrl = typeof record.apiBaseUrl === 'string' ? record.apiBaseUrl.replace(/\/+$/, '') : '';
  const shortLinkBaseUrl =
    typeof record.shortLinkBaseUrl === 'string' ? record.shortLinkBaseUrl.replace(/\/+$/, '') : origin;
  if (record.signIn !== 'cognito') return { apiBaseUrl, signIn: 'local', shortLinkBaseUrl };
  const cognito = parseCognito(record.cognito);
  return { apiBaseUrl, signIn: 'cognito', shortLinkBaseUrl, ...(cognito ? { cognito } : {}) };
};
