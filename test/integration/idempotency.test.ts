import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dynamoDocumentClient, tableName } from '#adapters/clients.js';
import { dynamoIdempotencyStore } from '#adapters/idempotency-store.js';
import { keys } from '#adapters/table.js';
import type { Role } from '#core/roles.js';
import { expectStatus, sendTo, type CallOptionsOf } from '#support/typed-api.js';
import { startTestApi, type TestApi } from '#support/api.js';
import { counterKey, counterRoute } from './fixtures/counter-handler.js';

type Thing = NonNullable<CallOptionsOf<typeof counterRoute>['json']>;

let api: TestApi;
beforeAll(async () => {
  api = await startTestApi([counterRoute]);
});
afterAll(() => api.close());

const unique = (prefix: string) => `${prefix}-${randomUUID().slice(0, 8)}`;

interface Options {
  key?: string;
  as?: Role | { role: Role; user: string };
}

const create = (counter: string, json: Thing, { key, as = 'officer' }: Options = {}) =>
  sendTo(api, counterRoute, {
    params: { counter },
    as,
    json,
    ...(key === undefined ? {} : { idempotencyKey: key }),
  });

/** What the handler recorded for a counter: calls that reached it, and creations. */
const counted = async (counter: string) => {
  const { Item } = await dynamoDocumentClient().send(
    new GetCommand({ TableName: tableName(), Key: counterKey(counter), ConsistentRead: true }),
  );
  return { attempts: Number(Item?.attempts ?? 0), creations: Number(Item?.creations ?? 0) };
};

