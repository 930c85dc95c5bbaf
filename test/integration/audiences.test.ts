import { ulid } from 'ulid';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dynamoAudienceStore } from '#adapters/audience-store.js';
import { dynamoDocumentClient, tableName } from '#adapters/clients.js';
import type { AudienceMember } from '#core/audience.js';
import { importSubscribers } from '#core/audience-service.js';
import { PROVINCES } from '#core/provinces.js';
import type { Role } from '#core/roles.js';
import { startTestApi, type TestApi } from '#support/api.js';
import {
  allPages,
  bodyOf,
  send,
  expectError,
  expectReplayed,
  expectStatus,
  type AnswerBody,
  type RouteJson,
} from '#support/typed-api.js';
import { xlsxFile } from '#support/xlsx.js';

let api: TestApi;
beforeAll(async () => {
  api = await startTestApi();
});
afterAll(() => api.close());

const store = () => dynamoAudienceStore(dynamoDocumentClient(), tableName());

const newAudience = async (name = 'Bắc Kạn – vùng biên giới'): Promise<string> => {
  const response = await send(api, 'createAudience', { as: 'officer', json: { name } });
  expectStatus(response, 201);
  return response.body.id;
};

const importJson = (
  id: string,
  subscribers: RouteJson<'importSubscribers'>['subscribers'],
  as: Role = 'officer',
  headers: Record<string, string> = {},
) => send(api, 'importSubscribers', { params: { audienceId: id }, as, json: { subscribers }, headers });

const importCsv = (id: string, csv: string, headers: Record<string, string> = {}) =>
  send(api, 'importSubscribers', {
    params: { audienceId: id },
    as: 'officer',
    csv,
    headers,
  });

const importXlsx = (id: string, xlsx: Uint8Array, headers: Record<string, string> = {}) =>
  send(api, 'importSubscribers', { params: { audienceId: id }, as: 'officer', xlsx, headers });

const allMembers = async (id: string): Promise<AudienceMember[]> => {
  const members: AudienceMember[] = [];
  for await (const chunk of store().members(id)) members.push(...chunk);
  return members;
};

/** Six rows: three good ones, a landline, a foreign number and a phone written twice. */
const mixedRows = [
  { phone: '098 123 4567', province: 'Bắc Kạn', district: 'Chợ Đồn', tags: ['học sinh', 'vùng cao'] },
  { phone: '+84 91 234 5678', province: 'Bắc Kạn' },
  { phone: '024 3123 4567', province: 'Hà Nội' },
  { phone: '+1 202 555 0123' },
  { phone: '84981234567', province: 'Bắc Kạn' },
  { phone: '0903334444', province: 'Thừa Thiên Huế', district: 'Phú Vang' },
];
const mixedCsv = [
  '\uFEFFphone,province,district,tags',
  '098 123 4567,Bắc Kạn,Chợ Đồn,học sinh;vùng cao',
  '+84 91 234 5678,Bắc Kạn,,',
  '024 3123 4567,Hà Nội,,',
  '+1 202 555 0123,,,',
  '84981234567,Bắc Kạn,,',
  '0903334444,"Thừa Thiên Huế","Phú Vang",',
].join('\r\n');

const expectMixedResult = (body: unknown) => {
  expect(body).toEqual({
    accepted: 3,
    duplicates: 1,
    replaced: 0,
    rejected: [
      {
        row: 3,
        phone: '024 3123 4567',
        code: 'landline',
        reason: expect.stringMatching(/landline.*cannot receive SMS/),
      },
      {
        row: 4,
        phone: '+1 202 555 0123',
        code: 'not_vietnamese',
        reason: expect.stringMatching(/\+1 is not Vietnam/),
      },
    ],
    rejectedCount: 2,
    notices: [{ code: 'legacy_district_column', message: expect.stringMatching(/no district level/) }],
    warnings: [],
    warningCount: 0,
    mappedFromFormerName: 3,
    size: 3,
  });
};

