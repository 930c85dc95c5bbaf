import { MessageRowView, MessagesQuery } from '#core/reports.js';
import { linkRoutes } from './links.js';
import { campaignNotFound, campaignParams } from './params.js';
import { listRoute, readRoute } from './shapes.js';

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
    params: campaignParams,
    responses: {
      200: { description: 'The report', contentType: 'text/csv; charset=utf-8' },
      ...campaignNotFound,
    },
  }),
};
