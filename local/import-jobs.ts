import { dynamoDocumentClient, tableName } from '#adapters/clients.js';
import { dynamoImportJobStore } from '#adapters/import-job-store.js';
import { logger } from '#adapters/logger.js';
import { JOB_LEASE_MS } from '#core/import-job.js';
import { everyInterval } from './every-interval.js';
import { invokeLocally, type LambdaHandler } from './invoke.js';

type JobHandler = LambdaHandler<{ audienceId: string; importId: string }, unknown>;

export interface LocalImportJobs {
  stop(): Promise<void>;
}

/**
 * Local stand-in for Lambda's queue of asynchronous invocations of the import-job function: every
 * `intervalMs` it reads the running jobs from the table (durable, so a job whose run a restart cut short
 * is run again, as Lambda retries a crashed invocation) and invokes the same handler Lambda runs, each job
 * once at a time, with the function's 15-minute timeout. A run that throws is retried at the next ticks
 * (Lambda waits a minute or two); the job itself stops once its lease is over.
 */
export const startLocalImportJobs = async (intervalMs = 250): Promise<LocalImportJobs> => {
  const store = dynamoImportJobStore(dynamoDocumentClient(), tableName());
  const { handler } = (await import('#jobs/import-subscribers.js')) as { handler: JobHandler };
  const inFlight = new Map<string, Promise<void>>();

  const run = (audienceId: string, importId: string) => {
    const key = `${audienceId}/${importId}`;
    if (inFlight.has(key)) return;
    const invocation = invokeLocally('importSubscribersJob', handler, { audienceId, importId }, JOB_LEASE_MS)
      .then(() => undefined)
      .catch((error: Error) => logger.error('Import job run failed; will retry', { importId, error }))
      .finally(() => inFlight.delete(key));
    inFlight.set(key, invocation);
  };

  const tick = async () => {
    for (const { audienceId, importId } of await store.running()) run(audienceId, importId);
  };

  const ticker = everyInterval(intervalMs, tick, 'Local import jobs tick failed');

  return {
    async stop() {
      await ticker.stop();
      await Promise.all(inFlight.values());
    },
  };
};
