import { sendingDeps } from '#adapters/dispatch-deps.js';
import { logger } from '#adapters/logger.js';
import { sweepSendingCampaigns } from '#core/dispatch/sweep.js';
import { lambdaChain } from '#adapters/lambda-chain.js';

const deps = sendingDeps();

/**
 * Every minute: finishes any materialisation a crash cut short, completes campaigns whose batches have
 * all settled, and re-notifies batches that are due again (retries and sending windows wait in the table,
 * not in SQS, whose delays are too short for a window that reopens tomorrow).
 */
export const handler = lambdaChain().handler(async () => {
  await sweepSendingCampaigns(deps);
  const partners = await deps.campaigns.partners();
  let renotified = 0;
  for (const partner of partners.filter((p) => p.enabled)) {
    const due = await deps.batches.due(partner.id, new Date(), 500);
    await deps.dispatch.queue.enqueue(due.map((ref) => ({ ...ref, partnerId: partner.id })));
    renotified += due.length;
  }
  logger.debug('Sweep done', { renotified });
  return { renotified };
});
