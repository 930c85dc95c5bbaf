import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dynamoAudienceStore } from '#adapters/audience-store.js';
import { dynamoDocumentClient, tableName } from '#adapters/clients.js';
import { MAX_CHUNK_BYTES } from '#adapters/audience-store.js';
import type { AudienceMember } from '#core/audience.js';
import { startTestApi, type TestApi } from '#support/api.js';
import { audienceOf, importCsv, importedAudience, newAudience } from '#support/audiences.js';
import { expectStatus, send } from '#support/typed-api.js';
import { xlsxFile } from '#support/xlsx.js';

let api: TestApi;
beforeAll(async () => {
  api = await startTestApi();
});
afterAll(() => api.close());

const store = () => dynamoAudienceStore(dynamoDocumentClient(), tableName());

/** What the materialiser reads: every member, through the store's chunks. */
const membersByPhone = async (id: string): Promise<Map<string, AudienceMember>> => {
  const members = new Map<string, AudienceMember>();
  for await (const chunk of store().members(id))
    for (const member of chunk) members.set(member.phone, member);
  return members;
};

const LIST = [
  'STT,Số điện thoại,Họ và tên,Ngôn ngữ,Thôn/Bản,Số hộ',
  "1,0981234567,Giàng A Páo,H'Mông,Bản Phố,12",
  '2,0912345678,Lò Thị Mai,Thái,Bản Mường,',
  '3,0903334444,  Lò Văn Hùng ,Thái Đen,,7',
  '4,0971234567,Nguyễn Văn {{link:x}},,,',
  '5,0961234567,Trần An,tày,,',
].join('\r\n');

