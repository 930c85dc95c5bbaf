import type { CognitoConfig } from '../app-context.js';
import type { CognitoSession } from './cognito.js';

let loaded: { config: CognitoConfig; session: Promise<CognitoSession> } | undefined;

/**
 * Cognito sign-in, loaded on first use with import(): oidc-client-ts is not part of the first page. One
 * UserManager for the page, so renewal timers are armed once.
 */
export const loadCognito = (config: CognitoConfig): Promise<CognitoSession> => {
  if (loaded?.config !== config) {
    loaded = { config, session: import('./cognito.js').then(({ cognitoSession }) => cognitoSession(config)) };
  }
  return loaded.session;
};
