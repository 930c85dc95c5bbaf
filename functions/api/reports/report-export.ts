import { ulid } from 'ulid';
import { readConfig } from '#adapters/config.js';
import { fileStore } from '#adapters/file-deps.js';
import { exportReport } from '#core/report-export.js';
import { phoneFor } from '#core/roles.js';
import { api } from '#http/api.js';
import { routes } from '#api/routes.js';
import { reportDeps } from './deps.js';

const config = readConfig();
const deps = reportDeps(config);
const files = { files: fileStore(config), now: () => new Date(), newId: () => ulid() };

/**
 * report.csv of any size (issue #18): the same rows, written to the file store, answered with an expiring
 * URL to download them from, locally and in AWS alike.
 */
export const handler = api(routes.createReportExport, async ({ params, actor }) => {
  const campaign = await deps.campaign(params.campaignId);
  const showPhone = phoneFor(actor);
  const clicks = await deps.store.clicksOfCampaign(campaign.id);
  const exported = await exportReport(files, campaign.id, (onRows) =>
    deps.csv(campaign.id, showPhone, clicks, onRows),
  );
  return { status: 201, body: exported };
});
