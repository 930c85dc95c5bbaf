import { describe, expect, it } from 'vitest';
import { clearSession, loadSession, saveSession, sessionFromToken } from '../src/session.js';
import { MemoryStorage } from './memory-storage.js';

const base64Url = (value: unknown) =>
  btoa(String.fromCharCode(...new TextEncoder().encode(JSON.stringify(value))))
    .replace(/\+/g, '-')
    .replace(/\//g, '_')
    .replace(/=+$/, '');
const token = (claims: Record<string, unknown>) => `${base64Url({ alg: 'HS256' })}.${base64Url(claims)}.sig`;

describe('the console session', () => {
  it('reads the role and the user from the token’s Cognito claims', () => {
    const jwt = token({ sub: 'cán-bộ@local', 'cognito:groups': ['officer'], exp: 2_000_000_000 });
    expect(sessionFromToken(jwt)).toEqual({
      token: jwt,
      role: 'officer',
      user: 'cán-bộ@local',
      expiresAt: 2e9,
    });
  });

  it('takes the most capable of several roles', () => {
    expect(sessionFromToken(token({ sub: 'a', 'cognito:groups': ['planner', 'approver'] }))?.role).toBe(
      'approver',
    );
  });

  it('refuses a token without a known role or subject, or that is not a JWT', () => {
    expect(sessionFromToken(token({ sub: 'a', 'cognito:groups': ['boss'] }))).toBeUndefined();
    expect(sessionFromToken(token({ 'cognito:groups': ['officer'] }))).toBeUndefined();
    expect(sessionFromToken('not-a-token')).toBeUndefined();
    expect(sessionFromToken('a.%%%.b')).toBeUndefined();
  });

  it('keeps the token in the storage it is given and forgets it on sign-out', () => {
    const storage = new MemoryStorage();
    const jwt = token({ sub: 'a', 'cognito:groups': ['officer'], exp: 2_000 });
    expect(saveSession(storage, jwt)?.role).toBe('officer');
    expect(loadSession(storage, 1_000_000)?.user).toBe('a');
    clearSession(storage);
    expect(loadSession(storage, 1_000_000)).toBeUndefined();
  });

  it('drops an expired token instead of using it', () => {
    const storage = new MemoryStorage();
    saveSession(storage, token({ sub: 'a', 'cognito:groups': ['officer'], exp: 2_000 }));
    expect(loadSession(storage, 2_000_000)).toBeUndefined();
    expect(storage.length).toBe(0);
  });
});
