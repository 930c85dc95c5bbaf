import type { ConsoleConfig } from './app-context.js';

/** config.json as served: anything missing or odd falls back to the local runtime's settings. */
export const parseConfig = (json: unknown): ConsoleConfig => {
  const record = typeof json === 'object' && json !== null ? (json as Record<string, unknown>) : {};
  const apiBaseUrl = typeof record.apiBaseUrl === 'string' ? record.apiBaseUrl.replace(/\/+$/, '') : '';
  return { apiBaseUrl, signIn: record.signIn === 'cognito' ? 'cognito' : 'local' };
};
