import { detail, ValidationError } from './errors.js';
import { BODY_PATH } from './messages.js';

/**
 * A small RFC 4180 CSV reader for the files officers export from spreadsheets: `,` separates fields,
 * `"` quotes a field that holds commas, line breaks or doubled quotes (`""` → `"`); lines may end in
 * CRLF, LF or CR; a UTF-8 byte order mark (Excel's "CSV UTF-8") is dropped. Lenient where spreadsheets
 * are sloppy: a quote inside an unquoted field is kept as a character, text after a closing quote is
 * kept too.
 */

export interface CsvRecord {
  /** 1-based position of the record in the file, blank records counted; a quoted line break stays one record. */
  record: number;
  fields: string[];
}

export interface CsvTable {
  /** Header names as written (trimmed). */
  header: string[];
  /**
   * Data rows. `row` is 1-based and counts from the line after the header, blank lines included, so it
   * matches the spreadsheet row number minus one; blank rows themselves are left out.
   */
  rows: { row: number; fields: string[] }[];
}

const QUOTE = 0x22;
const COMMA = 0x2c;
const CR = 0x0d;
const LF = 0x0a;
const BOM = 0xfeff;
const DELIMITER = /[,\r\n]/g;

const malformed = (record: number) =>
  new ValidationError('The CSV file is malformed', [detail(BODY_PATH, 'csv_unclosed_quote', { record })]);

const nextDelimiter = (text: string, from: number): number => {
  DELIMITER.lastIndex = from;
  return DELIMITER.exec(text)?.index ?? text.length;
};

const isBlank = (fields: readonly string[]) => fields.every((field) => field.trim() === '');

/** Every non-blank record of `input`; throws a 400 when a quoted field is never closed. */
export function parseCsv(input: string): CsvRecord[] {
  const text = input.charCodeAt(0) === BOM ? input.slice(1) : input;
  const records: CsvRecord[] = [];
  let pos = 0;
  let record = 0;

  while (pos < text.length) {
    record++;
    const fields: string[] = [];
    for (;;) {
      let value: string;
      if (text.charCodeAt(pos) === QUOTE) {
        value = '';
        let from = pos + 1;
        for (;;) {
          const quote = text.indexOf('"', from);
          if (quote === -1) throw malformed(record);
          value += text.slice(from, quote);
          if (text.charCodeAt(quote + 1) !== QUOTE) {
            pos = quote + 1;
            break;
          }
          value += '"';
          from = quote + 2;
        }
        const end = nextDelimiter(text, pos);
        value += text.slice(pos, end);
        pos = end;
      } else {
        const end = nextDelimiter(text, pos);
        value = text.slice(pos, end);
        pos = end;
      }
      fields.push(value);

      const next = text.charCodeAt(pos);
      if (next === COMMA) {
        pos++;
        continue;
      }
      if (next === CR) pos += text.charCodeAt(pos + 1) === LF ? 2 : 1;
      else if (next === LF) pos++;
      break;
    }
    if (!isBlank(fields)) records.push({ record, fields });
  }
  return records;
}

/** The first non-blank record is the header; rows are numbered from the record after it. */
export function parseCsvTable(input: string): CsvTable | undefined {
  const [head, ...rest] = parseCsv(input);
  if (!head) return undefined;
  return {
    header: head.fields.map((name) => name.trim()),
    rows: rest.map(({ record, fields }) => ({ row: record - head.record, fields })),
  };
}
