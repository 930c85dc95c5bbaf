import middy from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import * as z from 'zod';
import { logger } from '#adapters/logger.js';
import { recountDeps } from '#adapters/recount-deps.js';
import { recountCampaign } from '#core/metrics/recount.js';

const deps = recountDeps();
export const RecountEvent = z.object({
  campaignId: z.string().min(1),
  dryRun: z.boolean().default(false),
});

/**
 * Recounts a campaign's metrics from its batch items and repairs drifted shards (core/metrics/recount.ts).
 * Invoked by an operator (`aws lambda invoke --payload '{"campaignId":"…","dryRun":true}'`), e.g. after the
 * aggregator's on-failure queue alarmed: those records never reached the counters.
 */
export const handler = middy()
  .use(injectLambdaContext(logger, { clearState: true }))
  .handler(async (event: unknown) => {
    const { campaignId, dryRun } = RecountEvent.parse(event);
    const outcome = await recountCampaign(deps, campaignId, { dryRun });
    logger.info('Metrics recounted', {
      campaignId,
      dryRun,
      batches: outcome.batches,
      drifted: outcome.shards.filter((s) => s.drift.length).map((s) => s.shard),
      repaired: outcome.shards.filter((s) => s.repaired).map((s) => s.shard),
    });
    return outcome;
  });
