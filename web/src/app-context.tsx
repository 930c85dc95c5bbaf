import { createContext } from 'preact';
import { useContext } from 'preact/hooks';
import type { Api } from './api/client.js';
import type { Session } from './session.js';

/** Cognito managed login, as the stack writes it into config.json (lib/sms-campaign-stack.ts). */
export interface CognitoConfig {
  /** `https://{prefix}.auth.{region}.amazoncognito.com`: authorize, token and logout endpoints. */
  domainUrl: string;
  clientId: string;
  /** `https://cognito-idp.{region}.amazonaws.com/{userPoolId}`, the tokens' `iss`. */
  issuer: string;
  /** The console's `/auth/callback`. */
  redirectUri: string;
  /** Where Cognito's logout sends the browser back (the console's sign-in page). */
  signOutUri: string;
}

/** What the console reads at start from config.json beside index.html (local runtime, or S3). */
export interface ConsoleConfig {
  apiBaseUrl: string;
  signIn: 'local' | 'cognito';
  /** The base of short links (`${base}/l/{code}`), for the message preview and its length. */
  shortLinkBaseUrl: string;
  /** Present when `signIn` is 'cognito' and config.json gave every setting. */
  cognito?: CognitoConfig;
}

export interface AppState {
  config: ConsoleConfig;
  api: Api;
  session: Session | undefined;
  signIn(token: string): boolean;
  /** Ends the session; with Cognito, also at Cognito's logout endpoint (the browser leaves the page). */
  signOut(): void;
  /** Set when the API refused the token (expired, or signed for another runtime): the sign-in page says so. */
  sessionEnded: boolean;
}

export const AppContext = createContext<AppState | undefined>(undefined);

export const useApp = (): AppState => {
  const state = useContext(AppContext);
  if (!state) throw new Error('useApp outside <AppContext.Provider>');
  return state;
};

/** The session of a page that is only shown signed in (the app routes others to the sign-in page). */
export const useSession = (): Session => {
  const { session } = useApp();
  if (!session) throw new Error('useSession on a page shown signed out');
  return session;
};
