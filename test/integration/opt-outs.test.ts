import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dynamoDocumentClient, tableName } from '#adapters/clients.js';
import { dynamoOptOutStore } from '#adapters/opt-out-store.js';
import { startTestApi, type Caller, type TestApi } from '#support/api.js';
import { expectError, expectReplayed, expectStatus, send } from '#support/typed-api.js';

let api: TestApi;
beforeAll(async () => {
  api = await startTestApi();
});
afterAll(() => api.close());

const store = () => dynamoOptOutStore(dynamoDocumentClient(), tableName());

const optOut = (phone: string, reason?: string) =>
  send(api, 'createOptOut', { as: 'officer', json: reason ? { phone, reason } : { phone } });
const read = (phone: string, as: Caller = 'admin') => send(api, 'getOptOut', { params: { phone }, as });
const remove = (phone: string, options: { as?: Caller; badJson?: unknown } = {}) =>
  send(api, 'deleteOptOut', { params: { phone }, ...options });

describe('opt-outs', () => {
  it('opts a phone out in E.164 and finds it by any way of writing it', async () => {
    const created = await send(api, 'createOptOut', {
      as: { role: 'officer', user: 'minh@ha-giang' },
      json: { phone: '098 111 2233', reason: '  Nhắn TU CHOI qua tổng đài ' },
    });
    expectStatus(created, 201);
    expect(created.body).toEqual({
      phone: '+84981112233',
      reason: 'Nhắn TU CHOI qua tổng đài',
      source: 'api',
      createdAt: expect.stringMatching(/Z$/),
      createdBy: 'minh@ha-giang',
    });
    for (const written of ['+84981112233', '0981112233', '84 98 111 2233', '(+84) 98-111-2233']) {
      expect(await read(written, 'officer')).toMatchObject({ status: 200, body: created.body });
    }
  });

  it('answers 200 with the first record when the phone is already opted out', async () => {
    const first = await optOut('0982223344', 'first');
    const again = await optOut('+84 98 222 3344', 'second');
    expectStatus(first, 201);
    expectStatus(again, 200);
    expect(again.body).toEqual(first.body);
  });

  it('replays a request sent again with the same Idempotency-Key', async () => {
    const request = {
      as: 'officer' as const,
      json: { phone: '0983334455' },
      headers: { 'idempotency-key': 'oo-1' },
    };
    await expectReplayed(() => send(api, 'createOptOut', request), 201);
  });

  it('answers 404 for a phone that is not opted out', async () => {
    expectError(await read('0989999999'), 404, 'not_found');
  });

  it('lets an admin re-consent a phone, after which it is no longer opted out', async () => {
    await optOut('0984445566');
    const removed = await remove('+84984445566', { as: 'admin' });
    expectStatus(removed, 204);
    expect(removed.body).toBe('');
    expectError(await read('0984445566'), 404, 'not_found');
    expectError(await remove('0984445566', { as: 'admin' }), 404, 'not_found');
  });

  it('shows a planner the phone masked', async () => {
    await optOut('0985556677');
    const masked = await read('0985556677', 'planner');
    expectStatus(masked, 200);
    expect(masked.body.phone).toBe('+8498****677');
    expect(JSON.stringify(masked.body)).not.toContain('0985556677');
  });
});

describe('suppression list', () => {
  it('loads every opted-out phone and says which of many phones are opted out', async () => {
    const optedOut = ['0386660001', '0706660002', '0566660003'];
    for (const phone of optedOut) await optOut(phone);
    await optOut('0326660004');
    await remove('0326660004', { as: 'admin' });

    const all = await store().allOptedOut();
    expect(all).toEqual(expect.any(Set));
    for (const phone of ['+84386660001', '+84706660002', '+84566660003']) expect(all.has(phone)).toBe(true);
    expect(all.has('+84326660004')).toBe(false);

    const candidates = [
      ...Array.from({ length: 250 }, (_, i) => `+8439${String(i).padStart(7, '0')}`),
      '+84386660001',
      '+84566660003',
      '+84566660003',
      '+84326660004',
    ];
    expect(await store().isOptedOut(candidates)).toEqual(new Set(['+84386660001', '+84566660003']));
    expect(await store().isOptedOut([])).toEqual(new Set());
  });
});

describe('opt-outs access', () => {
  it.each(['officer', 'approver', 'planner'] as const)('forbids a re-consent by an %s', async (role) => {
    await optOut('0987778899');
    expectError(await remove('0987778899', { as: role }), 403, 'forbidden');
    expect((await read('0987778899')).status).toBe(200);
  });

  it('forbids a planner to opt a phone out', async () => {
    expectError(
      await send(api, 'createOptOut', { as: 'planner', json: { phone: '0981234567' } }),
      403,
      'forbidden',
    );
  });

  it('answers 401 without a token', async () => {
    expectError(await read('0981234567', null), 401, 'unauthorized');
  });
});

describe('opt-outs input validation', () => {
  it.each([
    ['a landline', { phone: '024 3123 4567' }, 'phone', 'landline', /landline/],
    ['a foreign number', { phone: '+66 81 234 5678' }, 'phone', 'not_vietnamese', /not Vietnam/],
    ['letters', { phone: 'không' }, 'phone', 'invalid_characters', /only digits/],
    [
      'too few digits',
      { phone: '098 123 456' },
      'phone',
      'invalid_mobile',
      /Not a valid Vietnamese mobile number/,
    ],
    ['no phone', { reason: 'x' }, 'phone', 'required', /./],
    ['a phone that is a number', { phone: 981234567 }, 'phone', 'invalid_type', /./],
    [
      'a reason over 500 characters',
      { phone: '0981234567', reason: 'x'.repeat(501) },
      'reason',
      'too_big',
      /./,
    ],
    [
      'an unknown field',
      { phone: '0981234567', source: 'sms' },
      'source',
      'unrecognized_keys',
      /not a known field/,
    ],
  ])('refuses an opt-out with %s', async (_case, body, field, code, message) => {
    const response = await send(api, 'createOptOut', { as: 'officer', badJson: body });
    expectError(response, 400, 'validation_failed');
    expectStatus(response, 400);
    expect(response.body.error.details).toEqual(
      expect.arrayContaining([{ path: field, code, message: expect.stringMatching(message) }]),
    );
  });

  it.each([
    ['a landline', '02431234567'],
    ['letters', 'abc'],
    ['a foreign number', '+12025550123'],
  ])('refuses to look up %s, naming the phone', async (_case, phone) => {
    const response = await read(phone);
    expectError(response, 400, 'validation_failed');
    expectStatus(response, 400);
    expect(response.body.error.details?.[0]?.path).toBe('phone');
  });

  it('refuses a body on a delete', async () => {
    const response = await remove('0981234567', { badJson: { reason: 'x' } });
    expectError(response, 400, 'validation_failed');
  });
});