describe('audiences', () => {
  it('creates an empty audience and reads it back', async () => {
    const created = await send(api, 'createAudience', {
      as: { role: 'officer', user: 'lan@bac-kan' },
      json: { name: ' Bắc Kạn 2027 ', description: 'Học sinh THPT' },
    });
    expectStatus(created, 201);
    expect(created.body).toEqual({
      id: expect.stringMatching(/^[0-9A-HJKMNP-TV-Z]{26}$/),
      name: 'Bắc Kạn 2027',
      description: 'Học sinh THPT',
      size: 0,
      byCarrier: {},
      byProvince: {},
      languages: {},
      attributes: [],
      createdAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
      createdBy: 'lan@bac-kan',
    });
    const read = await send(api, 'getAudience', { params: { audienceId: created.body.id }, as: 'planner' });
    expect(read).toMatchObject({ status: 200, body: created.body });
  });

  it('stores names NFC-normalised, so they read back exactly', async () => {
    const decomposed = 'Ba\u0306\u0301c Ka\u0323n';
    const created = await send(api, 'createAudience', { as: 'officer', json: { name: decomposed } });
    expectStatus(created, 201);
    expect(created.body.name).toBe('Bắc Kạn');
    expect(
      bodyOf(await send(api, 'getAudience', { params: { audienceId: created.body.id } }), 200).name,
    ).toBe('Bắc Kạn');
  });

  it('lists audiences newest first, page by page', async () => {
    const ids = [await newAudience('list 1'), await newAudience('list 2'), await newAudience('list 3')];
    const seen = await allPages(async (cursor) => {
      const page = bodyOf(
        await send(api, 'listAudiences', { query: { limit: 2, cursor }, as: 'planner' }),
        200,
      );
      expect(page.items.length).toBeLessThanOrEqual(2);
      return { ...page, items: page.items.map((a) => a.id) };
    });
    expect(seen.filter((id) => ids.includes(id))).toEqual([...ids].reverse());
  });

  it('creates one audience for two requests with the same Idempotency-Key', async () => {
    const request = {
      as: 'officer' as const,
      json: { name: 'idempotent' },
      headers: { 'idempotency-key': 'aud-1' },
    };
    await expectReplayed(() => send(api, 'createAudience', request), 201);
    const list = await send(api, 'listAudiences', { query: { limit: '500' } });
    expect(bodyOf(list, 200).items.filter((a) => a.name === 'idempotent')).toHaveLength(1);
  });

  it('answers 404 for an audience that does not exist', async () => {
    const unknown = '01J00000000000000000000000';
    expectError(await send(api, 'getAudience', { params: { audienceId: unknown } }), 404, 'not_found');
    expectError(await importJson(unknown, [{ phone: '0981234567' }]), 404, 'not_found');
  });
});

