import { describe, expect, it } from 'vitest';
import {
  MAX_CHUNK_BYTES,
  MEMBERS_PER_CHUNK,
  chunkMembers,
  decodeMember,
  decodeMembers,
  encodeMember,
} from '#adapters/audience-store.js';
import {
  MAX_IMPORT_ROWS,
  addCounts,
  countsOf,
  planImport,
  subscriberRowsFromCsv,
  subscriberRowsFromJson,
  columnOf,
  type AudienceMember,
  type AudienceSnapshot,
  type SubscriberRow,
} from '#core/audience.js';
import { ValidationError } from '#core/errors.js';
import { thrownBy } from '#support/errors.js';

const EMPTY: AudienceSnapshot = { phones: new Set() };
const row = (n: number, phone: string, extra: Partial<SubscriberRow> = {}): SubscriberRow => ({
  row: n,
  phone,
  ...extra,
});

const csvErrors = (csv: string): string[] => {
  const error = thrownBy(() => subscriberRowsFromCsv(csv), ValidationError);
  expect(error.details?.every((detail) => detail.path === '(body)')).toBe(true);
  return (error.details ?? []).map((detail) => detail.message);
};

describe('subscriberRowsFromCsv', () => {
  it('reads columns in any order and any case, splitting tags on ; and |', () => {
    const { rows } = subscriberRowsFromCsv(
      'Tags,District,PHONE,Province\r\n"vùng cao;biên giới|hs",Chợ Đồn,0981234567,Bắc Kạn\r\n',
    );
    expect(rows).toEqual([
      {
        row: 1,
        phone: '0981234567',
        province: 'Bắc Kạn',
        commune: undefined,
        district: 'Chợ Đồn',
        tags: ['vùng cao', 'biên giới', 'hs'],
      },
    ]);
  });

  it('needs only the phone column', () => {
    expect(subscriberRowsFromCsv('phone\n0981234567\n')).toEqual({
      rows: [
        {
          row: 1,
          phone: '0981234567',
          province: undefined,
          commune: undefined,
          district: undefined,
          tags: undefined,
        },
      ],
      notices: [],
      attributeColumns: [],
      languageColumn: false,
    });
  });

  it('treats fields missing at the end of a row as empty', () => {
    const [first] = subscriberRowsFromCsv('phone,province,district,tags\n0981234567,Huế\n').rows;
    expect(first).toMatchObject({
      phone: '0981234567',
      province: 'Huế',
      district: undefined,
      tags: undefined,
    });
    expect(first?.problem).toBeUndefined();
  });

  it('marks a row with more fields than the header as a problem, and only that row', () => {
    const { rows } = subscriberRowsFromCsv('phone,province\n0981234567,Thừa Thiên, Huế\n0912345678,Huế,,\n');
    expect(rows[0]?.problem).toEqual({ code: 'too_many_fields', params: { fields: 3, columns: 2 } });
    expect(rows[1]?.problem).toBeUndefined();
  });

  it('keeps row numbers right across blank lines', () => {
    expect(subscriberRowsFromCsv('phone\n\n0981234567\n\n\n0912345678').rows.map((r) => r.row)).toEqual([
      2, 5,
    ]);
  });

  it('refuses a file without a phone column, saying so', () => {
    expect(csvErrors('province,district\nHuế,Phú Vang\n')).toEqual(
      expect.arrayContaining([expect.stringMatching(/no phone column/)]),
    );
  });

  it('refuses a file whose first line is data rather than a header', () => {
    expect(csvErrors('0981234567\n0912345678\n')).toEqual([expect.stringMatching(/no phone column/)]);
  });

  it('refuses a column named twice, in any of its names', () => {
    expect(csvErrors('phone,name,Phone\n0981234567,An,0981234567\n')).toEqual([
      expect.stringMatching(/column "Phone" appears twice/),
    ]);
    expect(csvErrors('SĐT,Số điện thoại\n0981234567,0981234567\n')).toEqual([
      expect.stringMatching(/column "Số điện thoại" appears twice/),
    ]);
  });

  it('keeps other columns as attributes, ignores row numbers, and names both once in a notice', () => {
    const { rows, notices, attributeColumns } = subscriberRowsFromCsv(
      'STT,Họ và tên,phone,Ghi chú\n1,Nguyễn An,0981234567,x\n',
    );
    expect(rows).toEqual([
      expect.objectContaining({ row: 1, phone: '0981234567', attributes: ['Nguyễn An', 'x'] }),
    ]);
    expect(attributeColumns).toEqual([
      { key: 'ho_va_ten', name: 'Họ và tên' },
      { key: 'ghi_chu', name: 'Ghi chú' },
    ]);
    expect(notices).toEqual([
      { code: 'attribute_columns', params: { columns: '"Họ và tên" {{ho_va_ten}}, "Ghi chú" {{ghi_chu}}' } },
      { code: 'unknown_columns_ignored', params: { columns: '"STT"' } },
    ]);
  });

  it('reports a legacy district column once, keeps its values, and reads a commune column', () => {
    const { rows, notices } = subscriberRowsFromCsv(
      'phone,Quận/Huyện,Xã/Phường\n0981234567,Chợ Đồn,Bằng Lũng\n0912345678,Ba Bể,Chợ Rã\n',
    );
    expect(rows.map(({ district, commune }) => ({ district, commune }))).toEqual([
      { district: 'Chợ Đồn', commune: 'Bằng Lũng' },
      { district: 'Ba Bể', commune: 'Chợ Rã' },
    ]);
    expect(notices).toEqual([{ code: 'legacy_district_column' }]);
  });

  it.each([
    ['empty', ''],
    ['only a byte order mark and blank lines', '\uFEFF\r\n\r\n'],
  ])('refuses an %s file', (_case, csv) => {
    expect(csvErrors(csv)).toEqual([expect.stringMatching(/The file is empty/)]);
  });

  it('refuses a header without rows', () => {
    expect(csvErrors('phone,province\n\n')).toEqual([expect.stringMatching(/no subscriber rows/)]);
  });

  it('refuses text that was not UTF-8', () => {
    const latin1 = Buffer.from('phone,province\n0981234567,H\xe0 N\xf4i\n', 'latin1').toString('utf8');
    expect(csvErrors(latin1)).toEqual([expect.stringMatching(/not UTF-8.*CSV UTF-8/)]);
  });

  it('refuses a header of 130,000 unknown columns with a 400, not a stack overflow', () => {
    const header = Array.from({ length: 130_000 }, (_, i) => `c${i}`).join(',');
    expect(csvErrors(`${header}\n0981234567\n`)).toEqual([expect.stringMatching(/no phone column/)]);
  });

  it('keeps 10 attribute columns, names at most 10 ignored columns, each at most 50 characters, and counts the rest', () => {
    const header = [
      'phone',
      'x'.repeat(10_000),
      ...Array.from({ length: 25 }, (_, i) => `c${i}`),
      ...Array.from({ length: 12 }, (_, i) => `STT${'.'.repeat(i)}`),
    ].join(',');
    const { notices, attributeColumns } = subscriberRowsFromCsv(`${header}\n0981234567\n`);
    expect(attributeColumns?.map(({ key }) => key)).toEqual(Array.from({ length: 10 }, (_, i) => `c${i}`));
    expect(notices).toEqual([
      {
        code: 'attribute_columns',
        params: { columns: Array.from({ length: 10 }, (_, i) => `"c${i}" {{c${i}}}`).join(', ') },
      },
      {
        code: 'too_many_attribute_columns',
        params: {
          maximum: 10,
          columns: `${Array.from({ length: 10 }, (_, i) => `"c${i + 10}"`).join(', ')} (+5)`,
        },
      },
      {
        code: 'unknown_columns_ignored',
        params: {
          columns: `"${'x'.repeat(50)}…", "STT", "STT.", "STT..", "STT...", "STT....", "STT.....", "STT......", "STT.......", "STT........" (+3)`,
        },
      },
    ]);
  });

  it(`takes ${MAX_IMPORT_ROWS} rows and refuses one more`, () => {
    const body = (n: number) => `phone\n${'0981234567\n'.repeat(n)}`;
    expect(subscriberRowsFromCsv(body(MAX_IMPORT_ROWS)).rows).toHaveLength(MAX_IMPORT_ROWS);
    expect(csvErrors(body(MAX_IMPORT_ROWS + 1))).toEqual([
      expect.stringMatching(/100001 rows; at most 100000 per request/),
    ]);
  });
});

