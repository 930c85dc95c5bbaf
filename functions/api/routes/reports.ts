import { ReportExportView } from '#core/report-export.js';
import { MessageRowView, MessagesQuery } from '#core/reports.js';
import { ErrorBody } from '#http/schemas.js';
import { linkRoutes } from './links.js';
import { campaignNotFound, campaignParams } from './params.js';
import { listRoute, readRoute, userRoute } from './shapes.js';

/** Routes of this area (issue #6); see routes.ts. The short link is in links.ts: its Lambda imports only it. */
export const reportRoutes = {
  ...linkRoutes,
  listCampaignMessages: listRoute({
    id: 'listCampaignMessages',
    path: '/v1/campaigns/{campaignId}/messages',
    entry: 'functions/api/reports/messages.ts',
    summary: 'Every recipient’s message of a campaign, in sending order, optionally of one status',
    tag: 'Reports',
    auth: 'read',
    params: campaignParams,
    query: MessagesQuery,
    item: MessageRowView,
    pageDescription: 'A page of messages (phones masked for planners)',
    responses: campaignNotFound,
  }),
  campaignReportCsv: readRoute({
    id: 'campaignReportCsv',
    path: '/v1/campaigns/{campaignId}/report.csv',
    entry: 'functions/api/reports/report-csv.ts',
    summary: 'One CSV row per recipient (UTF-8 with BOM; phones masked for planners)',
    tag: 'Reports',
    // Reads every batch of the campaign.
    lambda: { memoryMb: 1024, timeoutSeconds: 29 },
    auth: 'read',
    indexes: ['lists'],
    params: campaignParams,
    responses: {
      200: { description: 'The report', contentType: 'text/csv; charset=utf-8' },
      ...campaignNotFound,
      413: {
        description:
          'In AWS, a report over the 6 MB answer limit (about 40,000 rows): export it instead (`POST .../report-exports`)',
        schema: ErrorBody,
      },
    },
  }),
  createReportExport: userRoute({
    id: 'createReportExport',
    method: 'POST',
    path: '/v1/campaigns/{campaignId}/report-exports',
    entry: 'functions/api/reports/report-export.ts',
    summary: 'Export report.csv to a file, whatever its size, and answer an expiring URL to download it',
    description: [
      'The same rows as `GET .../report.csv` (phones masked for planners), written to a file of its own that ' +
        'is kept for a day (S3, encrypted with the stack’s key), and a pre-signed URL that downloads it for 15 ' +
        'minutes without a bearer token (`Content-Disposition: attachment`). No body.',
      'It runs within the request, so its size is bounded only by what one Lambda reads in 29 seconds, not by ' +
        'the 6 MB answer limit. Each call makes a new file: ask again for a fresh URL.',
    ].join('\n\n'),
    tag: 'Reports',
    auth: 'read',
    indexes: ['lists'],
    table: 'read',
    files: { prefix: 'exports', actions: ['read', 'write'] },
    lambda: { memoryMb: 1769, timeoutSeconds: 29 },
    params: campaignParams,
    responses: {
      201: { description: 'Where to download the report from, until when', schema: ReportExportView },
      ...campaignNotFound,
    },
  }),
};
