import { describe, expect, it } from 'vitest';
import { subscriberRowsFromCsv } from '#core/audience.js';
import { ValidationError } from '#core/errors.js';
import {
  cellText,
  declaredUnpackedBytes,
  MAX_XLSX_UNPACKED_BYTES,
  readXlsxTable,
  sheetTable,
  subscriberRowsFromXlsx,
} from '#core/xlsx.js';
import { xlsxFile } from '#support/xlsx.js';
import { itMaps } from './cases.js';

const refusal = async (bytes: Uint8Array): Promise<string[]> => {
  const error: unknown = await subscriberRowsFromXlsx(bytes).then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  expect(error).toBeInstanceOf(ValidationError);
  return ((error as ValidationError).details ?? []).map((detail) => detail.code);
};

/** The first bytes of an OLE2 compound file, and a stream name as an encrypted workbook holds it. */
const COMPOUND = Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]);
const compoundFile = (...streams: string[]) =>
  Buffer.concat([COMPOUND, Buffer.alloc(504), ...streams.map((name) => Buffer.from(name, 'utf16le'))]);

describe('xlsx cells as text', () => {
  itMaps('reads %j as %j', cellText, [
    [null, ''],
    ['Huế', 'Huế'],
    ['981234567', '981234567'],
    [true, 'TRUE'],
    [false, 'FALSE'],
    [new Date(Date.UTC(2025, 6, 1)), '2025-07-01'],
  ]);

  it('numbers the rows after the header, blank rows left out, as CSV does', () => {
    expect(
      sheetTable([
        [null, null],
        ['phone', ' Tỉnh '],
        ['0981234567', 'Huế'],
        [null, ''],
        ['x', null],
      ]),
    ).toEqual({
      header: ['phone', 'Tỉnh'],
      rows: [
        { row: 1, fields: ['0981234567', 'Huế'] },
        { row: 3, fields: ['x', ''] },
      ],
    });
    expect(sheetTable([[null], ['']])).toBeUndefined();
  });
});

describe('reading an .xlsx file', () => {
  it('reads numbers as their digits, whatever the display format, and dates, booleans and formulas', async () => {
    const file = await xlsxFile([
      ['SĐT', 'Tỉnh/Thành phố', 'Nhóm', 'Ngày', 'Đúng', 'Công thức'],
      [
        981234567,
        'Huế',
        'hs',
        { value: new Date(Date.UTC(2025, 6, 1)), format: 'dd/mm/yyyy' },
        true,
        { type: 'Formula', value: '=1+1' },
      ],
      [{ value: 912345678, format: '0.00E+00' }, 12.5, null, null, false, null],
      [84903334444, null, null, null, null, null],
    ]);
    const table = await readXlsxTable(file);
    expect(table?.header).toEqual(['SĐT', 'Tỉnh/Thành phố', 'Nhóm', 'Ngày', 'Đúng', 'Công thức']);
    expect(table?.rows.map((row) => row.fields.slice(0, 5))).toEqual([
      ['981234567', 'Huế', 'hs', '2025-07-01', 'TRUE'],
      ['912345678', '12.5', '', '', 'FALSE'],
      ['84903334444', '', '', '', ''],
    ]);
    // write-excel-file saves a formula without its computed value: read as an empty cell, never an error.
    expect(table?.rows[0]?.fields[5] ?? '').toBe('');
  });

  it('gives the same rows as the same list in CSV', async () => {
    const sheet = [
      ['Số điện thoại', 'Tỉnh', 'Xã/Phường', 'Quận/Huyện', 'Nhóm'],
      [981234567, 'Bắc Kạn', 'Bằng Lũng', 'Chợ Đồn', 'vùng cao;hs'],
      ['0912345678', 'Huế', null, null, null],
    ];
    const csv = [
      'Số điện thoại,Tỉnh,Xã/Phường,Quận/Huyện,Nhóm',
      '981234567,Bắc Kạn,Bằng Lũng,Chợ Đồn,vùng cao;hs',
      '0912345678,Huế,,,',
    ].join('\n');
    const fromXlsx = await subscriberRowsFromXlsx(await xlsxFile(sheet));
    const fromCsv = subscriberRowsFromCsv(csv);
    // An xlsx row ends at its last cell; a CSV row keeps its empty fields: both read as absent or empty.
    const shape = (rows: typeof fromCsv) => ({
      notices: rows.notices,
      rows: rows.rows.map((row) => ({
        ...row,
        commune: row.commune || undefined,
        district: row.district || undefined,
        tags: row.tags?.filter(Boolean),
      })),
    });
    expect(shape(fromXlsx)).toEqual(shape(fromCsv));
    expect(fromXlsx.notices).toEqual([{ code: 'legacy_district_column' }]);
  });

  it.each([
    ['random bytes', Buffer.from('this is not a workbook at all'), 'xlsx_invalid'],
    ['a CSV sent as xlsx', Buffer.from('phone\n0981234567\n'), 'xlsx_invalid'],
    ['an empty body', Buffer.alloc(0), 'xlsx_invalid'],
    ['a truncated zip', Buffer.from('PK\u0003\u0004garbage'), 'xlsx_invalid'],
    ['an old .xls (OLE2 compound file)', compoundFile('Workbook'), 'xls_not_supported'],
    ['a password-protected workbook', compoundFile('EncryptionInfo', 'EncryptedPackage'), 'xlsx_encrypted'],
  ])('refuses %s with a 400 and says why', async (_case, bytes, code) => {
    expect(await refusal(bytes)).toEqual([code]);
  });

  it('refuses a workbook whose first sheet is empty', async () => {
    expect(await refusal(await xlsxFile([[null]]))).toEqual(['xlsx_empty']);
  });

  it('refuses a sheet without a phone column with the same code as CSV', async () => {
    expect(await refusal(await xlsxFile([['Tỉnh'], ['Huế']]))).toEqual(['csv_no_phone_column']);
  });

  it('refuses a truncated workbook', async () => {
    const file = await xlsxFile([['phone'], [981234567]]);
    expect(await refusal(file.subarray(0, file.length - 100))).toEqual(['xlsx_invalid']);
  });
});

describe('a workbook that claims to unpack to more than an import needs (a zip bomb)', () => {
  /** The same workbook with its central directory claiming `claimed` bytes for its first entry. */
  const claiming = (workbook: Buffer, claimed: number) => {
    const bytes = Buffer.from(workbook);
    const end = bytes.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
    bytes.writeUInt32LE(claimed, bytes.readUInt32LE(end + 16) + 24);
    return bytes;
  };

  it('reads what a real workbook declares, far under the cap', async () => {
    const workbook = await xlsxFile([[{ value: 'phone' }], [{ value: '0981234567' }]]);
    const declared = declaredUnpackedBytes(workbook);
    expect(declared).toBeGreaterThan(workbook.length);
    expect(declared).toBeLessThan(MAX_XLSX_UNPACKED_BYTES);
  });

  it.each([
    ['over the cap', MAX_XLSX_UNPACKED_BYTES + 1],
    ['a ZIP64 size', 0xffffffff],
  ])('refuses %s before reading it', async (_, claimed) => {
    const workbook = await xlsxFile([[{ value: 'phone' }], [{ value: '0981234567' }]]);
    expect(await refusal(claiming(workbook, claimed))).toEqual(['xlsx_too_large_unpacked']);
  });
});
