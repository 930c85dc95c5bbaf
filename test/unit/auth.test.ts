import { SignJWT } from 'jose';
import { describe, expect, it } from 'vitest';
import { ForbiddenError, UnauthorizedError } from '#core/errors.js';
import { ACCESS, ROLES, mayAccess, type Access, type Role } from '#core/roles.js';
import { actorFromClaims, authorize } from '#http/auth.js';
import { CLIENT_ID, ISSUER, issueToken, verifyToken } from '#local/auth.js';

type Claims = Parameters<typeof authorize>[1];

const claims = (groups: string | string[], sub = 'user-1'): Claims => ({ sub, 'cognito:groups': groups });

/** Contract §2, written out independently of ACCESS so that a wrong entry there fails. */
const MAY: Record<Role, Record<Access, boolean>> = {
  planner: { read: true, edit: false, author: false, approve: false, admin: false },
  officer: { read: true, edit: true, author: true, approve: false, admin: false },
  approver: { read: true, edit: true, author: false, approve: true, admin: false },
  admin: { read: true, edit: true, author: true, approve: true, admin: true },
};
const LEVELS = Object.keys(ACCESS) as Access[];
const GRID = ROLES.flatMap((role) => LEVELS.map((access) => [role, access, MAY[role][access]] as const));

describe('actorFromClaims: the cognito:groups claim', () => {
  it.each([
    ['an array (local runtime)', ['admin', 'officer'], ['admin', 'officer']],
    ["API Gateway's string form", '[admin officer]', ['admin', 'officer']],
    ['a string with one group', '[planner]', ['planner']],
    ['a bare group name', 'approver', ['approver']],
    ['a JSON array string', '["officer","approver"]', ['officer', 'approver']],
    ['a comma-separated string', '[officer, approver]', ['officer', 'approver']],
    ['an empty array', [], []],
    ['an empty string form', '[]', []],
  ])('reads groups given as %s', (_case, groups, roles) => {
    expect(actorFromClaims(claims(groups))).toEqual({ userId: 'user-1', roles });
  });

  it.each([
    ['unknown groups in an array', ['superuser', 'officer', 'Admin'], ['officer']],
    ['unknown groups in the string form', '[us-east-1_pool_Google planner]', ['planner']],
    ['only unknown groups', ['root'], []],
  ])('ignores %s', (_case, groups, roles) => {
    expect(actorFromClaims(claims(groups))?.roles).toEqual(roles);
  });

  it('gives no roles when the groups claim is missing or not a list', () => {
    expect(actorFromClaims({ sub: 'user-1' })).toEqual({ userId: 'user-1', roles: [] });
    expect(actorFromClaims({ sub: 'user-1', 'cognito:groups': 7 })).toEqual({ userId: 'user-1', roles: [] });
  });

  it.each([
    ['no claims at all', undefined],
    ['no sub', { 'cognito:groups': ['admin'] }],
    ['an empty sub', { sub: '', 'cognito:groups': ['admin'] }],
    ['a sub that is not a string', { sub: 42, 'cognito:groups': ['admin'] }],
  ])('finds no actor with %s', (_case, given) => {
    expect(actorFromClaims(given)).toBeUndefined();
  });
});