describe('importing attributes and languages', () => {
  it('keeps the other columns and the language with each member, and counts them on the audience', async () => {
    const { id, imported } = await importedAudience(api, LIST);
    expect(imported).toMatchObject({
      accepted: 4,
      duplicates: 0,
      replaced: 0,
      rejectedCount: 1,
      size: 4,
    });
    expect(imported.rejected).toEqual([
      {
        row: 4,
        phone: '0971234567',
        code: 'attribute_placeholder',
        reason: expect.stringMatching(/"Họ và tên" contains \{\{ or \}\}/),
      },
    ]);
    expect(imported.warnings).toEqual([
      {
        row: 2,
        field: 'language',
        value: 'Thái',
        code: 'ambiguous_language',
        message: expect.stringMatching(/Thái Đen.*Thái Trắng/),
      },
    ]);
    expect(imported.notices).toEqual([
      {
        code: 'attribute_columns',
        message: expect.stringContaining(
          '"Họ và tên" {{ho_va_ten}}, "Thôn/Bản" {{thon_ban}}, "Số hộ" {{so_ho}}',
        ),
      },
      { code: 'unknown_columns_ignored', message: expect.stringMatching(/"STT"/) },
    ]);

    const members = await membersByPhone(id);
    expect(members.get('+84981234567')).toEqual({
      phone: '+84981234567',
      carrier: 'viettel',
      language: 'hmn',
      attributes: { ho_va_ten: 'Giàng A Páo', thon_ban: 'Bản Phố', so_ho: '12' },
    });
    expect(members.get('+84912345678')).toEqual({
      phone: '+84912345678',
      carrier: 'vinaphone',
      attributes: { ho_va_ten: 'Lò Thị Mai', thon_ban: 'Bản Mường' },
    });
    expect(members.get('+84903334444')).toMatchObject({
      language: 'blt',
      attributes: { ho_va_ten: 'Lò Văn Hùng', so_ho: '7' },
    });
    expect(members.get('+84961234567')).toMatchObject({
      language: 'tyz',
      attributes: { ho_va_ten: 'Trần An' },
    });

    const audience = await audienceOf(api, id);
    expect(audience).toMatchObject({
      size: 4,
      languages: { hmn: 1, blt: 1, tyz: 1 },
      attributes: [
        { key: 'ho_va_ten', name: 'Họ và tên', present: 4 },
        { key: 'thon_ban', name: 'Thôn/Bản', present: 2 },
        { key: 'so_ho', name: 'Số hộ', present: 2 },
      ],
    });
    const list = await send(api, 'listAudiences', { as: 'planner' });
    expectStatus(list, 200);
    expect(list.body.items.find((item) => item.id === id)).toMatchObject({
      languages: audience.languages,
      attributes: audience.attributes,
    });
  });

  it('replaces a re-imported phone’s attributes and language, and recounts them', async () => {
    const { id } = await importedAudience(api, LIST);
    const again = await importCsv(
      api,
      id,
      [
        'Số điện thoại,Họ và tên,Ngôn ngữ,Chức vụ',
        '0981234567,Giàng Thị Dua,,Trưởng bản',
        '0951234567,Vừ A Dình,hmn,',
      ].join('\n'),
    );
    expectStatus(again, 200);
    expect(again.body).toMatchObject({ accepted: 1, duplicates: 1, replaced: 1, size: 5 });

    const members = await membersByPhone(id);
    expect(members.get('+84981234567')).toEqual({
      phone: '+84981234567',
      carrier: 'viettel',
      attributes: { ho_va_ten: 'Giàng Thị Dua', chuc_vu: 'Trưởng bản' },
    });
    expect(members.get('+84951234567')).toMatchObject({
      language: 'hmn',
      attributes: { ho_va_ten: 'Vừ A Dình' },
    });
    expect(members.get('+84903334444')).toMatchObject({ language: 'blt', attributes: { so_ho: '7' } });

    const audience = await audienceOf(api, id);
    expect(audience.languages).toEqual({ blt: 1, tyz: 1, hmn: 1 });
    expect(audience.attributes).toEqual([
      { key: 'ho_va_ten', name: 'Họ và tên', present: 5 },
      { key: 'thon_ban', name: 'Thôn/Bản', present: 1 },
      { key: 'so_ho', name: 'Số hộ', present: 1 },
      { key: 'chuc_vu', name: 'Chức vụ', present: 1 },
    ]);

    // A file with neither attribute nor language columns leaves what members have.
    const plain = await importCsv(api, id, 'phone,province\n0981234567,Điện Biên\n');
    expect(plain.body).toMatchObject({ duplicates: 1, replaced: 0 });
    expect((await membersByPhone(id)).get('+84981234567')?.attributes).toEqual({
      ho_va_ten: 'Giàng Thị Dua',
      chuc_vu: 'Trưởng bản',
    });
  });

  it('imports the same attributes from an .xlsx workbook, messages in Vietnamese on request', async () => {
    const id = await newAudience(api);
    const file = await xlsxFile([
      ['Số điện thoại', 'Họ và tên', 'Tiếng', 'Ghi chú'],
      [981234567, 'Giàng A Páo', 'Thái Trắng', 'x'.repeat(101)],
      [912345678, 'Lò Thị Mai', 'Khmer', null],
    ]);
    const response = await send(api, 'importSubscribers', {
      params: { audienceId: id },
      as: 'officer',
      xlsx: file,
      headers: { 'accept-language': 'vi' },
    });
    expectStatus(response, 200);
    expect(response.body).toMatchObject({ accepted: 1, rejectedCount: 1 });
    expect(response.body.rejected[0]).toMatchObject({
      row: 1,
      code: 'attribute_too_long',
      reason: 'giá trị cột "Ghi chú" dài quá 100 ký tự',
    });
    expect([...(await membersByPhone(id)).values()]).toEqual([
      {
        phone: '+84912345678',
        carrier: 'vinaphone',
        language: 'km',
        attributes: { ho_va_ten: 'Lò Thị Mai' },
      },
    ]);
  });

  it('stores 10 attributes of 100 characters on each of 1,000 members within the chunk limit', async () => {
    const id = await newAudience(api);
    const header = ['phone', ...Array.from({ length: 10 }, (_, i) => `Trường ${i + 1}`)].join(',');
    const value = 'ệ'.repeat(100);
    const rows = Array.from({ length: 1000 }, (_, i) =>
      [`098${String(i).padStart(7, '0')}`, ...Array(10).fill(value)].join(','),
    );
    const response = await importCsv(api, id, [header, ...rows].join('\n'));
    expectStatus(response, 200);
    expect(response.body).toMatchObject({ accepted: 1000, rejectedCount: 0 });
    const chunks: AudienceMember[][] = [];
    for await (const chunk of store().members(id)) chunks.push(chunk);
    expect(chunks.flat()).toHaveLength(1000);
    expect(
      chunks.flat().every((member) => Object.values(member.attributes ?? {}).every((v) => v === value)),
    ).toBe(true);
    // Each chunk's text stays under the byte limit, so there are more chunks than 1,000 / 250.
    expect(chunks.length).toBeGreaterThan(Math.ceil((1000 * 10 * 300) / MAX_CHUNK_BYTES) - 1);
  });
});
