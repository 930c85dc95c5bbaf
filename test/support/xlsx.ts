import writeExcelFile, { type SheetData } from 'write-excel-file/node';

/** An .xlsx workbook written by a real spreadsheet library, as an officer's Excel would save it. */
export const xlsxFile = (rows: SheetData): Promise<Buffer> => writeExcelFile(rows).toBuffer();
