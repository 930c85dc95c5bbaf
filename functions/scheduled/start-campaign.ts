import * as z from 'zod';
import { campaignDeps } from '#adapters/campaign-deps.js';
import { logger } from '#adapters/logger.js';
import { startCampaign } from '#core/campaign-service.js';
import { lambdaChain } from '#adapters/lambda-chain.js';

const deps = campaignDeps();
const StartEvent = z.object({ campaignId: z.string().min(1) });

/** Target of the campaign's one-time schedule (EventBridge Scheduler, or the local scheduler). */
export const handler = lambdaChain().handler(async (event: unknown) => {
  const { campaignId } = StartEvent.parse(event);
  const campaign = await startCampaign(deps, campaignId);
  logger.info('Schedule fired', { campaignId, status: campaign.status });
  return { campaignId, status: campaign.status };
});
