import { z } from 'zod';
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dynamoDocumentClient, tableName } from '#adapters/clients.js';
import { partnerDeps } from '#adapters/deps.js';
import { keys } from '#adapters/table.js';
import { sealStoredSecrets } from '#core/partner-service.js';
import { startTestApi, type TestApi } from '#support/api.js';
import { allPages, bodyOf, expectError, expectStatus, send, type RouteJson } from '#support/typed-api.js';
import { postInbound } from '#support/webhooks.js';

let api: TestApi;
beforeAll(async () => {
  api = await startTestApi();
});
afterAll(() => api.close());

const partner: RouteJson<'putPartner'> = {
  name: 'Viettel Hà Nội',
  webhookUrl: 'https://sms.viettel.example/v1/batches',
  carriers: ['viettel'],
  tps: 200,
  senderId: 'BOCONGAN',
};

describe('partners API', () => {
  it('creates a partner with defaults and shows the signing secret once', async () => {
    const created = await send(api, 'putPartner', { params: { partnerId: 'viettel-hn' }, json: partner });
    expectStatus(created, 201);
    expect(created.body).toMatchObject({
      ...partner,
      id: 'viettel-hn',
      kind: 'webhook',
      maxBatchSize: 100,
      pricePerSegment: 0,
      currency: 'VND',
      enabled: true,
    });
    expect(created.body.signingSecret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    expect(Buffer.from(created.body.signingSecret.slice(6), 'base64')).toHaveLength(32);

    const read = await send(api, 'getPartner', { params: { partnerId: 'viettel-hn' } });
    expectStatus(read, 200);
    expect(read.body).toMatchObject({ ...partner, id: 'viettel-hn' });
    expect(JSON.stringify(read.body)).not.toContain('whsec_');
    expect(read.body).not.toHaveProperty('secrets');
  });

  it('updates an existing partner with 200, keeping its secret and creation time', async () => {
    const first = await send(api, 'putPartner', {
      params: { partnerId: 'vnpt-na' },
      json: { ...partner, carriers: ['vinaphone'] },
    });
    const updated = await send(api, 'putPartner', {
      params: { partnerId: 'vnpt-na' },
      json: { ...partner, carriers: ['vinaphone'], tps: 80, enabled: false },
    });
    expectStatus(first, 201);
    expectStatus(updated, 200);
    expect(updated.body).toMatchObject({ tps: 80, enabled: false, createdAt: first.body.createdAt });
    expect(updated.body).not.toHaveProperty('signingSecret');
  });

  it('rotates the secret: a new one each time, never shown by GET', async () => {
    const created = await send(api, 'putPartner', {
      params: { partnerId: 'mobi-ht' },
      json: { ...partner, carriers: ['mobifone'] },
    });
    const rotated = await send(api, 'rotatePartnerSecret', { params: { partnerId: 'mobi-ht' } });
    expectStatus(created, 201);
    expectStatus(rotated, 200);
    expect(rotated.body.signingSecret).toMatch(/^whsec_/);
    expect(rotated.body.signingSecret).not.toBe(created.body.signingSecret);
    const read = await send(api, 'getPartner', { params: { partnerId: 'mobi-ht' } });
    expectStatus(read, 200);
    expect(read.body.secretRotatedAt >= created.body.secretRotatedAt).toBe(true);
    expect(JSON.stringify(read.body)).not.toContain('whsec_');
  });

  it('lists partners page by page with a cursor', async () => {
    for (const id of ['list-a', 'list-b', 'list-c'])
      await send(api, 'putPartner', { params: { partnerId: id }, json: partner });
    const seen = await allPages(async (cursor) => {
      const page = bodyOf(await send(api, 'listPartners', { query: { limit: 2, cursor } }), 200);
      expect(page.items.length).toBeLessThanOrEqual(2);
      return { ...page, items: page.items.map((p) => p.id) };
    });
    expect(seen).toEqual(expect.arrayContaining(['list-a', 'list-b', 'list-c']));
    expect(new Set(seen).size).toBe(seen.length);
  });

  it('answers 404 in the contract shape for an unknown partner', async () => {
    expectError(await send(api, 'getPartner', { params: { partnerId: 'nobody' } }), 404, 'not_found');
    expectError(
      await send(api, 'rotatePartnerSecret', { params: { partnerId: 'nobody' } }),
      404,
      'not_found',
    );
  });
});

describe('signing secrets at rest (issue #18)', () => {
  const rawItem = async (partnerId: string) =>
    (
      await dynamoDocumentClient().send(
        new GetCommand({ TableName: tableName(), Key: keys.partner(partnerId), ConsistentRead: true }),
      )
    ).Item;
  /** A signed reply from the partner: 200 when its signature verifies, 401 when not. */
  const webhookWith = async (partnerId: string, secret: string) =>
    (
      await postInbound(api.url, partnerId, secret, [
        { id: `seal-${Math.random()}`, from: '+84981234567', text: 'Cảm ơn', at: new Date().toISOString() },
      ])
    ).status;

  it('stores only the sealed secret, and webhooks signed with it still verify, after a rotation too', async () => {
    const created = await send(api, 'putPartner', { params: { partnerId: 'sealed-hn' }, json: partner });
    expectStatus(created, 201);
    const first = created.body.signingSecret;
    const item = await rawItem('sealed-hn');
    expect(item?.secrets).toEqual([{ sealed: expect.stringMatching(/^local:/) }]);
    expect(JSON.stringify(item)).not.toContain(first);
    expect(JSON.stringify(item)).not.toContain(first.slice('whsec_'.length));
    expect(await webhookWith('sealed-hn', first)).toBe(200);

    const rotated = await send(api, 'rotatePartnerSecret', { params: { partnerId: 'sealed-hn' } });
    expectStatus(rotated, 200);
    const after = JSON.stringify(await rawItem('sealed-hn'));
    expect(after).not.toContain(first);
    expect(after).not.toContain(rotated.body.signingSecret);
    expect(await webhookWith('sealed-hn', rotated.body.signingSecret)).toBe(200);
    expect(await webhookWith('sealed-hn', first)).toBe(200);
    expect(await webhookWith('sealed-hn', `whsec_${Buffer.alloc(32, 7).toString('base64')}`)).toBe(401);
  });

  /** A partner item as written before secrets were sealed: the secret in clear. */
  const writeOldStyle = async (partnerId: string, secret: string) => {
    const created = await send(api, 'putPartner', { params: { partnerId }, json: partner });
    expectStatus(created, 201);
    const item = await rawItem(partnerId);
    await dynamoDocumentClient().send(
      new PutCommand({ TableName: tableName(), Item: { ...item, secrets: [{ secret }] } }),
    );
  };
  const OLD_SECRET = `whsec_${Buffer.alloc(32, 1).toString('base64')}`;

  it('still verifies with an old item’s clear secret, and seals it at the next update', async () => {
    await writeOldStyle('old-style-hn', OLD_SECRET);
    expect(await webhookWith('old-style-hn', OLD_SECRET)).toBe(200);
    expectStatus(
      await send(api, 'putPartner', { params: { partnerId: 'old-style-hn' }, json: { ...partner, tps: 9 } }),
      200,
    );
    const item = await rawItem('old-style-hn');
    expect(JSON.stringify(item)).not.toContain(OLD_SECRET);
    expect(item?.secrets).toEqual([{ sealed: expect.stringMatching(/^local:/) }]);
    expect(await webhookWith('old-style-hn', OLD_SECRET)).toBe(200);
  });

  it('seals every old item’s clear secret in the migration step, which a second run finds done', async () => {
    await writeOldStyle('old-migrated-hn', OLD_SECRET);
    const once = await sealStoredSecrets(partnerDeps());
    expect(once.partnersSealed).toBeGreaterThanOrEqual(1);
    expect(JSON.stringify(await rawItem('old-migrated-hn'))).not.toContain(OLD_SECRET);
    expect(await webhookWith('old-migrated-hn', OLD_SECRET)).toBe(200);
    expect(await sealStoredSecrets(partnerDeps())).toMatchObject({ partnersSealed: 0 });
  });
});

describe('partners API access', () => {
  it('answers 401 without a token, with a forged token, and with an expired one', async () => {
    expectError(await send(api, 'listPartners', { as: null }), 401, 'unauthorized');
    expectError(
      await send(api, 'listPartners', { as: null, headers: { authorization: 'Bearer not.a.jwt' } }),
      401,
      'unauthorized',
    );
    const token = await api.token('admin');
    const [header, payload] = token.split('.');
    const forged = `${header}.${payload}.${Buffer.from('x'.repeat(32)).toString('base64url')}`;
    expectError(
      await send(api, 'listPartners', { as: null, headers: { authorization: `Bearer ${forged}` } }),
      401,
      'unauthorized',
    );
  });

  it.each(['planner', 'officer', 'approver'] as const)('forbids a %s (admin only)', async (role) => {
    expectError(await send(api, 'listPartners', { as: role }), 403, 'forbidden');
    expectError(
      await send(api, 'putPartner', { params: { partnerId: 'by-role' }, as: role, json: partner }),
      403,
      'forbidden',
    );
  });

  it('checks the token before the input: 401 wins over 400', async () => {
    expectError(
      await send(api, 'putPartner', { params: { partnerId: 'BAD!' }, as: null, badJson: {} }),
      401,
      'unauthorized',
    );
  });
});

describe('partners API input validation', () => {
  const invalidBodies: [string, Record<string, unknown>, string][] = [
    ['missing name', { ...partner, name: undefined }, 'name'],
    ['blank name', { ...partner, name: '   ' }, 'name'],
    ['name too long', { ...partner, name: 'x'.repeat(101) }, 'name'],
    ['non-http webhook', { ...partner, webhookUrl: 'ftp://partner.example/in' }, 'webhookUrl'],
    ['webhook not a URL', { ...partner, webhookUrl: 'partner' }, 'webhookUrl'],
    ['unknown carrier', { ...partner, carriers: ['viettel', 'telstra'] }, 'carriers.1'],
    ['no carriers', { ...partner, carriers: [] }, 'carriers'],
    ['repeated carrier', { ...partner, carriers: ['viettel', 'viettel'] }, 'carriers'],
    ['carriers not a list', { ...partner, carriers: 'viettel' }, 'carriers'],
    ['zero tps', { ...partner, tps: 0 }, 'tps'],
    ['fractional tps', { ...partner, tps: 1.5 }, 'tps'],
    ['tps as text', { ...partner, tps: '100' }, 'tps'],
    ['huge tps', { ...partner, tps: 1e9 }, 'tps'],
    ['batch size zero', { ...partner, maxBatchSize: 0 }, 'maxBatchSize'],
    ['batch size over 1000', { ...partner, maxBatchSize: 1001 }, 'maxBatchSize'],
    ['sender id too long', { ...partner, senderId: 'BOCONGAN-VN1' }, 'senderId'],
    ['sender id with accents', { ...partner, senderId: 'CÔNG AN' }, 'senderId'],
    ['empty sender id', { ...partner, senderId: '' }, 'senderId'],
    ['negative price', { ...partner, pricePerSegment: -1 }, 'pricePerSegment'],
    ['lower-case currency', { ...partner, currency: 'vnd' }, 'currency'],
    ['enabled as text', { ...partner, enabled: 'yes' }, 'enabled'],
    ['unknown kind', { ...partner, kind: 'smpp' }, 'kind'],
    ['unknown field', { ...partner, password: 'x' }, 'password'],
  ];

  it.each([
    [
      'the cloud metadata address',
      'http://169.254.169.254/latest/meta-data/',
      'forbidden_address',
      'link-local',
    ],
    [
      'the ECS credentials address',
      'https://169.254.170.2/v2/credentials',
      'forbidden_address',
      'link-local',
    ],
    ['an IPv6 link-local address', 'https://[fe80::1]/sms', 'forbidden_address', 'link-local'],
    ['a private address', 'https://10.0.0.1/sms', 'private_address', 'private'],
    ['a private address written in hex', 'https://0x0a000001/sms', 'private_address', 'private'],
    ['an IPv4-mapped private address', 'https://[::ffff:192.168.1.1]/sms', 'private_address', 'private'],
  ])(
    'rejects a webhook to %s with 400 on webhookUrl and the reason',
    async (_case, webhookUrl, code, reason) => {
      const response = await send(api, 'putPartner', {
        params: { partnerId: 'ssrf' },
        json: { ...partner, webhookUrl },
      });
      expectError(response, 400, 'validation_failed');
      expect(response.body.error.details).toEqual([
        expect.objectContaining({ path: 'webhookUrl', code, message: expect.stringContaining(reason) }),
      ]);
      expect((await send(api, 'getPartner', { params: { partnerId: 'ssrf' } })).status).toBe(404);
    },
  );

  it.each(invalidBodies)('rejects %s with 400 naming the field', async (_case, body, path) => {
    const response = await send(api, 'putPartner', { params: { partnerId: 'valid-id' }, badJson: body });
    expectError(response, 400, 'validation_failed');
    expect(response.body.error.details).toEqual(
      expect.arrayContaining([expect.objectContaining({ path, message: expect.any(String) })]),
    );
  });

  it.each([
    ['upper case', 'Viettel'],
    ['too short', 'v'],
    ['too long', 'v'.repeat(41)],
    ['underscore', 'viettel_hn'],
    ['encoded slash', 'a%2Fb'],
  ])('rejects a partner id that is %s', async (_case, id) => {
    const response = await send(api, 'putPartner', { params: { partnerId: id }, json: partner });
    expectError(response, 400, 'validation_failed');
    expect(response.body.error.details?.[0]?.path).toBe('partnerId');
  });

  it('rejects a body that is not JSON with 400 invalid_json', async () => {
    const response = await send(api, 'putPartner', {
      params: { partnerId: 'valid-id' },
      rawBody: '{"name": ',
      headers: { 'content-type': 'application/json' },
    });
    expectError(response, 400, 'invalid_json');
  });

  it.each([
    ['a JSON array', '[]'],
    ['a JSON string', '"partner"'],
    ['null', 'null'],
  ])('rejects %s as the body', async (_case, body) => {
    const response = await send(api, 'putPartner', {
      params: { partnerId: 'valid-id' },
      rawBody: body,
      headers: { 'content-type': 'application/json' },
    });
    expectError(response, 400, 'validation_failed');
  });

  it('rejects a missing body', async () => {
    expectError(
      await send(api, 'putPartner', {
        params: { partnerId: 'valid-id' },
        headers: { 'content-type': 'application/json' },
      }),
      400,
      'validation_failed',
    );
  });

  it('rejects a body that is not JSON by content type with 415', async () => {
    // The server refuses the media type before any route runs: no route declares 415, so a raw call.
    const response = await api.sendRaw('PUT', '/v1/partners/valid-id', {
      body: JSON.stringify(partner),
      headers: { 'content-type': 'text/plain' },
    });
    expectError(response, 415, 'unsupported_media_type');
  });

  it('accepts JSON with a charset parameter', async () => {
    const response = await send(api, 'putPartner', {
      params: { partnerId: 'charset-ok' },
      rawBody: JSON.stringify(partner),
      headers: { 'content-type': 'application/json; charset=utf-8' },
    });
    expectStatus(response, 201);
  });

  it('rejects a body over 1 MiB with 413', async () => {
    // The server refuses the size before any route runs: no route declares 413 here, so a raw call.
    const response = await api.sendRaw('PUT', '/v1/partners/valid-id', {
      json: { ...partner, name: 'x'.repeat(1024 * 1024) },
    });
    expectError(response, 413, 'payload_too_large');
  });

  it('accepts an empty JSON object on a route that takes no body', async () => {
    await send(api, 'putPartner', { params: { partnerId: 'empty-body' }, json: partner });
    const rotated = await send(api, 'rotatePartnerSecret', {
      params: { partnerId: 'empty-body' },
      badJson: {},
    });
    expectStatus(rotated, 200);
    expect(rotated.body.signingSecret).toMatch(/^whsec_/);
  });

  it('rejects a body on a route that takes none', async () => {
    const response = await send(api, 'rotatePartnerSecret', {
      params: { partnerId: 'valid-id' },
      badJson: { secret: 'mine' },
    });
    expectError(response, 400, 'validation_failed');
  });

  it.each([
    ['limit=0', 'limit'],
    ['limit=501', 'limit'],
    ['limit=abc', 'limit'],
    ['cursor=%25%25%25', 'cursor'],
    ['sort=name', 'sort'],
  ])('rejects the list query %s', async (query, path) => {
    const response = await send(api, 'listPartners', {
      badQuery: Object.fromEntries(new URLSearchParams(query)),
    });
    expectError(response, 400, 'validation_failed');
    expect(response.body.error.details?.[0]?.path).toBe(path);
  });

  it('keeps Vietnamese names exactly', async () => {
    const name = 'Viễn thông Bắc Kạn – chi nhánh Chợ Đồn';
    await send(api, 'putPartner', { params: { partnerId: 'vn-name' }, json: { ...partner, name } });
    expect(bodyOf(await send(api, 'getPartner', { params: { partnerId: 'vn-name' } }), 200).name).toBe(name);
  });
});

/** The parts of the OpenAPI document these tests read. */
const OpenApiDocument = z.object({
  openapi: z.string(),
  paths: z.record(
    z.string(),
    z.record(
      z.string(),
      z.object({
        requestBody: z
          .object({
            content: z.record(z.string(), z.object({ schema: z.object({ $ref: z.string().optional() }) })),
          })
          .optional(),
      }),
    ),
  ),
  components: z.object({
    schemas: z.record(
      z.string(),
      z.object({
        additionalProperties: z.unknown().optional(),
        properties: z.record(z.string(), z.unknown()).optional(),
      }),
    ),
  }),
});

describe('system routes', () => {
  it('answers /health without a token', async () => {
    const response = await send(api, 'health', { as: null });
    expect(response).toMatchObject({ status: 200, body: { status: 'ok' } });
  });

  it('answers an unknown route with 404 in the contract shape', async () => {
    expectError(await api.sendRaw('GET', '/v1/nothing-here'), 404, 'not_found');
  });

  it('serves an OpenAPI 3.1 document naming every route', async () => {
    const response = await send(api, 'openapi', { as: null });
    expectStatus(response, 200);
    const doc = OpenApiDocument.parse(response.body);
    expect(doc.openapi).toBe('3.1.0');
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining(['/health', '/v1/partners', '/v1/partners/{partnerId}']),
    );
    const { $ref } =
      doc.paths['/v1/partners/{partnerId}']?.put?.requestBody?.content['application/json']?.schema ?? {};
    const schema = doc.components.schemas[String($ref).replace('#/components/schemas/', '')];
    expect(schema?.additionalProperties).toBe(false);
    expect(schema?.properties?.tps).toMatchObject({
      type: 'integer',
      minimum: 1,
    });
  });
});

