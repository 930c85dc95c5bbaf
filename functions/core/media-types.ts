/** An Excel workbook (Office Open XML), as browsers and Excel name a `.xlsx` file. */
export const XLSX_MEDIA_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

/** What an import reads: a JSON body, a CSV file or an .xlsx workbook, sent inline or uploaded. */
export const IMPORT_MEDIA_TYPES = ['application/json', 'text/csv', XLSX_MEDIA_TYPE] as const;
export type ImportMediaType = (typeof IMPORT_MEDIA_TYPES)[number];
