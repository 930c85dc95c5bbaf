import * as z from 'zod';
import { sendingDeps } from '#adapters/dispatch-deps.js';
import { logger } from '#adapters/logger.js';
import { getCampaign } from '#core/campaign-service.js';
import { materializeCampaign } from '#core/dispatch/materialize.js';
import { lambdaChain } from '#adapters/lambda-chain.js';

const deps = sendingDeps();
const CampaignStarted = z.object({ detail: z.object({ campaignId: z.string().min(1) }) });

/**
 * EventBridge rule on `campaign.started`: writes the campaign's send batches and notifies the queues. A
 * second delivery of the event, or a run the sweep already began, finds the lease taken and leaves it.
 */
export const handler = lambdaChain().handler(async (event: unknown) => {
  const { campaignId } = CampaignStarted.parse(event).detail;
  const result = await materializeCampaign(deps.materialize, await getCampaign(deps.campaigns, campaignId));
  logger.info('Campaign materialisation', { campaignId, ...result });
  return result;
});
