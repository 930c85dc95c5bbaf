/**
 * What the audience page sends for a chosen file: its content type by its name (browsers give `.xlsx`
 * files an empty or a vendor type on some systems), and its size in words. Pure.
 */
export const CSV_TYPE = 'text/csv';
/** The media type the import route takes for Office Open XML workbooks (functions/http/route.ts). */
export const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
export const ACCEPTED_FILES = `.csv,.xlsx,${CSV_TYPE},${XLSX_TYPE}`;

export type ImportFileType = typeof CSV_TYPE | typeof XLSX_TYPE;

/** The content type to send, or undefined for a file the import does not read (an old `.xls`, a PDF). */
export const importFileType = (file: { name: string; type: string }): ImportFileType | undefined => {
  const name = file.name.toLowerCase();
  if (name.endsWith('.xlsx') || file.type === XLSX_TYPE) return XLSX_TYPE;
  if (name.endsWith('.csv') || file.type === CSV_TYPE) return CSV_TYPE;
  return undefined;
};

/** `812 B`, `12 KB`, `3,4 MB` with the page's number format. */
export const fileSizeText = (bytes: number, number: (value: number) => string): string => {
  if (bytes < 1024) return `${number(bytes)} B`;
  if (bytes < 1024 * 1024) return `${number(Math.ceil(bytes / 1024))} KB`;
  return `${number(Math.round((bytes / (1024 * 1024)) * 10) / 10)} MB`;
};

/** The file's name without its extension, to name the download of its rejected rows. */
export const baseName = (name: string): string => name.replace(/\.(csv|xlsx)$/i, '');

/**
 * Files larger than this go through an upload and are imported in the background (issue #17): through
 * API Gateway a request body is at most about 6 MB, and a large file outlasts its 29 s.
 */
export const UPLOAD_FIRST_BYTES = 5 * 1024 * 1024;

/** Whether the file is uploaded first and imported in the background, rather than sent as the body. */
export const importsInBackground = (file: { size: number }): boolean => file.size > UPLOAD_FIRST_BYTES;