describe('importing subscribers', () => {
  it.each([
    {
      test: 'imports JSON rows: good ones accepted, bad ones rejected by row, repeats counted',
      importRows: (id: string) => importJson(id, mixedRows),
    },
    {
      test: 'imports the same rows from CSV with the same answer',
      importRows: (id: string) => importCsv(id, mixedCsv),
    },
  ])('$test', async ({ importRows }) => {
    const response = await importRows(await newAudience());
    expectStatus(response, 200);
    expectMixedResult(response.body);
  });

  it('says why each row was rejected in Vietnamese when the request asks (Accept-Language: vi)', async () => {
    const id = await newAudience();
    const response = await importCsv(id, mixedCsv, { 'accept-language': 'vi-VN,vi;q=0.9,en;q=0.5' });
    expectStatus(response, 200);
    expect(response.body.rejected).toEqual([
      {
        row: 3,
        phone: '024 3123 4567',
        code: 'landline',
        reason: 'Đây là số máy cố định (mã vùng 02x), không nhận được tin nhắn SMS',
      },
      {
        row: 4,
        phone: '+1 202 555 0123',
        code: 'not_vietnamese',
        reason: 'Mã quốc gia +1 không phải của Việt Nam (+84)',
      },
    ]);
  });

  it('gives every rejected row its code: a missing phone, a bad tag, a row with too many fields', async () => {
    const id = await newAudience();
    const csv = [
      'phone,province,district,tags',
      ',Huế,,',
      '0981234567,,,a;' + 't'.repeat(51),
      '0912345678,Huế,,,x',
    ];
    const response = await importCsv(id, csv.join('\n'));
    expectStatus(response, 200);
    expect(response.body.rejected.map((r) => [r.row, r.code])).toEqual([
      [1, 'missing_phone'],
      [2, 'invalid_tag'],
      [3, 'too_many_fields'],
    ]);
  });

  it('shows the size and counts per carrier and province on the audience', async () => {
    const id = await newAudience();
    await importCsv(id, mixedCsv);
    const audience = await send(api, 'getAudience', { params: { audienceId: id }, as: 'planner' });
    expect(audience.body).toMatchObject({
      size: 3,
      byCarrier: { viettel: 1, vinaphone: 1, mobifone: 1 },
      byProvince: { 'Thái Nguyên': 2, Huế: 1 },
    });
  });

  it('stores members in E.164 with their carrier, places and tags exactly', async () => {
    const id = await newAudience();
    await importCsv(id, mixedCsv);
    const members = await allMembers(id);
    expect(members.sort((a, b) => a.phone.localeCompare(b.phone))).toEqual([
      { phone: '+84903334444', carrier: 'mobifone', province: 'Huế', district: 'Phú Vang' },
      { phone: '+84912345678', carrier: 'vinaphone', province: 'Thái Nguyên' },
      {
        phone: '+84981234567',
        carrier: 'viettel',
        province: 'Thái Nguyên',
        district: 'Chợ Đồn',
        tags: ['học sinh', 'vùng cao'],
      },
    ]);
  });

  it('counts every row of a repeated import as a duplicate and leaves the audience unchanged', async () => {
    const id = await newAudience();
    await importCsv(id, mixedCsv);
    const before = (await send(api, 'getAudience', { params: { audienceId: id } })).body;
    const again = await importCsv(id, mixedCsv);
    expect(again.body).toMatchObject({ accepted: 0, duplicates: 4, rejectedCount: 2, size: 3 });
    expect((await send(api, 'getAudience', { params: { audienceId: id } })).body).toEqual(before);
    expect(await allMembers(id)).toHaveLength(3);
  });

  it('adds only the new phones of a second import and counts them on top', async () => {
    const id = await newAudience();
    await importJson(id, [{ phone: '0981234567', province: 'Cao Bằng' }]);
    const second = await importJson(id, [
      { phone: '0981234567', province: 'Cao Bằng' },
      { phone: '0561234567', province: 'Cao Bằng' },
      { phone: '0871234567', province: 'Lạng Sơn' },
    ]);
    expect(second.body).toMatchObject({ accepted: 2, duplicates: 1, size: 3 });
    const audience = bodyOf(await send(api, 'getAudience', { params: { audienceId: id } }), 200);
    expect(audience.byCarrier).toEqual({ viettel: 1, vietnamobile: 1, itel: 1 });
    expect(audience.byProvince).toEqual({ 'Cao Bằng': 2, 'Lạng Sơn': 1 });
  });

  it('stores the current name of any spelling of a province, dots, dashes and prefixes included', async () => {
    const id = await newAudience();
    const provinces = ['TP. Hồ Chí Minh', 'Bà Rịa – Vũng Tàu', 'Đắk Lắk', 'Thừa Thiên Huế', 'Khánh Hòa'];
    await importJson(
      id,
      provinces.map((province, i) => ({ phone: `098123450${i}`, province })),
    );
    const audience = bodyOf(await send(api, 'getAudience', { params: { audienceId: id } }), 200);
    expect(audience.byProvince).toEqual({
      'Thành phố Hồ Chí Minh': 2,
      'Đắk Lắk': 1,
      Huế: 1,
      'Khánh Hòa': 1,
    });
    expect(new Set((await allMembers(id)).map((m) => m.province))).toEqual(
      new Set(['Thành phố Hồ Chí Minh', 'Đắk Lắk', 'Huế', 'Khánh Hòa']),
    );
  });

  it('counts an import naming all 63 former provinces as the 34 current units', async () => {
    const id = await newAudience();
    const former = PROVINCES.flatMap((p) => p.formerNames);
    const rows = former.map((province, i) => ({ phone: `0971${String(i).padStart(6, '0')}`, province }));
    const response = await importJson(id, rows);
    expect(response.body).toMatchObject({ accepted: 63, size: 63, mappedFromFormerName: 29 + 1 });
    const audience = bodyOf(await send(api, 'getAudience', { params: { audienceId: id } }), 200);
    expect(audience.byProvince).toEqual(
      Object.fromEntries(PROVINCES.map((p) => [p.name, p.formerNames.length])),
    );
    expect(audience.byCarrier).toEqual({ viettel: 63 });
  });

  it('imports thousands of rows across many member chunks and finds repeats across them', async () => {
    const id = await newAudience();
    const csv = [
      'phone,province',
      ...Array.from({ length: 3000 }, (_, i) => `097${String(i).padStart(7, '0')},Hà Giang`),
    ];
    const first = await importCsv(id, csv.join('\n'));
    expect(first.body).toMatchObject({ accepted: 3000, duplicates: 0, size: 3000 });
    const chunks: number[] = [];
    for await (const chunk of store().members(id)) chunks.push(chunk.length);
    expect(chunks.length).toBeGreaterThan(1);
    expect(chunks.reduce((a, b) => a + b, 0)).toBe(3000);

    const overlapping = ['phone', '0970000000', '0970002999', '0961234567'].join('\n');
    expect((await importCsv(id, overlapping)).body).toMatchObject({ accepted: 1, duplicates: 2, size: 3001 });
  });

  it('lists at most 1000 rejected rows and counts them all', async () => {
    const id = await newAudience();
    const rows = [
      ...Array.from({ length: 1200 }, () => ({ phone: '024 3123 4567' })),
      { phone: '0981234567' },
    ];
    const response = await importJson(id, rows);
    expectStatus(response, 200);
    expect(response.body).toMatchObject({ accepted: 1, rejectedCount: 1200, size: 1 });
    expect(response.body.rejected).toHaveLength(1000);
    expect(response.body.rejected[999]?.row).toBe(1000);
  });

  it('answers 409 while another import holds the audience, and imports once it is released', async () => {
    const id = await newAudience();
    const lease = { id: 'other-import', now: new Date(), until: new Date(Date.now() + 60_000) };
    expect(await store().beginImport(id, lease)).toMatchObject({ id });
    expectError(await importJson(id, [{ phone: '0981234567' }]), 409, 'conflict');
    await store().abandonImport(id, lease);
    expect((await importJson(id, [{ phone: '0981234567' }])).body).toMatchObject({ accepted: 1, size: 1 });
  });

  it('is not blocked by the expired lease of an import that crashed', async () => {
    const id = await newAudience();
    const now = new Date();
    await store().beginImport(id, { id: 'crashed', now, until: new Date(now.getTime() - 1) });
    expect((await importJson(id, [{ phone: '0981234567' }])).status).toBe(200);
  });

  it('replays an import sent again with the same Idempotency-Key', async () => {
    const id = await newAudience();
    const headers = { 'idempotency-key': 'import-1' };
    const { replay } = await expectReplayed(() => importCsv(id, mixedCsv, headers), 200);
    expect(replay.body.accepted).toBe(3);
    expect(bodyOf(await send(api, 'getAudience', { params: { audienceId: id } }), 200).size).toBe(3);
  });

  it.each(['constructor', 'toString', 'hasOwnProperty', 'valueOf', '__proto__'])(
    'accepts a province named %s as an unknown province, members and counters alike',
    async (province) => {
      const id = await newAudience();
      const first = await importJson(id, [
        { phone: '0981234567', province },
        { phone: '0912345678', province },
        { phone: '0903334444', province: 'Huế' },
      ]);
      expectStatus(first, 200);
      expect(first.body).toMatchObject({ accepted: 3, size: 3, warningCount: 2 });
      expect(first.body.warnings.map((w) => w.value)).toEqual([province, province]);
      const audience = bodyOf(await send(api, 'getAudience', { params: { audienceId: id } }), 200);
      expect(audience.size).toBe(3);
      expect(Object.entries(audience.byProvince)).toEqual([['Huế', 1]]);
      expect(await allMembers(id)).toHaveLength(3);
      // Counted on top by the next import, with no lock left behind.
      const second = await importCsv(id, `phone,province\n0987654321,${province}\n`);
      expectStatus(second, 200);
      const after = bodyOf(await send(api, 'getAudience', { params: { audienceId: id } }), 200);
      expect(after.size).toBe(4);
      expect(Object.entries(after.byProvince)).toEqual([['Huế', 1]]);
    },
  );

  it('leaves neither members nor a lock behind when the counters cannot be written', async () => {
    const id = await newAudience();
    const broken = { ...store(), finishImport: () => Promise.reject(new Error('DynamoDB is down')) };
    await expect(
      importSubscribers({ store: broken, now: () => new Date(), newId: ulid }, id, {
        rows: [{ row: 1, phone: '0981234567', province: 'Huế' }],
        notices: [],
      }),
    ).rejects.toThrow('DynamoDB is down');
    expect(await allMembers(id)).toEqual([]);
    const audience = await send(api, 'getAudience', { params: { audienceId: id } });
    expect(audience.body).toMatchObject({ size: 0, byProvince: {} });
    const retried = await importJson(id, [{ phone: '0981234567', province: 'Huế' }]);
    expectStatus(retried, 200);
    expect(retried.body).toMatchObject({ accepted: 1, size: 1 });
  });

  it('refuses 100,001 JSON rows and leaves the audience empty', async () => {
    const id = await newAudience();
    const rows = Array.from({ length: 100_001 }, () => ({ phone: '0981234567' }));
    const response = await importJson(id, rows);
    expectError(response, 400, 'validation_failed');
    expect(response.body.error.details).toEqual([
      { path: 'subscribers', code: 'too_many_rows', message: expect.stringMatching(/100000/) },
    ]);
    expect(bodyOf(await send(api, 'getAudience', { params: { audienceId: id } }), 200).size).toBe(0);
  });

  it('refuses 100,001 CSV rows', async () => {
    const id = await newAudience();
    const response = await importCsv(id, `phone\n${'0981234567\n'.repeat(100_001)}`);
    expectError(response, 400, 'validation_failed');
    expect(response.body.error.details).toEqual([
      { path: '(body)', code: 'csv_too_many_rows', message: expect.stringMatching(/100001 rows/) },
    ]);
  });
});

