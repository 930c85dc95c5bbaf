import { isRole, type Role } from './i18n/roles.js';

/**
 * Who is signed in. The token lives in sessionStorage (gone with the tab), never in localStorage; the role
 * and the user are read from its claims (`cognito:groups`, `sub`) only to shape the console: the API
 * checks them again on every call.
 */
export interface Session {
  token: string;
  role: Role;
  user: string;
  /** Seconds since the epoch, from the token's `exp`. */
  expiresAt: number | undefined;
}

const TOKEN_KEY = 'console.token';

const decodeBase64Url = (text: string): string => {
  const base64 = text
    .replace(/-/g, '+')
    .replace(/_/g, '/')
    .padEnd(Math.ceil(text.length / 4) * 4, '=');
  const bytes = Uint8Array.from(atob(base64), (char) => char.charCodeAt(0));
  return new TextDecoder().decode(bytes);
};

/** The session a JWT stands for, or undefined when it is not a token with a known role. */
export const sessionFromToken = (token: string): Session | undefined => {
  const payload = token.split('.')[1];
  if (!payload) return undefined;
  let claims: unknown;
  try {
    claims = JSON.parse(decodeBase64Url(payload));
  } catch {
    return undefined;
  }
  if (typeof claims !== 'object' || claims === null) return undefined;
  const { sub, exp, 'cognito:groups': groups } = claims as Record<string, unknown>;
  const roles = Array.isArray(groups) ? groups.filter(isRole) : [];
  // The most capable role decides what the console offers, as the API's checks do.
  const role = (['admin', 'approver', 'officer', 'planner'] as const).find((r) => roles.includes(r));
  if (!role || typeof sub !== 'string') return undefined;
  return { token, role, user: sub, expiresAt: typeof exp === 'number' ? exp : undefined };
};

export const isExpired = (session: Session, nowMs: number): boolean =>
  session.expiresAt !== undefined && session.expiresAt * 1000 <= nowMs;

export const loadSession = (storage: Storage, nowMs: number): Session | undefined => {
  const token = storage.getItem(TOKEN_KEY);
  const session = token ? sessionFromToken(token) : undefined;
  if (!session || isExpired(session, nowMs)) {
    storage.removeItem(TOKEN_KEY);
    return undefined;
  }
  return session;
};

export const saveSession = (storage: Storage, token: string): Session | undefined => {
  const session = sessionFromToken(token);
  if (session) storage.setItem(TOKEN_KEY, token);
  return session;
};

export const clearSession = (storage: Storage): void => storage.removeItem(TOKEN_KEY);