describe('authorize', () => {
  it.each(GRID)('lets a %s call a %s route: %s', (role, access, allowed) => {
    const call = () => authorize(access, claims([role], `${role}-1`));
    if (allowed) expect(call()).toEqual({ userId: `${role}-1`, roles: [role] });
    else expect(call).toThrow(ForbiddenError);
  });

  it('refuses with 403 forbidden in the contract shape', () => {
    expect(() => authorize('admin', claims(['officer']))).toThrow(
      expect.objectContaining({ status: 403, code: 'forbidden' }),
    );
  });

  it('lets a planner read but not edit', () => {
    expect(authorize('read', claims('[planner]'))?.roles).toEqual(['planner']);
    expect(() => authorize('edit', claims('[planner]'))).toThrow(ForbiddenError);
  });

  it('lets an approver approve, and only an admin administer', () => {
    expect(authorize('approve', claims('[approver]'))?.userId).toBe('user-1');
    expect(() => authorize('approve', claims('[officer]'))).toThrow(ForbiddenError);
    expect(() => authorize('admin', claims('[approver]'))).toThrow(ForbiddenError);
    expect(authorize('admin', claims('[admin]'))?.roles).toEqual(['admin']);
  });

  it('grants the highest of several groups', () => {
    expect(authorize('admin', claims('[planner admin]'))?.roles).toEqual(['planner', 'admin']);
  });

  it('forbids a signed-in user whose groups are all unknown', () => {
    expect(() => authorize('read', claims(['guests']))).toThrow(ForbiddenError);
  });

  it.each([
    ['no claims', undefined],
    ['claims without sub', { 'cognito:groups': ['admin'] }],
  ])('answers 401 unauthorized with %s, before any role check', (_case, given) => {
    for (const access of LEVELS) {
      expect(() => authorize(access, given)).toThrow(UnauthorizedError);
    }
    expect(() => authorize('read', given)).toThrow(
      expect.objectContaining({ status: 401, code: 'unauthorized' }),
    );
  });

  it.each(['public', 'signature'] as const)('needs no claims on a %s route', (auth) => {
    expect(authorize(auth, undefined)).toBeUndefined();
    expect(authorize(auth, { 'cognito:groups': ['planner'] })).toBeUndefined();
  });
});

describe('mayAccess', () => {
  it.each(GRID)('a %s may access %s: %s', (role, access, allowed) => {
    expect(mayAccess({ userId: 'u', roles: [role] }, access)).toBe(allowed);
  });

  it.each(LEVELS)('nobody without a role may access %s', (access) => {
    expect(mayAccess({ userId: 'u', roles: [] }, access)).toBe(false);
  });

  it('allows when any one of several roles allows', () => {
    expect(mayAccess({ userId: 'u', roles: ['planner', 'approver'] }, 'approve')).toBe(true);
    expect(mayAccess({ userId: 'u', roles: ['planner', 'officer'] }, 'approve')).toBe(false);
  });
});

describe('local tokens (local/auth.ts)', () => {
  const secret = new Uint8Array(32).fill(7);
  const bearer = (token: string) => `Bearer ${token}`;
  const signed = (shape: (jwt: SignJWT) => SignJWT) =>
    shape(
      new SignJWT({ 'cognito:groups': ['admin'] })
        .setProtectedHeader({ alg: 'HS256' })
        .setSubject('a')
        .setIssuer(ISSUER),
    ).sign(secret);

  it('accepts a token for its app client by aud, as an ID token names it', async () => {
    const token = await signed((jwt) => jwt.setIssuedAt().setExpirationTime('1h').setAudience(CLIENT_ID));
    expect(await verifyToken(secret, bearer(token))).toMatchObject({ sub: 'a' });
  });

  it('accepts a token it issued', async () => {
    const claims = await verifyToken(secret, bearer(await issueToken(secret, 'admin', 'a@local')));
    expect(claims).toMatchObject({ sub: 'a@local', 'cognito:groups': ['admin'] });
  });

  it.each([
    ['has no expiry', (jwt: SignJWT) => jwt.setIssuedAt()],
    ['has no issue time', (jwt: SignJWT) => jwt.setExpirationTime('1h')],
    ['was issued in the future', (jwt: SignJWT) => jwt.setIssuedAt('+1h').setExpirationTime('2h')],
    ['is older than a token lives', (jwt: SignJWT) => jwt.setIssuedAt('-13h').setExpirationTime('+1h')],
    ['has expired', (jwt: SignJWT) => jwt.setIssuedAt('-2h').setExpirationTime('-1h')],
    ['names no app client', (jwt: SignJWT) => jwt.setIssuedAt().setExpirationTime('1h')],
    [
      'is for another app client',
      (jwt: SignJWT) => jwt.setIssuedAt().setExpirationTime('1h').setAudience('another-app'),
    ],
  ])('refuses a token that %s', async (_case, shape) => {
    expect(await verifyToken(secret, bearer(await signed(shape)))).toBeUndefined();
  });
});
