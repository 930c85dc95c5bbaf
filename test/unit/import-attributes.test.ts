import { describe, expect, it } from 'vitest';
import { decodeMember, encodeMember } from '#adapters/audience-store.js';
import { audienceCodec } from '#adapters/table/audience-records.js';
import {
  MAX_ATTRIBUTE_COLUMNS,
  MAX_ATTRIBUTE_LENGTH,
  addCounts,
  attributeRecord,
  columnOf,
  countsOf,
  emptyTally,
  planImport,
  subscriberRowsFromCsv,
  tallyMember,
  warningIn,
  withTally,
  withUpdate,
  type Audience,
  type AudienceMember,
  type SubscriberRows,
} from '#core/audience.js';
import { messageFor } from '#core/messages.js';
import { subscriberRowsFromXlsx } from '#core/xlsx.js';
import { xlsxFile } from '#support/xlsx.js';

const NONE = { phones: new Set<string>() };
const plan = (rows: SubscriberRows, phones: readonly string[] = []) =>
  planImport(rows.rows, { phones: new Set(phones) }, rows);
const csv = (text: string) => subscriberRowsFromCsv(text);
/** The member of 0981234567 as imported (a Viettel number), before any column of the file is read. */
const VIETTEL = { phone: '+84981234567', carrier: 'viettel' } as const satisfies AudienceMember;
/** The same member with a province: where the tests change language and attributes alone. */
const IN_HUE = { ...VIETTEL, province: 'Huế' } as const satisfies AudienceMember;
/** An audience's counters before the change under test: `size` Viettel members, in no province. */
const viettelCounts = (size: number, counted: Pick<Audience, 'languages' | 'attributes'>) =>
  countsOf({ size, byCarrier: { viettel: size }, byProvince: {}, ...counted });

