import { WebStorageStateStore } from 'oidc-client-ts';
import { describe, expect, it } from 'vitest';
import type { CognitoConfig } from '../src/app-context.js';
import {
  RENEW_BEFORE_EXPIRY_SECONDS,
  apiToken,
  cognitoMetadata,
  logoutUrl,
  userManagerSettings,
} from '../src/auth/cognito.js';
import { parseConfig } from '../src/config.js';
import { MemoryStorage } from './memory-storage.js';

const COGNITO: CognitoConfig = {
  domainUrl: 'https://sms-console-123.auth.ap-southeast-1.amazoncognito.com',
  clientId: 'client123',
  issuer: 'https://cognito-idp.ap-southeast-1.amazonaws.com/ap-southeast-1_abc',
  redirectUri: 'https://d111.cloudfront.net/auth/callback',
  signOutUri: 'https://d111.cloudfront.net/sign-in',
};

describe('Cognito sign-in settings', () => {
  it('keeps both the sign-in state (PKCE verifier) and the user in the given storage, never localStorage', async () => {
    const storage = new MemoryStorage();
    const settings = userManagerSettings(COGNITO, storage);
    expect(settings.userStore).toBeInstanceOf(WebStorageStateStore);
    expect(settings.stateStore).toBeInstanceOf(WebStorageStateStore);
    await settings.userStore?.set('user', 'u');
    await settings.stateStore?.set('state', 's');
    expect(storage.length).toBe(2);
  });

  it('asks for the authorization code with PKCE, and renews with the refresh token before expiry', () => {
    const settings = userManagerSettings(COGNITO, new MemoryStorage());
    expect(settings).toMatchObject({
      client_id: 'client123',
      redirect_uri: COGNITO.redirectUri,
      response_type: 'code',
      scope: 'openid email',
      automaticSilentRenew: true,
      accessTokenExpiringNotificationTimeInSeconds: RENEW_BEFORE_EXPIRY_SECONDS,
      monitorSession: false,
    });
    expect(settings.disablePKCE).not.toBe(true);
    expect(settings).not.toHaveProperty('client_secret');
    // No iframe renewal: the refresh token is used (signinSilent prefers it when present).
    expect(settings).not.toHaveProperty('silent_redirect_uri');
  });

  it('uses Cognito’s endpoints on the domain, without fetching a discovery document', () => {
    expect(userManagerSettings(COGNITO, new MemoryStorage()).metadata).toEqual(cognitoMetadata(COGNITO));
    expect(cognitoMetadata(COGNITO)).toMatchObject({
      issuer: COGNITO.issuer,
      authorization_endpoint: `${COGNITO.domainUrl}/oauth2/authorize`,
      token_endpoint: `${COGNITO.domainUrl}/oauth2/token`,
    });
  });

  it('signs out at Cognito’s logout endpoint, back to the sign-in page', () => {
    const url = new URL(logoutUrl(COGNITO));
    expect(`${url.origin}${url.pathname}`).toBe(`${COGNITO.domainUrl}/logout`);
    expect(url.searchParams.get('client_id')).toBe('client123');
    expect(url.searchParams.get('logout_uri')).toBe(COGNITO.signOutUri);
  });

  it('sends the access token to the API (it carries cognito:groups and the client id)', () => {
    expect(apiToken({ access_token: 'access' })).toBe('access');
  });
});

describe('config.json', () => {
  const origin = 'https://d111.cloudfront.net';

  it('reads the Cognito settings when signIn is cognito', () => {
    expect(
      parseConfig(
        {
          apiBaseUrl: 'https://api.example/',
          signIn: 'cognito',
          shortLinkBaseUrl: 'https://s.vn',
          cognito: COGNITO,
        },
        origin,
      ),
    ).toEqual({
      apiBaseUrl: 'https://api.example',
      signIn: 'cognito',
      shortLinkBaseUrl: 'https://s.vn',
      cognito: COGNITO,
    });
  });

  it('stays on Cognito without settings when one is missing or not https, rather than the local form', () => {
    const { clientId: _, ...withoutClient } = COGNITO;
    for (const cognito of [undefined, withoutClient, { ...COGNITO, domainUrl: 'http://evil.example' }]) {
      const config = parseConfig({ signIn: 'cognito', cognito }, origin);
      expect(config.signIn).toBe('cognito');
      expect(config.cognito).toBeUndefined();
    }
  });

  it('ignores Cognito settings for the local runtime', () => {
    expect(parseConfig({ signIn: 'local', cognito: COGNITO }, origin)).toEqual({
      apiBaseUrl: '',
      signIn: 'local',
      shortLinkBaseUrl: origin,
    });
  });
});
