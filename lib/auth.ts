import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import type { UserPoolDomain } from 'aws-cdk-lib/aws-cognito';
import {
  AccountRecovery,
  CfnManagedLoginBranding,
  CfnUserPoolClient,
  FeaturePlan,
  ManagedLoginVersion,
  Mfa,
  OAuthScope,
  StandardThreatProtectionMode,
  UserPool,
  UserPoolClientIdentityProvider,
  type UserPoolClient,
} from 'aws-cdk-lib/aws-cognito';
import { Construct } from 'constructs';
import { ROLES } from '#core/roles.js';

/** Where Cognito sends the browser back with the authorization code, and after signing out. */
export const CALLBACK_PATH = '/auth/callback';
export const SIGNED_OUT_PATH = '/sign-in';

export interface AuthProps {
  /** The console's origin (the CloudFront distribution's https URL): the only redirect target. */
  readonly consoleUrl: string;
  /** Cognito prefix domain: `https://{prefix}.auth.{region}.amazoncognito.com`, unique in the region. */
  readonly domainPrefix: string;
}

/**
 * Staff sign-in for the web console, with Cognito's managed login pages. Roles are Cognito groups; the
 * API reads them from `cognito:groups` in the access token the console sends.
 */
export class Auth extends Construct {
  readonly userPool: UserPool;
  readonly domain: UserPoolDomain;
  readonly consoleClient: UserPoolClient;
  readonly callbackUrl: string;
  readonly signedOutUrl: string;

  constructor(scope: Construct, id: string, props: AuthProps) {
    super(scope, id);

    this.userPool = new UserPool(this, 'UserPool', {
      // Accounts are created by an admin; nobody enrols themselves.
      selfSignUpEnabled: false,
      signInAliases: { email: true },
      signInCaseSensitive: false,
      autoVerify: { email: true },
      passwordPolicy: {
        minLength: 12,
        requireLowercase: true,
        requireUppercase: true,
        requireDigits: true,
        requireSymbols: true,
        tempPasswordValidity: Duration.days(3),
      },
      mfa: Mfa.OPTIONAL,
      // Authenticator apps only: SMS codes would need an SNS role and cost per message.
      mfaSecondFactor: { otp: true, sms: false },
      accountRecovery: AccountRecovery.EMAIL_ONLY,
      // Plus: threat protection blocks sign-ins with leaked passwords and from risky places. Staff are a
      // few dozen users, so its price per active user is cents a month.
      featurePlan: FeaturePlan.PLUS,
      standardThreatProtectionMode: StandardThreatProtectionMode.FULL_FUNCTION,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    Validations.of(this.userPool).acknowledge({
      id: 'AwsSolutions-COG2',
      reason:
        'MFA is available (authenticator apps, TOTP) and every admin and approver is asked to enrol; Cognito can only require it pool-wide, and officers in district offices often have no second device. Threat protection (Plus) covers risky sign-ins.',
    });

    for (const role of ROLES) {
      this.userPool.addGroup(`${role}Group`, { groupName: role });
    }

    this.domain = this.userPool.addDomain('Domain', {
      cognitoDomain: { domainPrefix: props.domainPrefix },
      managedLoginVersion: ManagedLoginVersion.NEWER_MANAGED_LOGIN,
    });

    this.callbackUrl = `${props.consoleUrl}${CALLBACK_PATH}`;
    this.signedOutUrl = `${props.consoleUrl}${SIGNED_OUT_PATH}`;
    // A browser cannot keep a secret: a public client, authorization code only, proven with PKCE.
    this.consoleClient = this.userPool.addClient('ConsoleClient', {
      generateSecret: false,
      oAuth: {
        flows: { authorizationCodeGrant: true, implicitCodeGrant: false, clientCredentials: false },
        scopes: [OAuthScope.OPENID, OAuthScope.EMAIL],
        callbackUrls: [this.callbackUrl],
        logoutUrls: [this.signedOutUrl],
      },
      supportedIdentityProviders: [UserPoolClientIdentityProvider.COGNITO],
      preventUserExistenceErrors: true,
      enableTokenRevocation: true,
      accessTokenValidity: Duration.hours(1),
      idTokenValidity: Duration.hours(1),
      // A working day; the console keeps it in sessionStorage, gone with the tab.
      refreshTokenValidity: Duration.hours(12),
    });
    // Managed login signs users in itself; the client needs no API sign-in flow (no SRP, no password
    // flow), only refreshing. CDK's `authFlows` cannot say "refresh only", and leaving it unset lets
    // Cognito enable SRP and custom auth by default.
    const client = this.consoleClient.node.defaultChild;
    if (!(client instanceof CfnUserPoolClient)) throw new Error('UserPoolClient has no CfnUserPoolClient');
    client.explicitAuthFlows = ['ALLOW_REFRESH_TOKEN_AUTH'];

    // Managed login (version 2) shows its pages only to a client with a style: Cognito's own.
    new CfnManagedLoginBranding(this, 'Branding', {
      userPoolId: this.userPool.userPoolId,
      clientId: this.consoleClient.userPoolClientId,
      useCognitoProvidedValues: true,
    });
  }

  /** `https://{prefix}.auth.{region}.amazoncognito.com`: authorize, token and logout endpoints. */
  get domainUrl(): string {
    return this.domain.baseUrl();
  }
}