describe('subscriberRowsFromJson', () => {
  it('numbers rows from 1', () => {
    expect(subscriberRowsFromJson([{ phone: 'a' }, { phone: 'b', province: null }])).toEqual({
      rows: [
        { row: 1, phone: 'a' },
        { row: 2, phone: 'b', province: null },
      ],
      notices: [],
    });
  });

  it('reports district once when rows carry one', () => {
    const { notices } = subscriberRowsFromJson([
      { phone: 'a', district: 'Chợ Đồn' },
      { phone: 'b', district: 'Ba Bể' },
    ]);
    expect(notices).toEqual([{ code: 'legacy_district_column' }]);
  });
});

describe('header names', () => {
  it.each([
    [
      'phone',
      ['phone', 'PHONE', 'Số điện thoại', 'số điện thoại', 'SO DIEN THOAI', 'SĐT', 'sđt', 'SDT', 'Sdt'],
    ],
    ['phone', ['Điện thoại', 'dien thoai', 'Số thuê bao', 'So thue bao', ' Số  điện thoại ']],
    [
      'province',
      ['province', 'Province', 'Tỉnh/Thành phố', 'tinh/thanh pho', 'Tỉnh / Thành phố', 'Tỉnh', 'TỈNH'],
    ],
    ['province', ['Tỉnh/TP', 'tinh/tp', 'Tỉnh / TP']],
    [
      'commune',
      [
        'commune',
        'Xã/Phường',
        'xa/phuong',
        'Xã',
        'Phường',
        'PHƯỜNG',
        'Xã/Phường/Đặc khu',
        'xa/phuong/dac khu',
      ],
    ],
    ['district', ['district', 'Quận/Huyện', 'quan/huyen', 'Huyện', 'HUYEN']],
    ['tags', ['tags', 'Tags', 'Nhóm', 'nhom', 'NHÓM']],
  ] as const)('reads each of these as %s', (column, names) => {
    for (const name of names) expect(columnOf(name), name).toBe(column);
    // Decomposed accents (as macOS and some exports write them) read the same.
    for (const name of names) expect(columnOf(name.normalize('NFD')), name).toBe(column);
  });

  it.each(['name', 'Họ và tên', 'STT', 'Ghi chú', 'phones', 'Tỉnh thành phố cũ', ''])(
    'reads %j as no column',
    (name) => {
      expect(columnOf(name)).toBeUndefined();
    },
  );

  it('reads a CSV file with Vietnamese headers into the same rows as English ones', () => {
    const vietnamese = subscriberRowsFromCsv(
      'SĐT,Tỉnh/Thành phố,Xã/Phường,Nhóm\n981234567,Huế,Phú Vang,hs;vùng cao\n',
    );
    const english = subscriberRowsFromCsv(
      'phone,province,commune,tags\n981234567,Huế,Phú Vang,hs;vùng cao\n',
    );
    expect(vietnamese).toEqual(english);
    expect(english.rows[0]).toMatchObject({ commune: 'Phú Vang', tags: ['hs', 'vùng cao'] });
  });
});