describe('Idempotency-Key on a creating POST', () => {
  it('replays the first response for the same key and body, creating once', async () => {
    const counter = unique('replay');
    const key = unique('key');
    const first = await create(counter, { label: 'Bắc Kạn' }, { key });
    const second = await create(counter, { label: 'Bắc Kạn' }, { key });

    expectStatus(first, 201);
    expect(first.headers.get('idempotent-replayed')).toBeNull();
    expectStatus(second, 201);
    expect(second.body).toEqual(first.body);
    expect(second.headers.get('idempotent-replayed')).toBe('true');
    expect(second.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(await counted(counter)).toEqual({ attempts: 1, creations: 1 });
  });

  it('keeps replaying on later retries', async () => {
    const counter = unique('retries');
    const key = unique('key');
    const bodies = [];
    for (let i = 0; i < 4; i++) bodies.push((await create(counter, { label: 'x' }, { key })).body);
    expect(new Set(bodies.map((b) => JSON.stringify(b))).size).toBe(1);
    expect(await counted(counter)).toEqual({ attempts: 1, creations: 1 });
  });

  it('refuses the same key with a different body with 409 conflict', async () => {
    const counter = unique('conflict');
    const key = unique('key');
    expect((await create(counter, { label: 'first' }, { key })).status).toBe(201);
    const second = await create(counter, { label: 'second' }, { key });

    expectStatus(second, 409);
    expect(second.body).toMatchObject({ error: { code: 'conflict', message: expect.any(String) } });
    expect(await counted(counter)).toEqual({ attempts: 1, creations: 1 });
  });

  it('refuses the same key on another path of the same endpoint (the request differs)', async () => {
    const key = unique('key');
    const [one, other] = [unique('path-a'), unique('path-b')];
    expect((await create(one, { label: 'x' }, { key })).status).toBe(201);
    expect((await create(other, { label: 'x' }, { key })).status).toBe(409);
    expect(await counted(other)).toEqual({ attempts: 0, creations: 0 });
  });

  it('creates every time when no key is given', async () => {
    const counter = unique('nokey');
    const first = await create(counter, { label: 'x' });
    const second = await create(counter, { label: 'x' });

    expectStatus(first, 201);
    expectStatus(second, 201);
    expect(second.body.id).not.toBe(first.body.id);
    expect(second.headers.get('idempotent-replayed')).toBeNull();
    expect(await counted(counter)).toEqual({ attempts: 2, creations: 2 });
  });

  it('keeps keys apart per user: the same key from another user creates again', async () => {
    const counter = unique('users');
    const key = unique('key');
    const alice = { role: 'officer', user: unique('alice') } as const;
    const bob = { role: 'officer', user: unique('bob') } as const;
    const fromAlice = await create(counter, { label: 'x' }, { key, as: alice });
    const fromBob = await create(counter, { label: 'x' }, { key, as: bob });

    expectStatus(fromAlice, 201);
    expectStatus(fromBob, 201);
    expect(fromBob.body.id).not.toBe(fromAlice.body.id);
    expect(fromBob.headers.get('idempotent-replayed')).toBeNull();
    expect(await counted(counter)).toEqual({ attempts: 2, creations: 2 });

    const aliceAgain = await create(counter, { label: 'x' }, { key, as: alice });
    expect(aliceAgain.body).toEqual(fromAlice.body);
    expect(aliceAgain.headers.get('idempotent-replayed')).toBe('true');
  });

  it.each<[string, Omit<Thing, 'label'>, number, string]>([
    ['throws a 4xx AppError', { failFirst: 'throw' }, 409, 'conflict'],
    ['answers a 4xx', { failFirst: 'answer' }, 422, 'test_failure'],
    ['crashes (500)', { crashFirst: true }, 500, 'internal_error'],
  ])('releases the key when the first attempt %s, so a retry runs', async (_case, fail, status, code) => {
    const counter = unique('release');
    const key = unique('key');
    const body = { label: 'x', ...fail };
    const failed = await create(counter, body, { key });
    expect(failed.status).toBe(status);
    expect(failed.body).toMatchObject({ error: { code } });

    const retried = await create(counter, body, { key });
    expectStatus(retried, 201);
    expect(retried.headers.get('idempotent-replayed')).toBeNull();
    expect(await counted(counter)).toEqual({ attempts: 2, creations: 1 });

    const replayed = await create(counter, body, { key });
    expect(replayed.body).toEqual(retried.body);
    expect(replayed.headers.get('idempotent-replayed')).toBe('true');
  });

  it.each([
    ['has spaces', 'has spaces'],
    ['129 characters', 'k'.repeat(129)],
    ['a slash', 'a/b'],
    ['a semicolon', 'key;1'],
  ])('rejects a key with %s: 400 naming Idempotency-Key, nothing run', async (_case, key) => {
    const counter = unique('badkey');
    const response = await create(counter, { label: 'x' }, { key });

    expectStatus(response, 400);
    expect(response.body).toMatchObject({
      error: {
        code: 'validation_failed',
        details: [{ path: 'Idempotency-Key', code: 'invalid_idempotency_key', message: expect.any(String) }],
      },
    });
    expect(await counted(counter)).toEqual({ attempts: 0, creations: 0 });
  });

  it.each([
    ['128 characters', 'k'.repeat(128)],
    ['one character', 'k'],
    ['a UUID', randomUUID()],
    ['every allowed symbol', 'A-z_0.9:x'],
  ])('accepts a key of %s', async (_case, key) => {
    const counter = unique('goodkey');
    expect((await create(counter, { label: 'x' }, { key })).status).toBe(201);
    expect((await create(counter, { label: 'x' }, { key })).headers.get('idempotent-replayed')).toBe('true');
    expect(await counted(counter)).toEqual({ attempts: 1, creations: 1 });
  });

  it('creates exactly once when requests with the same key overlap', async () => {
    const counter = unique('race');
    const key = unique('key');
    const responses = await Promise.all(
      Array.from({ length: 5 }, () => create(counter, { label: 'x', delayMs: 300 }, { key })),
    );

    expect(await counted(counter)).toEqual({ attempts: 1, creations: 1 });
    const original = responses.filter((r) => r.status === 201 && !r.headers.get('idempotent-replayed'));
    expect(original).toHaveLength(1);
    for (const response of responses) {
      if (response.status === 409) expect(response.body.error.code).toBe('conflict');
      else {
        expectStatus(response, 201);
        expect(response.body).toEqual(original[0]?.body);
      }
    }
  });
});

describe('dynamoIdempotencyStore', () => {
  const T0 = new Date('2027-07-30T01:00:00.000Z');
  let clock = T0;
  const store = dynamoIdempotencyStore(dynamoDocumentClient(), tableName(), () => clock);
  const stored = { statusCode: 201, headers: { 'content-type': 'application/json' }, body: '{"id":"1"}' };

  it('lets a new request take over a claim left in progress for more than 60 s (a crashed request)', async () => {
    const scope = { userId: unique('user'), routeId: 'route' };
    clock = T0;
    expect(await store.claim(scope, 'k', 'hash-1')).toEqual({ state: 'claimed' });
    clock = new Date(T0.getTime() + 59_000);
    expect(await store.claim(scope, 'k', 'hash-1')).toEqual({ state: 'in_progress', requestHash: 'hash-1' });
    clock = new Date(T0.getTime() + 61_000);
    expect(await store.claim(scope, 'k', 'hash-1')).toEqual({ state: 'claimed' });
  });

  it('never takes over a completed key, however old', async () => {
    const scope = { userId: unique('user'), routeId: 'route' };
    clock = T0;
    await store.claim(scope, 'k', 'hash-1');
    await store.complete(scope, 'k', stored);
    clock = new Date(T0.getTime() + 60 * 60_000);
    expect(await store.claim(scope, 'k', 'hash-1')).toEqual({
      state: 'completed',
      requestHash: 'hash-1',
      response: stored,
    });
  });

  it('frees a released key for the next claim', async () => {
    const scope = { userId: unique('user'), routeId: 'route' };
    clock = T0;
    await store.claim(scope, 'k', 'hash-1');
    await store.release(scope, 'k');
    expect(await store.claim(scope, 'k', 'hash-2')).toEqual({ state: 'claimed' });
  });

  it('keeps a key for 24 h through the table TTL', async () => {
    const user = unique('user');
    clock = T0;
    await store.claim({ userId: user, routeId: 'route' }, 'k', 'hash-1');
    const { Item } = await dynamoDocumentClient().send(
      new GetCommand({ TableName: tableName(), Key: keys.idempotency(user, 'route', 'k') }),
    );
    expect(Item?.ttl).toBe(T0.getTime() / 1000 + 24 * 60 * 60);
  });

  it("keeps a user whose id holds a '|' apart from another user's key on another route", async () => {
    const user = unique('user');
    clock = T0;
    const claimed = { state: 'claimed' };
    expect(
      await store.claim({ userId: `${user}|createCampaign`, routeId: 'listCampaigns' }, 'k', 'hash-1'),
    ).toEqual(claimed);
    expect(await store.claim({ userId: user, routeId: 'createCampaign' }, 'k', 'hash-2')).toEqual(claimed);
  });
});
