import { reportFilename } from '#core/report-export.js';
import { phoneFor } from '#core/roles.js';
import { api, type ApiResponse } from '#http/api.js';
import { routes } from '#api/routes.js';
import { reportDeps } from './deps.js';

const deps = reportDeps();

/**
 * report.csv (contract §7), produced page by page of batches. The local server streams it; in Lambda behind
 * API Gateway's HTTP API it is joined first, so it must fit the 6 MB answer limit (about 40,000 rows; a
 * larger campaign gets a 413 that points to its export, `POST .../report-exports`, which has no limit).
 */
export const handler = api(routes.campaignReportCsv, async ({ params, actor }) => {
  const campaign = await deps.campaign(params.campaignId);
  const showPhone = phoneFor(actor);
  const clicks = await deps.store.clicksOfCampaign(campaign.id);
  const response: ApiResponse = {
    status: 200,
    tooLargeHint: `this campaign's report is too large to download here; export it with POST /v1/campaigns/${campaign.id}/report-exports and download the file from the URL it answers`,
    contentType: 'text/csv; charset=utf-8',
    headers: {
      'content-disposition': `attachment; filename="${reportFilename(campaign.id)}"`,
      'cache-control': 'no-store',
    },
    stream: deps.csv(campaign.id, showPhone, clicks),
  };
  return response;
});
