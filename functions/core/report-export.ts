import * as z from 'zod';
import { FILE_URL_SECONDS, fileKey, type FileStore } from './files.js';
import type { Clock, Ids } from './clock.js';

/** What `POST /v1/campaigns/{id}/report-exports` answers: where to download the report from, until when. */
export const ReportExportView = z
  .object({
    exportId: z.string().meta({ description: 'Chosen by the server (a ULID)' }),
    url: z.url().meta({
      description:
        'GET it, without a bearer token, to download the CSV (`Content-Disposition: attachment`); it stops working at `expiresAt`',
    }),
    expiresAt: z.iso.datetime().meta({ description: 'When the URL stops working (15 minutes)' }),
    filename: z.string().meta({ description: 'The name the download is saved under' }),
    rows: z.int().meta({ description: 'Rows of the report: one per targeted recipient' }),
    bytes: z.int().meta({ description: 'Size of the CSV file' }),
  })
  .meta({ id: 'ReportExport' });
export type ReportExportView = z.infer<typeof ReportExportView>;

export interface ReportExportDeps extends Clock, Ids {
  files: FileStore;
}

export const REPORT_CONTENT_TYPE = 'text/csv; charset=utf-8';

/** The file name report.csv is downloaded under, so both ways give the same name. */
export const reportFilename = (campaignId: string): string => `campaign-${campaignId}.csv`;

/**
 * A campaign's report written whole to the file store, with a URL to download it from: `csvOf` yields the
 * report (reportCsv) and tells the row count of each chunk. Each export is a file of its own, so a
 * planner's (masked phones) is never an officer's.
 */
export const exportReport = async (
  deps: ReportExportDeps,
  campaignId: string,
  csvOf: (onRows: (rows: number) => void) => AsyncIterable<string>,
): Promise<ReportExportView> => {
  let rows = 0;
  let text = '';
  for await (const chunk of csvOf((count) => (rows += count))) text += chunk;
  const bytes = new TextEncoder().encode(text);
  const exportId = deps.newId();
  const key = fileKey('exports', campaignId, `${exportId}.csv`);
  const filename = reportFilename(campaignId);
  await deps.files.put(key, bytes, REPORT_CONTENT_TYPE);
  const expiresAt = new Date(deps.now().getTime() + FILE_URL_SECONDS * 1000);
  const url = await deps.files.downloadUrl(key, {
    filename,
    contentType: REPORT_CONTENT_TYPE,
    expiresInSeconds: FILE_URL_SECONDS,
  });
  return { exportId, url, expiresAt: expiresAt.toISOString(), filename, rows, bytes: bytes.length };
};