describe('list cursors', () => {
  const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
  /** Every list of the API; the campaign need not exist, as the cursor is checked before anything is read. */
  const lists = [
    '/v1/partners',
    '/v1/audiences',
    '/v1/campaigns',
    '/v1/campaigns?status=draft',
    '/v1/audit',
    '/v1/audit?campaignId=01J9Z6Q5V8M3N2K1H0G9F8E7D6',
    '/v1/campaigns/01J9Z6Q5V8M3N2K1H0G9F8E7D6/replies',
    '/v1/campaigns/01J9Z6Q5V8M3N2K1H0G9F8E7D6/messages',
  ];
  const withCursor = (list: string, cursor: string) =>
    `${list}${list.includes('?') ? '&' : '?'}cursor=${encodeURIComponent(cursor)}`;

  const tampered: [string, string][] = [
    ['a JSON object of other keys', 'eyJhIjoiYiJ9'],
    ['not base64 JSON', '!!!not-a-cursor'],
    ['a JSON array', b64(['pk', 'sk'])],
    ['a JSON number', b64(42)],
    ['keys of the wrong type', b64({ pk: 1, sk: 2, listPk: 'PARTNERS', listSk: 3 })],
    ['an empty key', b64({ pk: '', sk: '', listPk: 'PARTNERS', listSk: '' })],
    [
      'an oversized sort key',
      b64({ pk: 'PARTNER#a', sk: 'y'.repeat(1100), listPk: 'PARTNERS', listSk: 'a' }),
    ],
    [
      'a key with an extra attribute',
      b64({ pk: 'PARTNER#a', sk: 'PARTNER', listPk: 'PARTNERS', listSk: 'a', x: 'y' }),
    ],
  ];

  it.each(lists.flatMap((list) => tampered.map(([what, cursor]) => [list, what, cursor] as const)))(
    '%s refuses a cursor that is %s with 400 on `cursor`',
    async (list, _what, cursor) => {
      const response = await api.sendRaw('GET', withCursor(list, cursor));
      expectError(response, 400, 'validation_failed');
      expect(response.body.error.details).toEqual([
        { path: 'cursor', code: expect.any(String), message: expect.any(String) },
      ]);
    },
  );

  it('refuses a real cursor of one list on another list', async () => {
    for (const name of ['Cursor A', 'Cursor B'])
      expect((await send(api, 'createAudience', { json: { name } })).status).toBe(201);
    for (const id of ['cursor-a', 'cursor-b'])
      await send(api, 'putPartner', { params: { partnerId: id }, json: partner });
    const audiences = await send(api, 'listAudiences', { query: { limit: '1' } });
    const partners = await send(api, 'listPartners', { query: { limit: '1' } });
    expect(bodyOf(audiences, 200).nextCursor).toEqual(expect.any(String));
    expect(bodyOf(partners, 200).nextCursor).toEqual(expect.any(String));

    for (const list of lists.filter((l) => l !== '/v1/audiences')) {
      const response = await api.sendRaw('GET', withCursor(list, String(bodyOf(audiences, 200).nextCursor)));
      expectError(response, 400, 'validation_failed');
      expect(response.body.error.details).toEqual([
        { path: 'cursor', code: expect.any(String), message: expect.any(String) },
      ]);
    }
    expectError(
      await api.sendRaw('GET', withCursor('/v1/audiences', String(bodyOf(partners, 200).nextCursor))),
      400,
      'validation_failed',
    );
    // The real cursors still work on their own lists.
    expect(
      (await api.sendRaw('GET', withCursor('/v1/audiences', String(bodyOf(audiences, 200).nextCursor))))
        .status,
    ).toBe(200);
    expect(
      (await api.sendRaw('GET', withCursor('/v1/partners', String(bodyOf(partners, 200).nextCursor)))).status,
    ).toBe(200);
  });
});