describe('planImport', () => {
  it('accepts good rows as E.164 members with their carrier and current province, and counts them', () => {
    const plan = planImport(
      [
        row(1, '098 123 4567', { province: 'Bắc Kạn', district: 'Chợ Đồn', tags: ['hs'] }),
        row(2, '+84 91 234 5678', { province: 'Bắc Kạn' }),
        row(3, '0903334444'),
      ],
      EMPTY,
    );
    expect(plan.members).toEqual([
      {
        phone: '+84981234567',
        carrier: 'viettel',
        province: 'Thái Nguyên',
        district: 'Chợ Đồn',
        tags: ['hs'],
      },
      { phone: '+84912345678', carrier: 'vinaphone', province: 'Thái Nguyên' },
      { phone: '+84903334444', carrier: 'mobifone' },
    ]);
    expect(plan.added).toEqual({
      size: 3,
      byCarrier: new Map([
        ['viettel', 1],
        ['vinaphone', 1],
        ['mobifone', 1],
      ]),
      byProvince: new Map([['Thái Nguyên', 2]]),
      byLanguage: new Map(),
      attributes: new Map(),
    });
    expect(plan).toMatchObject({ duplicates: 0, rejected: [], warnings: [], mappedFromFormerName: 2 });
  });

  it('keeps a commune NFC-normalised and trimmed, and bounds its length like a province', () => {
    const plan = planImport(
      [
        row(1, '0981234567', { commune: '  Phu\u0301 Vang ' }),
        row(2, '0912345678', { commune: 'x'.repeat(101) }),
        row(3, '0903334444', { commune: 'Phú\nVang' }),
      ],
      EMPTY,
    );
    expect(plan.members).toEqual([{ phone: '+84981234567', carrier: 'viettel', commune: 'Phú Vang' }]);
    expect(plan.rejected.map(({ row, code }) => ({ row, code }))).toEqual([
      { row: 2, code: 'place_too_long' },
      { row: 3, code: 'place_control_character' },
    ]);
  });

  it('rejects bad rows with their 1-based row and a reason, and still accepts the good ones', () => {
    const plan = planImport(
      [
        row(1, '0981234567'),
        row(2, '024 3123 4567'),
        row(3, '+1 202 555 0123'),
        row(4, 'gọi tôi'),
        row(5, '   '),
        row(6, '0912345678'),
      ],
      EMPTY,
    );
    expect(plan.members.map((m) => m.phone)).toEqual(['+84981234567', '+84912345678']);
    expect(plan.rejected).toEqual([
      { row: 2, phone: '024 3123 4567', code: 'landline', reason: expect.stringMatching(/landline/) },
      {
        row: 3,
        phone: '+1 202 555 0123',
        code: 'not_vietnamese',
        params: { countryCode: '1' },
        reason: expect.stringMatching(/not Vietnam/),
      },
      { row: 4, phone: 'gọi tôi', code: 'invalid_characters', reason: expect.stringMatching(/only digits/) },
      { row: 5, phone: '', code: 'missing_phone', reason: 'phone is missing' },
    ]);
  });

  it('counts a phone written twice in the request as one member and one duplicate', () => {
    const plan = planImport(
      [row(1, '0981234567', { province: 'Huế' }), row(2, '+84981234567', { province: 'Huế' })],
      EMPTY,
    );
    expect(plan.members).toHaveLength(1);
    expect(plan.duplicates).toBe(1);
    expect(plan.added).toEqual({
      size: 1,
      byCarrier: new Map([['viettel', 1]]),
      byProvince: new Map([['Huế', 1]]),
      byLanguage: new Map(),
      attributes: new Map(),
    });
  });

  it('counts a phone already in the audience as a duplicate and adds nothing for it', () => {
    const plan = planImport([row(1, '0981234567'), row(2, '0912345678')], {
      phones: new Set(['+84981234567']),
    });
    expect(plan.members.map((m) => m.phone)).toEqual(['+84912345678']);
    expect(plan.duplicates).toBe(1);
    expect(plan.added.size).toBe(1);
  });

  it('does not let a rejected row shadow a later good row with the same phone', () => {
    const plan = planImport(
      [row(1, '0981234567', { district: 'x'.repeat(101) }), row(2, '0981234567', { province: 'Huế' })],
      EMPTY,
    );
    expect(plan.rejected.map((r) => r.row)).toEqual([1]);
    expect(plan.members).toEqual([{ phone: '+84981234567', carrier: 'viettel', province: 'Huế' }]);
  });

  it('trims and NFC-normalises places, so decomposed and composed spellings count together', () => {
    const decomposed = 'Ha\u0300 Nô\u0323i';
    const plan = planImport(
      [
        row(1, '0981234567', { province: `  ${decomposed} `, district: ' Ba Đình ' }),
        row(2, '0912345678', { province: 'Hà Nội' }),
      ],
      EMPTY,
    );
    expect(plan.members[0]).toMatchObject({ province: 'Hà Nội', district: 'Ba Đình' });
    expect(plan.added.byProvince).toEqual(new Map([['Hà Nội', 2]]));
  });

  it('leaves blank places out and does not count them in byProvince', () => {
    const plan = planImport(
      [row(1, '0981234567', { province: '  ', district: null, tags: [' ', ''] })],
      EMPTY,
    );
    expect(plan.members).toEqual([{ phone: '+84981234567', carrier: 'viettel' }]);
    expect(plan.added.byProvince).toEqual(new Map());
  });

  it.each([
    [
      'a district over 100 characters',
      { district: 'b'.repeat(101) },
      'place_too_long',
      /district is longer than 100/,
    ],
    [
      'a line break in a district',
      { district: 'Ba\nĐình' },
      'place_control_character',
      /district contains a line break/,
    ],
    ['a tag over 50 characters', { tags: ['t'.repeat(51)] }, 'invalid_tag', /at most 50 characters/],
    ['a tag holding a separator', { tags: ['a;b'] }, 'invalid_tag', /without ; \|/],
    ['21 tags', { tags: Array.from({ length: 21 }, (_, i) => `t${i}`) }, 'too_many_tags', /at most 20 tags/],
    [
      'a CSV problem',
      { problem: { code: 'too_many_fields', params: { fields: 5, columns: 4 } } },
      'too_many_fields',
      /The row has 5 fields/,
    ],
  ] as const)('rejects a row with %s', (_case, extra, code, reason) => {
    const plan = planImport([row(7, '0981234567', extra), row(8, '0912345678')], EMPTY);
    expect(plan.rejected).toEqual([
      expect.objectContaining({ row: 7, phone: '0981234567', code, reason: expect.stringMatching(reason) }),
    ]);
    expect(plan.members.map((m) => m.phone)).toEqual(['+84912345678']);
  });

  it('keeps a place of exactly 100 characters', () => {
    const plan = planImport([row(1, '0981234567', { district: 'Đ'.repeat(100) })], EMPTY);
    expect(plan.rejected).toEqual([]);
  });

  it('drops repeated tags', () => {
    const plan = planImport([row(1, '0981234567', { tags: ['hs', ' hs', 'sv'] })], EMPTY);
    expect(plan.members[0]?.tags).toEqual(['hs', 'sv']);
  });

  it('shows at most 40 characters of a rejected phone', () => {
    const plan = planImport([row(1, '9'.repeat(500))], EMPTY);
    expect(plan.rejected[0]?.phone).toBe('9'.repeat(40));
  });
});