describe('importing an Excel workbook (.xlsx)', () => {
  /** As officers' Excel saves a list: Vietnamese headers, phones typed as numbers (their 0 dropped). */
  const officersSheet = [
    ['STT', 'Số điện thoại', 'Tỉnh/Thành phố', 'Xã/Phường', 'Quận/Huyện', 'Nhóm'],
    [1, 981234567, 'Bắc Kạn', 'Bằng Lũng', 'Chợ Đồn', 'học sinh;vùng cao'],
    [2, { value: 912345678, format: '0.00E+00' }, 'Bắc Kạn', null, null, null],
    [3, '024 3123 4567', 'Hà Nội', null, null, null],
    [4, '9.81234567E+08', null, null, null, null],
    [5, 84981234567, 'Bắc Kạn', null, null, null],
    [6, '0903334444', 'Huế', 'Phú Vang', null, 'lao động đi nước ngoài'],
  ];
  const sameAsCsv = [
    'STT,Số điện thoại,Tỉnh/Thành phố,Xã/Phường,Quận/Huyện,Nhóm',
    '1,981234567,Bắc Kạn,Bằng Lũng,Chợ Đồn,học sinh;vùng cao',
    '2,912345678,Bắc Kạn,,,',
    '3,024 3123 4567,Hà Nội,,,',
    '4,9.81234567E+08,,,,',
    '5,84981234567,Bắc Kạn,,,',
    '6,0903334444,Huế,Phú Vang,,lao động đi nước ngoài',
  ].join('\r\n');

  const expectOfficersResult = (body: AnswerBody<'importSubscribers', 200>) => {
    expect(body).toEqual({
      accepted: 3,
      duplicates: 1,
      replaced: 0,
      rejected: [
        { row: 3, phone: '024 3123 4567', code: 'landline', reason: expect.any(String) },
        {
          row: 4,
          phone: '9.81234567E+08',
          code: 'scientific_notation',
          reason: expect.stringMatching(/format the phone column as Text/),
        },
      ],
      rejectedCount: 2,
      notices: [
        { code: 'legacy_district_column', message: expect.stringMatching(/district/) },
        { code: 'unknown_columns_ignored', message: expect.stringMatching(/"STT"/) },
      ],
      warnings: [],
      warningCount: 0,
      mappedFromFormerName: 2,
      size: 3,
    });
  };

  it('imports phones without their leading 0, Vietnamese headers, communes and a legacy district column', async () => {
    const id = await newAudience();
    expectOfficersResult(bodyOf(await importXlsx(id, await xlsxFile(officersSheet)), 200));
    const members = await allMembers(id);
    expect(members.sort((a, b) => a.phone.localeCompare(b.phone))).toEqual([
      {
        phone: '+84903334444',
        carrier: 'mobifone',
        province: 'Huế',
        commune: 'Phú Vang',
        tags: ['lao động đi nước ngoài'],
      },
      { phone: '+84912345678', carrier: 'vinaphone', province: 'Thái Nguyên' },
      {
        phone: '+84981234567',
        carrier: 'viettel',
        province: 'Thái Nguyên',
        commune: 'Bằng Lũng',
        district: 'Chợ Đồn',
        tags: ['học sinh', 'vùng cao'],
      },
    ]);
    const audience = bodyOf(await send(api, 'getAudience', { params: { audienceId: id } }), 200);
    expect(audience).toMatchObject({ size: 3, byProvince: { 'Thái Nguyên': 2, Huế: 1 } });
  });

  it('gives the same answer for the same list sent as CSV', async () => {
    const fromXlsx = await importXlsx(await newAudience(), await xlsxFile(officersSheet));
    const fromCsv = await importCsv(await newAudience(), sameAsCsv);
    expectOfficersResult(bodyOf(fromCsv, 200));
    expect(fromCsv.body).toEqual(fromXlsx.body);
  });

  it('says why in Vietnamese when asked', async () => {
    const response = await importXlsx(await newAudience(), await xlsxFile(officersSheet), {
      'accept-language': 'vi',
    });
    expectStatus(response, 200);
    expect(response.body.rejected[1]?.reason).toMatch(/định dạng cột số điện thoại là Văn bản/);
    expect(response.body.notices[0]?.message).toMatch(/không còn cấp huyện/);
  });

  it.each([
    ['a file that is not a workbook', Buffer.from('phone\n0981234567\n'), 'xlsx_invalid'],
    [
      'an old .xls',
      Buffer.concat([Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]), Buffer.alloc(600)]),
      'xls_not_supported',
    ],
  ])('refuses %s with a 400 naming the reason, and imports nothing', async (_case, file, code) => {
    const id = await newAudience();
    const response = await importXlsx(id, file);
    expectError(response, 400, 'validation_failed');
    expect(response.body.error.details).toEqual([
      { path: '(body)', code, message: expect.stringMatching(/xls/) },
    ]);
    expect(await allMembers(id)).toEqual([]);
  });

  it('replays an .xlsx import sent again with the same Idempotency-Key, and refuses another file under it', async () => {
    const id = await newAudience();
    const key = { 'idempotency-key': ulid() };
    const file = await xlsxFile([['phone'], [981234567]]);
    await expectReplayed(() => importXlsx(id, file, key), 200);
    const other = await importXlsx(id, await xlsxFile([['phone'], [912345678]]), key);
    expect(other.status).toBe(409);
  });
});

