import { parseCsvTable } from '../../functions/core/csv.js';

/** A field as RFC 4180 writes it: quoted when it holds a comma, a quote or a line break. */
const csvField = (value: string): string =>
  /[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;

const csvLine = (fields: readonly string[]): string => fields.map(csvField).join(',');

/**
 * The rejected rows of an upload as a CSV file to fix and upload again: the file's own header and those of
 * its rows the server rejected, as they were written. Rows are found by the server's numbering, which the
 * core's CSV reader (the one the server uses) gives; excel's "CSV UTF-8" byte order mark is kept.
 */
export const rejectedRowsCsv = (original: string, rejectedRows: readonly number[]): string => {
  const table = parseCsvTable(original);
  if (!table) return '';
  const wanted = new Set(rejectedRows);
  const lines = [
    csvLine(table.header),
    ...table.rows.filter(({ row }) => wanted.has(row)).map(({ fields }) => csvLine(fields)),
  ];
  return `\uFEFF${lines.join('\r\n')}\r\n`;
};
