import { SignJWT, jwtVerify } from 'jose';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Role } from '#core/roles.js';

/**
 * Local stand-in for Cognito: HS256 tokens signed with a secret kept in DATA_DIR, carrying the same claims
 * (`sub`, `cognito:groups`) that API Gateway's JWT authorizer hands to the Lambdas in AWS.
 */
export const ISSUER = 'sms-campaigns-local';
/**
 * The app client the tokens are for. API Gateway's JWT authorizer accepts a token only when its `aud` or
 * (Cognito access tokens) `client_id` is one of the configured audiences; locally, the same rule.
 */
export const CLIENT_ID = 'sms-campaigns-local-console';
const SECRET_FILE = 'local-jwt-secret';

export const loadOrCreateSecret = (dataDir: string): Uint8Array => {
  mkdirSync(dataDir, { recursive: true });
  const file = join(dataDir, SECRET_FILE);
  if (!existsSync(file)) writeFileSync(file, randomBytes(32).toString('base64'), { mode: 0o600 });
  return Buffer.from(readFileSync(file, 'utf8').trim(), 'base64');
};

/** How long a local token lives; also the oldest token accepted, whatever `exp` it claims. */
export const TOKEN_LIFETIME = '12h';
/** Clocks of the token's issuer and the server may differ this much. */
const CLOCK_TOLERANCE = '1m';

export const issueToken = (secret: Uint8Array, role: Role, user: string): Promise<string> =>
  new SignJWT({ 'cognito:groups': [role], 'cognito:username': user, client_id: CLIENT_ID })
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject(user)
    .setIssuer(ISSUER)
    .setIssuedAt()
    .setExpirationTime(TOKEN_LIFETIME)
    .sign(secret);

export type LocalClaims = Record<string, string | number | boolean | string[]>;

/**
 * The token's claims, or undefined when it is missing, expired, not ours (issuer or app client), without `exp` or `iat`, issued
 * in the future or longer ago than a token lives (the handler then answers 401).
 */
export const verifyToken = async (
  secret: Uint8Array,
  authorization: string | undefined,
): Promise<LocalClaims | undefined> => {
  const token = authorization?.match(/^Bearer\s+(\S+)$/i)?.[1];
  if (!token) return undefined;
  try {
    const { payload } = await jwtVerify(token, secret, {
      issuer: ISSUER,
      algorithms: ['HS256'],
      requiredClaims: ['exp', 'iat', 'sub'],
      maxTokenAge: TOKEN_LIFETIME,
      clockTolerance: CLOCK_TOLERANCE,
    });
    const forUs = payload.client_id === CLIENT_ID || [payload.aud].flat().includes(CLIENT_ID);
    return forUs ? (payload as LocalClaims) : undefined;
  } catch {
    return undefined;
  }
};