describe('audience counters', () => {
  it.each(['constructor', 'toString', 'hasOwnProperty', 'valueOf', '__proto__'])(
    'counts a province named %s (in an audience from before the registry) as a number',
    (province) => {
      const plan = planImport(
        [
          { row: 1, phone: '0981234567', province },
          { row: 2, phone: '0912345678', province: 'Huế' },
        ],
        EMPTY,
      );
      expect(plan.added.byProvince).toEqual(new Map([['Huế', 1]]));
      expect(plan.warnings.map((w) => w.value)).toEqual([province]);
      const before = countsOf({
        size: 1,
        byCarrier: { viettel: 1 },
        byProvince: Object.fromEntries([[province, 1]]),
      });
      const after = addCounts(before, { ...plan.added, byProvince: new Map([[province, 2]]) });
      expect(after.size).toBe(3);
      expect(after.byProvince).toEqual(new Map([[province, 3]]));
      expect(after.byCarrier).toEqual(
        new Map([
          ['viettel', 2],
          ['vinaphone', 1],
        ]),
      );
    },
  );
});

describe('member chunks', () => {
  const member = (i: number, extra: Partial<AudienceMember> = {}): AudienceMember => ({
    phone: `+8498${String(i).padStart(7, '0')}`,
    carrier: 'viettel',
    ...extra,
  });

  it('stores a member as one compact line and reads it back unchanged', () => {
    const full = member(1, { province: 'Bắc Kạn', district: 'Chợ Đồn', tags: ['hs', 'vùng cao'] });
    expect(encodeMember(full)).toBe('+84980000001\tviettel\tBắc Kạn\tChợ Đồn\ths|vùng cao');
    expect(decodeMember(encodeMember(full))).toEqual(full);
    expect(encodeMember(member(2))).toBe('+84980000002\tviettel');
    expect(decodeMember(encodeMember(member(2)))).toEqual(member(2));
    const districtOnly = member(3, { district: 'Ba Đình' });
    expect(decodeMember(encodeMember(districtOnly))).toEqual(districtOnly);
  });

  it('stores a commune after the fields members had before it, so old lines read back unchanged', () => {
    const withCommune = member(4, { province: 'Huế', commune: 'Phú Vang' });
    expect(encodeMember(withCommune)).toBe('+84980000004\tviettel\tHuế\t\t\tPhú Vang');
    expect(decodeMember(encodeMember(withCommune))).toEqual(withCommune);
    expect(decodeMember('+84980000001\tviettel\tBắc Kạn\tChợ Đồn\ths')).toEqual(
      member(1, { province: 'Bắc Kạn', district: 'Chợ Đồn', tags: ['hs'] }),
    );
  });

  it('reads an unknown stored carrier as unknown', () => {
    expect(decodeMember('+84980000001\ttelstra')).toEqual({ phone: '+84980000001', carrier: 'unknown' });
  });

  it('reads a missing or empty chunk as no members', () => {
    expect(decodeMembers(undefined)).toEqual([]);
    expect(decodeMembers('')).toEqual([]);
  });

  it(`puts at most ${MEMBERS_PER_CHUNK} members in a chunk, in order`, () => {
    const members = Array.from({ length: 1001 }, (_, i) => member(i));
    const chunks = chunkMembers(members).map(decodeMembers);
    expect(chunks.map((c) => c.length)).toEqual([250, 250, 250, 250, 1]);
    expect(chunks.flat()).toEqual(members);
  });

  it('keeps chunks of the largest members allowed under the size limit', () => {
    const largest = member(0, {
      province: 'Đ'.repeat(100),
      district: 'Ữ'.repeat(100),
      tags: Array.from({ length: 20 }, (_, i) => `${i}`.padEnd(50, 'ễ')),
    });
    const chunks = chunkMembers(Array.from({ length: 300 }, () => largest));
    expect(chunks.length).toBeGreaterThan(2);
    for (const chunk of chunks) expect(Buffer.byteLength(chunk, 'utf8')).toBeLessThanOrEqual(MAX_CHUNK_BYTES);
    expect(chunks.flatMap(decodeMembers)).toEqual(Array.from({ length: 300 }, () => largest));
  });
});
