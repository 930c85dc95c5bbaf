import type { ConsoleConfig } from './app-context.js';

/**
 * config.json as served: anything missing or odd falls back to the local runtime's settings; short links
 * default to the console's own origin.
 */
export const parseConfig = (json: unknown, origin: string): ConsoleConfig => {
  const record = typeof json === 'object' && json !== null ? (json as Record<string, unknown>) : {};
  const apiBaseUrl = typeof record.apiBaseUrl === 'string' ? record.apiBaseUrl.replace(/\/+$/, '') : '';
  const shortLinkBaseUrl =
    typeof record.shortLinkBaseUrl === 'string' ? record.shortLinkBaseUrl.replace(/\/+$/, '') : origin;
  return { apiBaseUrl, signIn: record.signIn === 'cognito' ? 'cognito' : 'local', shortLinkBaseUrl };
};
