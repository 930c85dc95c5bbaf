import middy from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { z } from 'zod';
import { sendingDeps } from '../adapters/dispatch-deps.js';
import { logger } from '../adapters/logger.js';
import { getCampaign } from '../core/campaign-service.js';
import { materializeCampaign } from '../core/dispatch/materialize.js';

const deps = sendingDeps();
const CampaignStarted = z.object({ detail: z.object({ campaignId: z.string().min(1) }) });

/** EventBridge rule on `campaign.started`: writes the campaign's send batches and notifies the queues. */
export const handler = middy()
  .use(injectLambdaContext(logger, { clearState: true }))
  .handler(async (event: unknown) => {
    const { campaignId } = CampaignStarted.parse(event).detail;
    const progress = await materializeCampaign(
      deps.materialize,
      await getCampaign(deps.campaigns, campaignId),
    );
    logger.info('Campaign materialised', { campaignId, ...progress });
    return progress;
  });
