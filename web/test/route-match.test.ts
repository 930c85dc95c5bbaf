import { describe, expect, it } from 'vitest';
import { matchRoute } from '../src/route-match.js';

const ROUTES = [
  ['newAudience', '/audiences/new'],
  ['audience', '/audiences/:audienceId'],
  ['audiences', '/audiences'],
] as const;

describe('client routes', () => {
  it('matches the first pattern that fits, with its parameters decoded', () => {
    expect(matchRoute(ROUTES, '/audiences/new')).toEqual({ route: 'newAudience', params: {} });
    expect(matchRoute(ROUTES, '/audiences/01ABC')).toEqual({
      route: 'audience',
      params: { audienceId: '01ABC' },
    });
    expect(matchRoute(ROUTES, '/audiences/')).toEqual({ route: 'audiences', params: {} });
    expect(matchRoute(ROUTES, '/audiences/a%20b')?.params).toEqual({ audienceId: 'a b' });
  });

  it('matches nothing for an unknown path or a malformed escape', () => {
    expect(matchRoute(ROUTES, '/nowhere')).toBeUndefined();
    expect(matchRoute(ROUTES, '/audiences/1/2')).toBeUndefined();
    expect(matchRoute(ROUTES, '/audiences/%E0%A4%A')).toBeUndefined();
  });
});