describe('attribute columns of an imported file', () => {
  it('keys each other column by attributeKey and keeps its header as written', () => {
    const rows = csv('SĐT,Họ và tên,Số hộ,Tỉnh/TP mới?,Ngày sinh\n0981234567,Nguyễn An,12,x,2001-02-03\n');
    expect(rows.attributeColumns).toEqual([
      { key: 'ho_va_ten', name: 'Họ và tên' },
      { key: 'so_ho', name: 'Số hộ' },
      { key: 'tinh_tp_moi', name: 'Tỉnh/TP mới?' },
      { key: 'ngay_sinh', name: 'Ngày sinh' },
    ]);
    expect(plan(rows).members).toEqual([
      {
        ...VIETTEL,
        attributes: { ho_va_ten: 'Nguyễn An', so_ho: '12', tinh_tp_moi: 'x', ngay_sinh: '2001-02-03' },
      },
    ]);
  });

  it('trims values, NFC-normalises them, and treats an empty cell as no value', () => {
    const rows = csv('phone,Tên,Ghi chú\n0981234567,  Phu\u0301c  ,\n0912345678,,   \n');
    const { members, added } = plan(rows);
    expect(members.map((member) => member.attributes)).toEqual([{ ten: 'Phúc' }, undefined]);
    expect(added.attributes).toEqual(new Map([['ten', { name: 'Tên', present: 1 }]]));
  });

  it(`keeps at most ${MAX_ATTRIBUTE_COLUMNS} attribute columns and names the rest in one notice`, () => {
    const header = ['phone', ...Array.from({ length: 12 }, (_, i) => `Cột ${i + 1}`)].join(',');
    const rows = csv(
      `${header}\n0981234567,${Array.from({ length: 12 }, (_, i) => `v${i + 1}`).join(',')}\n`,
    );
    expect(rows.attributeColumns).toHaveLength(MAX_ATTRIBUTE_COLUMNS);
    expect(rows.notices.filter((notice) => notice.code === 'too_many_attribute_columns')).toEqual([
      { code: 'too_many_attribute_columns', params: { maximum: 10, columns: '"Cột 11", "Cột 12"' } },
    ]);
    expect(Object.keys(plan(rows).members[0]?.attributes ?? {})).toEqual(
      Array.from({ length: 10 }, (_, i) => `cot_${i + 1}`),
    );
  });

  it.each(['STT', 'TT', 'Số thứ tự', 'stt.', 'No.', '#', '***', 'link', 'x'.repeat(41)])(
    'ignores a column headed %j, as the notice says',
    (header) => {
      const rows = csv(`phone,${header}\n0981234567,1\n`);
      expect(rows.attributeColumns).toEqual([]);
      expect(rows.notices.map((notice) => notice.code)).toEqual(['unknown_columns_ignored']);
      expect(plan(rows).members[0]?.attributes).toBeUndefined();
    },
  );

  it('refuses a file with two columns of the same key, as it refuses a column named twice', () => {
    expect(() => csv('phone,Tên,ten\n0981234567,An,Bình\n')).toThrow(
      expect.objectContaining({
        details: [expect.objectContaining({ code: 'csv_duplicate_column', params: { column: 'ten' } })],
      }),
    );
  });

  it(`rejects a row whose value is longer than ${MAX_ATTRIBUTE_LENGTH} characters, naming the column`, () => {
    const rows = csv(
      `phone,Họ và tên\n0981234567,${'a'.repeat(MAX_ATTRIBUTE_LENGTH)}\n0912345678,${'a'.repeat(MAX_ATTRIBUTE_LENGTH + 1)}\n`,
    );
    const { members, rejected } = plan(rows);
    expect(members.map((member) => member.phone)).toEqual(['+84981234567']);
    expect(rejected).toEqual([
      expect.objectContaining({
        row: 2,
        code: 'attribute_too_long',
        params: { column: 'Họ và tên', maximum: 100 },
        reason: 'the value of column "Họ và tên" is longer than 100 characters',
      }),
    ]);
  });

  it.each([
    ['{{', 'Xin chào {{ten}}', 'attribute_placeholder'],
    ['}}', 'a}}b', 'attribute_placeholder'],
    ['a control character', 'An\u0007', 'attribute_control_character'],
    ['a line break', '"An\nBình"', 'attribute_control_character'],
  ])('rejects a row whose value holds %s: a value is never a placeholder', (_case, value, code) => {
    const { members, rejected } = plan(csv(`phone,Tên\n0981234567,${value}\n0912345678,Bình\n`));
    expect(members.map((member) => member.attributes)).toEqual([{ ten: 'Bình' }]);
    expect(rejected).toEqual([expect.objectContaining({ row: 1, code, params: { column: 'Tên' } })]);
  });

  it('stores attributes in an object without a prototype: a missing `constructor` reads as undefined', () => {
    const [member] = plan(csv('phone,Tên\n0981234567,An\n')).members;
    expect(member?.attributes?.['constructor']).toBeUndefined();
    expect(
      decodeMember(encodeMember(member ?? { phone: '', carrier: 'unknown' })).attributes?.['constructor'],
    ).toBeUndefined();
  });

  it('reads a .xlsx sheet into the same rows, attributes and notices as the CSV export of it', async () => {
    const sheet = [
      ['STT', 'Số điện thoại', 'Họ và tên', 'Ngôn ngữ', 'Thôn/Bản'],
      [1, 981234567, ' Giàng A Páo ', "H'Mông", 'Bản Phố'],
      [2, 912345678, 'Lò Văn Hùng', 'Thái', null],
      [3, 903334444, 'x'.repeat(101), 'Khmer', null],
    ];
    const fromCsv = csv(
      'STT,Số điện thoại,Họ và tên,Ngôn ngữ,Thôn/Bản\n' +
        "1,981234567, Giàng A Páo ,H'Mông,Bản Phố\n" +
        '2,912345678,Lò Văn Hùng,Thái,\n' +
        `3,903334444,${'x'.repeat(101)},Khmer,\n`,
    );
    const fromXlsx = await subscriberRowsFromXlsx(await xlsxFile(sheet));
    // The spreadsheet reader trims text cells itself; what the import plans is the same.
    expect({ ...fromXlsx, rows: undefined }).toEqual({ ...fromCsv, rows: undefined });
    expect(plan(fromXlsx)).toEqual(plan(fromCsv));
    expect(plan(fromXlsx).members).toEqual([
      { ...VIETTEL, language: 'hmn', attributes: { ho_va_ten: 'Giàng A Páo', thon_ban: 'Bản Phố' } },
      { phone: '+84912345678', carrier: 'vinaphone', attributes: { ho_va_ten: 'Lò Văn Hùng' } },
    ]);
  });
});