describe('audiences access', () => {
  it('lets a planner read audiences but not create them or import', async () => {
    const id = await newAudience();
    expect((await send(api, 'getAudience', { params: { audienceId: id }, as: 'planner' })).status).toBe(200);
    expect((await send(api, 'listAudiences', { as: 'planner' })).status).toBe(200);
    expectError(await send(api, 'createAudience', { as: 'planner', json: { name: 'x' } }), 403, 'forbidden');
    expectError(await importJson(id, [{ phone: '0981234567' }], 'planner'), 403, 'forbidden');
  });

  it.each(['officer', 'approver', 'admin'] as const)('lets an %s import', async (role) => {
    const id = await newAudience();
    expect((await importJson(id, [{ phone: '0981234567' }], role)).status).toBe(200);
  });

  it('answers 401 without a token', async () => {
    expectError(await send(api, 'listAudiences', { as: null }), 401, 'unauthorized');
    expectError(await send(api, 'createAudience', { as: null, json: { name: 'x' } }), 401, 'unauthorized');
  });
});

describe('audiences input validation', () => {
  it.each([
    ['no name', {}, 'name'],
    ['a blank name', { name: '   ' }, 'name'],
    ['a name over 100 characters', { name: 'x'.repeat(101) }, 'name'],
    ['a name that is not text', { name: 42 }, 'name'],
    ['a description over 1000 characters', { name: 'x', description: 'y'.repeat(1001) }, 'description'],
    ['an unknown field', { name: 'x', size: 10 }, 'size'],
  ])('refuses an audience with %s', async (_case, body, path) => {
    const response = await send(api, 'createAudience', { as: 'officer', badJson: body });
    expectError(response, 400, 'validation_failed');
    expect(response.body.error.details).toEqual(expect.arrayContaining([expect.objectContaining({ path })]));
  });

  it.each([
    ['no subscribers', {}, 'subscribers'],
    ['subscribers that are not a list', { subscribers: '0981234567' }, 'subscribers'],
    ['an empty list', { subscribers: [] }, 'subscribers'],
    ['a row that is not an object', { subscribers: ['0981234567'] }, 'subscribers.0'],
    [
      'a row without a phone',
      { subscribers: [{ phone: '0981234567' }, { province: 'Huế' }] },
      'subscribers.1.phone',
    ],
    ['a phone that is a number', { subscribers: [{ phone: 981234567 }] }, 'subscribers.0.phone'],
    [
      'tags that are not a list',
      { subscribers: [{ phone: '0981234567', tags: 'a;b' }] },
      'subscribers.0.tags',
    ],
    ['an unknown row field', { subscribers: [{ phone: '0981234567', name: 'An' }] }, 'subscribers.0.name'],
    ['an unknown top-level field', { subscribers: [{ phone: '0981234567' }], replace: true }, 'replace'],
  ])('refuses a JSON import with %s', async (_case, body, path) => {
    const id = await newAudience();
    const response = await send(api, 'importSubscribers', {
      params: { audienceId: id },
      as: 'officer',
      badJson: body,
    });
    expectError(response, 400, 'validation_failed');
    expect(response.body.error.details).toEqual(expect.arrayContaining([expect.objectContaining({ path })]));
  });

  it.each([
    ['without a phone column', 'province,district\nHuế,Phú Vang\n', 'csv_no_phone_column', /no phone column/],
    ['with only a header', 'phone,province\n', 'csv_no_rows', /no subscriber rows/],
    ['with a quote never closed', 'phone,province\n0981234567,"Huế\n', 'csv_unclosed_quote', /never closed/],
    ['with nothing but blank rows', ',,,\r\n,,\r\n', 'csv_empty', /The file is empty/],
  ])('refuses a CSV file %s', async (_case, csv, code, message) => {
    const id = await newAudience();
    const response = await importCsv(id, csv);
    expectError(response, 400, 'validation_failed');
    expect(response.body.error.details).toEqual(
      expect.arrayContaining([{ path: '(body)', code, message: expect.stringMatching(message) }]),
    );
  });

  it.each([
    ['too short', 'abc'],
    ['lower case', '01j00000000000000000000000'],
    ['with a key separator', '01J0000000000000000000000%23'],
  ])('refuses an audience id that is %s', async (_case, id) => {
    const response = await send(api, 'getAudience', { params: { audienceId: id } });
    expectError(response, 400, 'validation_failed');
    expect(response.body.error.details?.[0]?.path).toBe('audienceId');
  });

  it('answers a header of 130,000 unknown columns with a short 400', async () => {
    const id = await newAudience();
    const header = Array.from({ length: 130_000 }, (_, i) => `c${i}`).join(',');
    const response = await importCsv(id, `${header}\n0981234567\n`);
    expectError(response, 400, 'validation_failed');
    expect(response.body.error.details).toEqual([expect.objectContaining({ code: 'csv_no_phone_column' })]);
    expect(JSON.stringify(response.body).length).toBeLessThan(20_000);
  });

  it('imports a file with 130,000 other columns, keeping ten as attributes and naming ten of the rest', async () => {
    const id = await newAudience();
    const header = ['phone', ...Array.from({ length: 130_000 }, (_, i) => `c${i}`)].join(',');
    const response = await importCsv(id, `${header}\n0981234567\n`);
    expectStatus(response, 200);
    expect(response.body.notices).toEqual([
      { code: 'attribute_columns', message: expect.stringMatching(/"c9" \{\{c9\}\}$/) },
      { code: 'too_many_attribute_columns', message: expect.stringMatching(/"c19" \(\+129980\)/) },
    ]);
    expect(JSON.stringify(response.body).length).toBeLessThan(2_000);
  });

  it.each([
    {
      test: 'refuses a body that is neither JSON nor CSV with 415',
      rawBody: 'phone\n0981234567',
      contentType: 'text/plain',
      status: 415,
      code: 'unsupported_media_type',
    },
    {
      test: 'refuses malformed JSON with 400 invalid_json',
      rawBody: '{"subscribers": [',
      contentType: 'application/json',
      status: 400,
      code: 'invalid_json',
    },
  ] as const)('$test', async ({ rawBody, contentType, status, code }) => {
    const response = await send(api, 'importSubscribers', {
      params: { audienceId: await newAudience() },
      as: 'officer',
      rawBody,
      headers: { 'content-type': contentType },
    });
    expectError(response, status, code);
  });
});
