import { UserManager, WebStorageStateStore, type User, type UserManagerSettings } from 'oidc-client-ts';
import type { CognitoConfig } from '../app-context.js';

/**
 * Cognito managed login with oidc-client-ts: authorization code with PKCE, tokens refreshed with the
 * refresh token before they expire. Loaded with import() (web/src/auth/index.ts), so oidc-client-ts stays
 * out of the first page.
 */

/** Refresh this long before the access token expires (oidc-client-ts's `accessTokenExpiring`). */
export const RENEW_BEFORE_EXPIRY_SECONDS = 120;

/**
 * Cognito's endpoints, given rather than discovered: the discovery document lives on another origin
 * (cognito-idp.{region}.amazonaws.com), which the CSP would then have to allow, for one more request.
 */
export const cognitoMetadata = (config: CognitoConfig) => ({
  issuer: config.issuer,
  authorization_endpoint: `${config.domainUrl}/oauth2/authorize`,
  token_endpoint: `${config.domainUrl}/oauth2/token`,
  revocation_endpoint: `${config.domainUrl}/oauth2/revoke`,
  userinfo_endpoint: `${config.domainUrl}/oauth2/userInfo`,
  jwks_uri: `${config.issuer}/.well-known/jwks.json`,
});

/**
 * Both stores in the given storage (sessionStorage: gone with the tab). oidc-client-ts keeps the user in
 * sessionStorage by default but the sign-in state (PKCE verifier) in localStorage.
 */
export const userManagerSettings = (config: CognitoConfig, storage: Storage): UserManagerSettings => ({
  authority: config.issuer,
  metadata: cognitoMetadata(config),
  client_id: config.clientId,
  redirect_uri: config.redirectUri,
  post_logout_redirect_uri: config.signOutUri,
  response_type: 'code',
  scope: 'openid email',
  userStore: new WebStorageStateStore({ store: storage, prefix: 'console.oidc.' }),
  stateStore: new WebStorageStateStore({ store: storage, prefix: 'console.oidc.' }),
  automaticSilentRenew: true,
  accessTokenExpiringNotificationTimeInSeconds: RENEW_BEFORE_EXPIRY_SECONDS,
  // Cognito has no session-check iframe, and every claim the console needs is in the tokens.
  monitorSession: false,
  loadUserInfo: false,
  revokeTokenTypes: ['refresh_token'],
});

/**
 * Cognito's logout endpoint takes `client_id` and `logout_uri`, not OpenID's end-session parameters:
 * https://docs.aws.amazon.com/cognito/latest/developerguide/logout-endpoint.html
 */
export const logoutUrl = (config: CognitoConfig): string => {
  const query = new URLSearchParams({ client_id: config.clientId, logout_uri: config.signOutUri });
  return `${config.domainUrl}/logout?${query.toString()}`;
};

/** The token the console sends: the access token carries `cognito:groups` and the client id. */
export const apiToken = (user: Pick<User, 'access_token'>): string => user.access_token;

export interface CognitoSession {
  /** Off to Cognito's sign-in page; the browser comes back to `/auth/callback`. */
  startSignIn(): Promise<void>;
  /** On `/auth/callback`: trades the code (and the PKCE verifier) for tokens; returns the API token. */
  completeSignIn(url: string): Promise<string>;
  /** Keeps the session going: `renewed` gets each new token, `ended` is called when refreshing fails. */
  watch(listeners: { renewed(token: string): void; ended(): void }): () => void;
  /** Forgets the tokens (revoking the refresh token), then goes to Cognito's logout endpoint. */
  signOut(): Promise<void>;
}

export const cognitoSession = (config: CognitoConfig, storage: Storage = sessionStorage): CognitoSession => {
  const manager = new UserManager(userManagerSettings(config, storage));
  return {
    startSignIn: () => manager.signinRedirect(),
    completeSignIn: async (url) => apiToken(await manager.signinRedirectCallback(url)),
    watch({ renewed, ended }) {
      const onLoaded = (user: User) => renewed(apiToken(user));
      const onFailed = () => {
        void manager.removeUser();
        ended();
      };
      manager.events.addUserLoaded(onLoaded);
      manager.events.addSilentRenewError(onFailed);
      manager.events.addAccessTokenExpired(onFailed);
      void manager.startSilentRenew();
      // Loading the stored user arms the timers of automatic renewal.
      void manager.getUser().then((user) => {
        if (!user || user.expired) onFailed();
      });
      return () => {
        manager.events.removeUserLoaded(onLoaded);
        manager.events.removeSilentRenewError(onFailed);
        manager.events.removeAccessTokenExpired(onFailed);
        manager.stopSilentRenew();
      };
    },
    async signOut() {
      await manager.revokeTokens().catch(() => undefined);
      await manager.removeUser();
      location.assign(logoutUrl(config));
    },
  };
};
