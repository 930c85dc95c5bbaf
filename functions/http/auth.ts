import { ForbiddenError, UnauthorizedError } from '#core/errors.js';
import { isRole, mayAccess, type Actor } from '#core/roles.js';
import type { RouteAuth } from './route.js';

type Claims = Record<string, string | number | boolean | string[]>;

/**
 * API Gateway's JWT authorizer passes Cognito groups either as a JSON-ish string (`"[admin officer]"`)
 * or, from the local runtime, as an array; both mean the same list.
 */
const groupsOf = (claim: Claims[string] | undefined): string[] => {
  if (Array.isArray(claim)) return claim;
  if (typeof claim !== 'string') return [];
  return claim
    .replace(/^\[|\]$/g, '')
    .split(/[\s,]+/)
    .map((g) => g.replace(/^"|"$/g, ''))
    .filter(Boolean);
};

export const actorFromClaims = (claims: Claims | undefined): Actor | undefined => {
  const sub = claims?.sub;
  if (!claims || typeof sub !== 'string' || !sub) return undefined;
  return { userId: sub, roles: groupsOf(claims['cognito:groups']).filter(isRole) };
};

/** Contract §2: 401 without a valid identity, 403 when the role may not call the route. */
export const authorize = (auth: RouteAuth, claims: Claims | undefined): Actor | undefined => {
  if (auth === 'public' || auth === 'signature') return undefined;
  const actor = actorFromClaims(claims);
  if (!actor) throw new UnauthorizedError();
  if (!mayAccess(actor, auth)) throw new ForbiddenError();
  return actor;
};
