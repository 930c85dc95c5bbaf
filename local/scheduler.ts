import { localStandInClient, tableName } from '#adapters/clients.js';
import { logger } from '#adapters/logger.js';
import { dynamoLocalScheduler } from '#adapters/scheduler.js';
import { everyInterval } from './every-interval.js';
import { invokeLocally, type LambdaHandler } from './invoke.js';

type StartHandler = LambdaHandler<{ campaignId: string }, unknown>;

/**
 * Local stand-in for EventBridge Scheduler: every `intervalMs` it reads the due schedules from the table
 * (durable, so a restart misses nothing) and invokes the same start-campaign handler Lambda runs.
 */
export const startLocalScheduler = async (intervalMs = 500): Promise<{ stop(): Promise<void> }> => {
  const queue = dynamoLocalScheduler(localStandInClient(), tableName());
  const { handler } = (await import('#scheduled/start-campaign.js')) as { handler: StartHandler };

  const tick = async () => {
    for (const { campaignId, dueAt } of await queue.due(new Date())) {
      try {
        await invokeLocally('startCampaign', handler, { campaignId });
        await queue.done(campaignId, dueAt);
      } catch (error) {
        logger.error('Scheduled start failed; will retry', { campaignId, error: error as Error });
      }
    }
  };

  return everyInterval(intervalMs, tick, 'Local scheduler tick failed');
};
