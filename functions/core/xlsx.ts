import { readSheet, type Row } from 'read-excel-file/node';
import { subscriberRowsFromTable, type SubscriberRows } from './audience.js';
import type { CsvTable } from './csv.js';
import { detail, ValidationError } from './errors.js';
import { BODY_PATH, type DetailCode } from './messages.js';

/**
 * Officers' lists as Excel saves them (`.xlsx`, Office Open XML), read with read-excel-file: the first
 * sheet, its first non-blank row the header. Each cell becomes the text a CSV export would hold, so the
 * rows go through the same checks as a CSV file (subscriberRowsFromTable):
 * - text: as written, trimmed;
 * - a number: an integer as its digits (`981234567`, whatever the cell's display format, even
 *   `9.81E+08`: the file keeps the exact value), any other number as the file stores it (`12.5`);
 * - a date: `YYYY-MM-DD`; a boolean: `TRUE` or `FALSE`;
 * - a formula: the value the spreadsheet saved with it; an error (`#N/A`) or a formula saved without its
 *   value is an empty cell.
 */

/** The first bytes of an OLE2 compound file: an old `.xls`, or an `.xlsx` encrypted with a password. */
const COMPOUND_FILE_SIGNATURE = Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]);
/** The stream an encrypted Office file holds its package in (ECMA-376 part 2 / MS-OFFCRYPTO), UTF-16LE. */
const ENCRYPTED_PACKAGE = Buffer.from('EncryptedPackage', 'utf16le');

const refuse = (code: DetailCode) =>
  new ValidationError('The spreadsheet file cannot be imported', [detail(BODY_PATH, code)]);

/** Why bytes that are not a readable `.xlsx` cannot be read. */
const unreadable = (bytes: Uint8Array): DetailCode => {
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (!buffer.subarray(0, COMPOUND_FILE_SIGNATURE.length).equals(COMPOUND_FILE_SIGNATURE))
    return 'xlsx_invalid';
  return buffer.includes(ENCRYPTED_PACKAGE) ? 'xlsx_encrypted' : 'xls_not_supported';
};

/**
 * The most a workbook may unpack to. A 100,000-row list with four columns unpacks to about 15 MB; a
 * 10 MiB upload that claims gigabytes (a zip bomb) would exhaust the function's memory while being read.
 */
export const MAX_XLSX_UNPACKED_BYTES = 128 * 1024 * 1024;
const END_OF_CENTRAL_DIRECTORY = 0x06054b50;
const CENTRAL_DIRECTORY_ENTRY = 0x02014b50;
/** ZIP64 marks sizes over 4 GiB with this value; no officer's list needs one. */
const ZIP64_SIZE = 0xffffffff;

/**
 * What the zip's central directory says its files unpack to, in bytes (APPNOTE 4.3.12, 4.3.16);
 * undefined when there is no central directory (the reader then refuses the file).
 */
export const declaredUnpackedBytes = (buffer: Buffer): number | undefined => {
  const searchFrom = Math.max(0, buffer.length - 22 - 0xffff);
  let end = -1;
  for (let at = buffer.length - 22; at >= searchFrom; at--)
    if (buffer.readUInt32LE(at) === END_OF_CENTRAL_DIRECTORY) {
      end = at;
      break;
    }
  if (end < 0) return undefined;
  const entries = buffer.readUInt16LE(end + 10);
  let at = buffer.readUInt32LE(end + 16);
  let total = 0;
  for (let i = 0; i < entries; i++) {
    if (at + 46 > buffer.length || buffer.readUInt32LE(at) !== CENTRAL_DIRECTORY_ENTRY) return undefined;
    const size = buffer.readUInt32LE(at + 24);
    total += size === ZIP64_SIZE ? Number.POSITIVE_INFINITY : size;
    at += 46 + buffer.readUInt16LE(at + 28) + buffer.readUInt16LE(at + 30) + buffer.readUInt16LE(at + 32);
  }
  return total;
};

const INTEGER = /^-?\d+(?:\.\d+)?(?:e[+-]?\d+)?$/i;

/** A cell as a CSV export would write it (see the module comment). */
export const cellText = (cell: Row<string>[number] | Date): string => {
  if (cell === null) return '';
  if (typeof cell === 'string') return cell;
  if (typeof cell === 'boolean') return cell ? 'TRUE' : 'FALSE';
  if (cell instanceof Date) return cell.toISOString().slice(0, 10);
  return String(cell);
};

/** A numeric cell's stored text (`parseNumber` below): an integer as its digits, else as stored. */
const numberText = (stored: string): string => {
  const value = Number(stored);
  return INTEGER.test(stored) && Number.isSafeInteger(value) ? String(value) : stored;
};

const isBlank = (row: readonly string[]) => row.every((cell) => cell.trim() === '');

/** The first sheet as a table: rows numbered from the row after the header, blank rows left out. */
export const sheetTable = (sheet: readonly Row<string>[]): CsvTable | undefined => {
  const cells = sheet.map((row) => row.map(cellText));
  const headerAt = cells.findIndex((row) => !isBlank(row));
  const header = cells[headerAt];
  if (headerAt < 0 || !header) return undefined;
  return {
    header: header.map((name) => name.trim()),
    rows: cells.flatMap((fields, i) =>
      i > headerAt && !isBlank(fields) ? [{ row: i - headerAt, fields }] : [],
    ),
  };
};

/** The first sheet of an `.xlsx` file; a file that is not one (or is an `.xls`, or encrypted) is a 400. */
export const readXlsxTable = async (bytes: Uint8Array): Promise<CsvTable | undefined> => {
  if (bytes.byteLength === 0) throw refuse('xlsx_invalid');
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if ((declaredUnpackedBytes(buffer) ?? 0) > MAX_XLSX_UNPACKED_BYTES) throw refuse('xlsx_too_large_unpacked');
  let sheet: Row<string>[];
  try {
    sheet = await readSheet<string>(buffer, 1, {
      parseNumber: numberText,
    });
  } catch {
    // Whatever the reader trips on (not a zip, no workbook, broken XML) is the file's fault, never ours.
    throw refuse(unreadable(bytes));
  }
  return sheetTable(sheet);
};

/** Rows of an `.xlsx` import, through the same checks as a CSV file. */
export const subscriberRowsFromXlsx = async (
  bytes: Uint8Array,
  maxRows?: number,
): Promise<SubscriberRows> => {
  const table = await readXlsxTable(bytes);
  if (!table) throw refuse('xlsx_empty');
  return subscriberRowsFromTable(table, 'spreadsheet', maxRows);
};