describe('the language column', () => {
  it.each(['language', 'lang', 'Ngôn ngữ', 'ngon ngu', 'Tiếng', 'TIENG'])('reads %j as language', (name) => {
    expect(columnOf(name)).toBe('language');
  });

  it.each([
    ["H'Mông", 'hmn'],
    ['tiếng Khmer', 'km'],
    ['Thái Đen', 'blt'],
    ['thai trang', 'twh'],
    ['Ê Đê', 'rad'],
    ['không dấu', 'vi-x-khongdau'],
    ['Tiếng Việt', 'vi'],
    ['HMN', 'hmn'],
    ['vi-X-KhongDau', 'vi-x-khongdau'],
  ])('stores %j as the tag %s and counts it', (value, tag) => {
    const { members, added, warnings } = plan(csv(`phone,Ngôn ngữ\n0981234567,${value}\n`));
    expect(members[0]?.language).toBe(tag);
    expect(added.byLanguage).toEqual(new Map([[tag, 1]]));
    expect(warnings).toEqual([]);
  });

  it('keeps a row whose language is Thái alone without a language, with a warning saying what to write', () => {
    const { members, warnings } = plan(csv('phone,Ngôn ngữ\n0981234567,Thái\n0912345678,tiếng Thái\n'));
    expect(members.map((member) => member.language)).toEqual([undefined, undefined]);
    expect(warnings).toEqual([
      { row: 1, field: 'language', value: 'Thái', code: 'ambiguous_language' },
      { row: 2, field: 'language', value: 'tiếng Thái', code: 'ambiguous_language' },
    ]);
    const [warning] = warnings;
    if (!warning) throw new Error('a warning');
    expect(warningIn(warning, 'vi').message).toMatch(/Thái Đen.*Thái Trắng/);
    expect(warningIn(warning, 'en').message).toMatch(/Thái Đen \(Tai Dam, tag blt\) or Thái Trắng/);
  });

  it('keeps a row with an unknown language without one, warning with names and tags to write', () => {
    const { members, warnings } = plan(csv('phone,language\n0981234567,Klingon!\n'));
    expect(members).toHaveLength(1);
    expect(members[0]?.language).toBeUndefined();
    expect(warnings).toEqual([{ row: 1, field: 'language', value: 'Klingon!', code: 'unknown_language' }]);
    expect(messageFor('unknown_language', {}, 'en')).toMatch(/H'Mông.*hmn/);
  });

  it('counts a language warning among the same warnings as an unknown province', () => {
    const { warnings } = plan(csv('phone,province,Ngôn ngữ\n0981234567,Atlantis,Thái\n'));
    expect(warnings.map((warning) => warning.code)).toEqual(['unknown_province', 'ambiguous_language']);
  });
});

describe('a re-imported phone', () => {
  it('counts as a duplicate and, in a file with attribute or language columns, replaces those', () => {
    const result = plan(csv('phone,Tên,Ngôn ngữ\n0981234567,An,Tày\n0912345678,Bình,\n'), ['+84981234567']);
    expect(result.members.map((member) => member.phone)).toEqual(['+84912345678']);
    expect(result.duplicates).toBe(1);
    expect(result.updates).toEqual(
      new Map([
        [
          '+84981234567',
          { setLanguage: true, language: 'tyz', setAttributes: true, attributes: { ten: 'An' } },
        ],
      ]),
    );
  });

  it('leaves members alone when the file has no attribute or language column', () => {
    expect(plan(csv('phone,province\n0981234567,Huế\n'), ['+84981234567']).updates).toEqual(new Map());
  });

  it('replaces only what the file has columns for, and an empty cell removes the value', () => {
    const member: AudienceMember = { ...IN_HUE, language: 'km', attributes: { ten: 'An', so_ho: '3' } };
    expect(
      withUpdate(member, { setLanguage: false, setAttributes: true, attributes: { ten: 'Ân' } }),
    ).toEqual({ ...IN_HUE, language: 'km', attributes: { ten: 'Ân' } });
    expect(withUpdate(member, { setLanguage: true, setAttributes: false })).toEqual({
      ...IN_HUE,
      attributes: { ten: 'An', so_ho: '3' },
    });
    const same = {
      setLanguage: true,
      language: 'km',
      setAttributes: true,
      attributes: { so_ho: '3', ten: 'An' },
    };
    expect(withUpdate(member, same)).toBe(member);
  });

  it('recounts languages and attributes from the stored members, keeping each attribute in place', () => {
    const before = viettelCounts(2, {
      languages: { km: 2 },
      attributes: [
        { key: 'ten', name: 'Tên', present: 2 },
        { key: 'so_ho', name: 'Số hộ', present: 1 },
      ],
    });
    const tally = emptyTally();
    tallyMember(tally, {
      ...VIETTEL,
      language: 'tyz',
      attributes: { ten: 'An' },
    });
    tallyMember(tally, {
      phone: '+84912345678',
      carrier: 'viettel',
      language: 'km',
      attributes: { ten: 'B', x: 'y' },
    });
    const after = withTally(before, tally, new Map([['ten', 'TÊN']]));
    expect(after.byLanguage).toEqual(
      new Map([
        ['tyz', 1],
        ['km', 1],
      ]),
    );
    expect(after.attributes).toEqual(
      new Map([
        ['ten', { name: 'TÊN', present: 2 }],
        ['x', { name: 'x', present: 1 }],
      ]),
    );
  });
});

describe('audience counters of languages and attributes', () => {
  it('adds an import to what was there, the attribute named by the later header', () => {
    const before = viettelCounts(1, {
      languages: { hmn: 1 },
      attributes: [{ key: 'ho_va_ten', name: 'Họ và tên', present: 1 }],
    });
    const { added } = plan(csv('phone,HỌ VÀ TÊN,Tiếng\n0912345678,Lò Văn Hùng,Thái Đen\n'));
    const after = addCounts(before, added);
    expect(after.byLanguage).toEqual(
      new Map([
        ['hmn', 1],
        ['blt', 1],
      ]),
    );
    expect(after.attributes).toEqual(new Map([['ho_va_ten', { name: 'HỌ VÀ TÊN', present: 2 }]]));
  });

  it('stores them additively: an audience item from before them decodes with none', () => {
    const audience: Audience = {
      id: '01J9Z6Q5V8M3N2K1H0G9F8E7D6',
      name: 'Bắc Kạn',
      size: 3,
      byCarrier: { viettel: 3 },
      byProvince: {},
      languages: { hmn: 2 },
      attributes: [{ key: 'ho_va_ten', name: 'Họ và tên', present: 3 }],
      createdAt: '2026-12-01T00:00:00.000Z',
      createdBy: 'officer',
    };
    expect(audienceCodec.fromItem(audienceCodec.toItem(audience))).toEqual(audience);
    const { languages: _languages, attributes: _attributes, ...old } = audienceCodec.toItem(audience);
    expect(audienceCodec.fromItem(old)).toEqual({ ...audience, languages: {}, attributes: [] });
  });
});

describe('member lines with language and attributes', () => {
  it('round-trips them, and reads a line stored before them unchanged', () => {
    const member: AudienceMember = {
      ...IN_HUE,
      language: 'vi-x-khongdau',
      attributes: attributeRecord([
        ['ho_va_ten', 'Nguyễn "An"\\'],
        ['so_ho', '12|3;4'],
      ]),
    };
    expect(decodeMember(encodeMember(member))).toEqual(member);
    expect(encodeMember({ ...VIETTEL, language: 'km' })).toBe('+84981234567\tviettel\t\t\t\t\tkm');
    expect(decodeMember('+84981234567\tviettel\tHuế\t\ths\tPhú Vang')).toEqual({
      ...IN_HUE,
      tags: ['hs'],
      commune: 'Phú Vang',
    });
  });

  it('plans nothing different for JSON rows, which carry no attribute columns', () => {
    expect(planImport([{ row: 1, phone: '0981234567' }], NONE).members).toEqual([VIETTEL]);
  });
});
