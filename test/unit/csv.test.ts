import { describe, expect, it } from 'vitest';
import { parseCsv, parseCsvTable } from '#core/csv.js';
import { ValidationError } from '#core/errors.js';
import { thrownBy } from '#support/errors.js';

const fieldsOf = (text: string) => parseCsv(text).map((record) => record.fields);

const errorOf = (run: () => unknown): ValidationError => thrownBy(run, ValidationError);

describe('parseCsv', () => {
  it('splits records into fields', () => {
    expect(fieldsOf('phone,province\n0981234567,Hà Nội\n')).toEqual([
      ['phone', 'province'],
      ['0981234567', 'Hà Nội'],
    ]);
  });

  it('reads the last record without a final line break', () => {
    expect(fieldsOf('a,b\nc,d')).toEqual([
      ['a', 'b'],
      ['c', 'd'],
    ]);
  });

  it('keeps empty fields, including a trailing one', () => {
    expect(fieldsOf('0981234567,,Ba Đình,\n')).toEqual([['0981234567', '', 'Ba Đình', '']]);
  });

  it('keeps commas inside quoted fields', () => {
    expect(fieldsOf('"0981234567","Thừa Thiên, Huế",x\n')).toEqual([['0981234567', 'Thừa Thiên, Huế', 'x']]);
  });

  it('turns doubled quotes inside a quoted field into one quote', () => {
    expect(fieldsOf('"He said ""stop""",""""\n')).toEqual([['He said "stop"', '"']]);
  });

  it('treats an empty quoted field as empty', () => {
    expect(fieldsOf('a,"",b')).toEqual([['a', '', 'b']]);
  });

  it('keeps a line break inside a quoted field in one record', () => {
    const records = parseCsv('a,"line one\r\nline two",b\nc,d,e\n');
    expect(records).toEqual([
      { record: 1, fields: ['a', 'line one\r\nline two', 'b'] },
      { record: 2, fields: ['c', 'd', 'e'] },
    ]);
  });

  it.each([
    ['LF', '\n'],
    ['CRLF', '\r\n'],
    ['CR', '\r'],
  ])('accepts %s line endings', (_name, eol) => {
    expect(fieldsOf(['phone,tags', '0981234567,a;b', '0912345678,'].join(eol) + eol)).toEqual([
      ['phone', 'tags'],
      ['0981234567', 'a;b'],
      ['0912345678', ''],
    ]);
  });

  it('drops a UTF-8 byte order mark so the first header is readable', () => {
    expect(fieldsOf('\uFEFFphone,province\n0981234567,Hà Nội')[0]).toEqual(['phone', 'province']);
  });

  it('drops a byte order mark before a quoted first field', () => {
    expect(fieldsOf('\uFEFF"phone"\n0981234567')).toEqual([['phone'], ['0981234567']]);
  });

  it('skips blank records but keeps counting them, so record numbers match the file', () => {
    const records = parseCsv('phone\n0981234567\n\n   \n,,\n0912345678\r\n\r\n0903334444\n');
    expect(records.map(({ record, fields }) => [record, fields[0]])).toEqual([
      [1, 'phone'],
      [2, '0981234567'],
      [6, '0912345678'],
      [8, '0903334444'],
    ]);
  });

  it('keeps a quote inside an unquoted field as a character', () => {
    expect(fieldsOf('12" screen,x')).toEqual([['12" screen', 'x']]);
  });

  it('keeps text that follows a closing quote', () => {
    expect(fieldsOf('"Hà" Nội,x')).toEqual([['Hà Nội', 'x']]);
  });

  it('answers nothing for an empty or blank file', () => {
    expect(parseCsv('')).toEqual([]);
    expect(parseCsv('\uFEFF')).toEqual([]);
    expect(parseCsv('\n\r\n  \n')).toEqual([]);
  });

  it('rejects a quoted field that is never closed, naming the record', () => {
    const error = errorOf(() => parseCsv('phone,province\n0981234567,"Hà Nội\n0912345678,Huế\n'));
    expect(error.code).toBe('validation_failed');
    expect(error.details).toEqual([
      {
        path: '(body)',
        code: 'csv_unclosed_quote',
        message: expect.stringContaining('record 2 of the file opens a quoted field'),
        params: { record: 2 },
      },
    ]);
  });
});

describe('parseCsvTable', () => {
  it('numbers rows from the line after the header, blank lines counted', () => {
    const table = parseCsvTable('phone\n0981234567\n\nabc\n');
    expect(table).toEqual({
      header: ['phone'],
      rows: [
        { row: 1, fields: ['0981234567'] },
        { row: 3, fields: ['abc'] },
      ],
    });
  });

  it('takes the first non-blank record as the header and numbers rows from it', () => {
    const table = parseCsvTable('\n\n phone , province \n0981234567,Huế\n');
    expect(table?.header).toEqual(['phone', 'province']);
    expect(table?.rows).toEqual([{ row: 1, fields: ['0981234567', 'Huế'] }]);
  });

  it('counts a record with a quoted line break as one row', () => {
    const table = parseCsvTable('phone,district\n0981234567,"a\nb"\n0912345678,c\n');
    expect(table?.rows.map((r) => r.row)).toEqual([1, 2]);
  });

  it('answers undefined for a file with no records', () => {
    expect(parseCsvTable('\r\n\r\n')).toBeUndefined();
  });
});
