import type { SQSEvent, SQSRecord } from 'aws-lambda';
import { logger } from '#adapters/logger.js';
import { sendingDeps } from '#adapters/dispatch-deps.js';
import { batchSizeFor } from '#core/dispatch/batch.js';
import type { BatchRef } from '#core/dispatch/ports.js';
import type { Partner } from '#core/partner.js';
import { CONSUMER_TIMEOUT_SECONDS } from '#queue/limits.js';
import { startLocalEventBus } from './event-bus.js';
import { invokeLocally, type LambdaHandler } from './invoke.js';

export type ConsumerHandler = LambdaHandler<SQSEvent, unknown>;
type SweepHandler = LambdaHandler<unknown, unknown>;

/** The SQS record the consumer Lambda would get for a batch notice (raw SNS delivery). */
const sqsEvent = (ref: BatchRef, partnerId: string): SQSEvent => ({
  Records: [
    {
      messageId: `${partnerId}-${ref.campaignId}-${ref.seq}`,
      receiptHandle: `${partnerId}-${ref.campaignId}-${ref.seq}`,
      body: JSON.stringify(ref),
      attributes: {
        ApproximateReceiveCount: '1',
        SentTimestamp: String(Date.now()),
        SenderId: 'local',
        ApproximateFirstReceiveTimestamp: String(Date.now()),
      },
      messageAttributes: {},
      md5OfBody: '',
      eventSource: 'aws:sqs',
      eventSourceARN: `arn:aws:sqs:local:000000000000:batches-${partnerId}`,
      awsRegion: 'local',
    } satisfies SQSRecord,
  ],
});

/** The longest a Node timer waits (about 24.8 days): a local consumer's deadline, which middy never meets. */
const NO_DEADLINE_MS = 2 ** 31 - 1;

/**
 * Invokes the consumer for one batch notice and answers once its work has ended. Given its Lambda timeout
 * as its deadline, middy answers then while the handler goes on (Lambda would stop it, nothing does here):
 * the consumer's slot was taken by another while it still held its batch, so under load more consumers ran
 * than the slots allow. So it runs to its end, and only a run past its timeout is logged.
 */
export const consumeNotice = async (
  consumer: ConsumerHandler,
  ref: BatchRef,
  partnerId: string,
  timeoutMs = CONSUMER_TIMEOUT_SECONDS * 1000,
): Promise<void> => {
  const overdue = setTimeout(
    () =>
      logger.error('Dispatch ran past the consumer’s timeout; its slot stays taken until it ends', { ref }),
    timeoutMs,
  );
  try {
    await invokeLocally('dispatchConsumer', consumer, sqsEvent(ref, partnerId), NO_DEADLINE_MS);
  } catch (error) {
    logger.error('Dispatch failed; the batch returns to the queue when its lease ends', {
      ref,
      error: error as Error,
    });
  } finally {
    clearTimeout(overdue);
  }
};

/** Least batches handed over at once per partner, unless `LocalDispatcherOptions.concurrency` says more. */
export const DEFAULT_CONCURRENCY = 4;

/** Enough consumers to fill a partner's second twice over: two batches in flight per batch it admits. */
export const consumerSlots = (
  partner: Pick<Partner, 'tps' | 'maxBatchSize'>,
  concurrency = DEFAULT_CONCURRENCY,
): number =>
  Math.min(
    32,
    Math.max(concurrency, 2 * Math.ceil(partner.tps / batchSizeFor(partner.tps, partner.maxBatchSize))),
  );

export interface LocalDispatcherOptions {
  /** Least batches handed over at once per partner (the Lambda consumers' concurrency in AWS). */
  concurrency?: number;
  pollMs?: number;
  /** Where the event bus keeps its position in the table's stream across restarts; in memory without one. */
  eventBusCheckpointFile?: string;
  tableName?: string;
}

/**
 * The async path as in AWS, with local stand-ins: the event bus hands `campaign.started` to the
 * materialiser's handler (EventBridge's rule); each partner's queue is its due batches in the table (SNS →
 * SQS; durable: a kill loses nothing, a restart picks up where it stopped), worked by consumers that invoke
 * the SQS consumer Lambda's handler; the sweep Lambda's handler, as in AWS, only finishes materialisations
 * a crash cut short (or whose event was lost) and completes sending campaigns.
 */
export const startLocalDispatcher = async ({
  concurrency = DEFAULT_CONCURRENCY,
  pollMs = 100,
  eventBusCheckpointFile,
  tableName,
}: LocalDispatcherOptions = {}) => {
  const events = await startLocalEventBus({
    ...(tableName ? { tableName } : {}),
    ...(eventBusCheckpointFile ? { checkpointFile: eventBusCheckpointFile } : {}),
  });
  const deps = sendingDeps();
  // The Lambda handlers themselves, loaded after the runtime has pointed the environment at DynamoDB Local.
  const consumer = ((await import('#queue/dispatch-consumer.js')) as { handler: ConsumerHandler }).handler;
  const sweep = ((await import('#scheduled/sweep.js')) as { handler: SweepHandler }).handler;
  const inFlight = new Set<string>();
  let stopped = false;
  const loops: Promise<void>[] = [];

  const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms));
  const refKey = (ref: BatchRef) => `${ref.campaignId}.${ref.seq}`;

  const slotsPerPartner = async () => {
    const partners = await deps.campaigns.partners();
    return partners.filter((p) => p.enabled).map((p) => ({ id: p.id, slots: consumerSlots(p, concurrency) }));
  };

  const pollLoop = async () => {
    while (!stopped) {
      try {
        for (const { id: partnerId, slots } of await slotsPerPartner()) {
          const busy = () => [...inFlight].filter((key) => key.startsWith(`${partnerId}|`)).length;
          if (busy() >= slots) continue;
          for (const ref of await deps.batches.due(partnerId, new Date(), (slots - busy()) * 2)) {
            const key = `${partnerId}|${refKey(ref)}`;
            if (inFlight.has(key) || busy() >= slots) continue;
            inFlight.add(key);
            void consumeNotice(consumer, ref, partnerId).finally(() => inFlight.delete(key));
          }
        }
      } catch (error) {
        logger.error('Dispatch poll failed', error as Error);
      }
      await sleep(pollMs);
    }
  };

  const sweepLoop = async () => {
    while (!stopped) {
      await invokeLocally('sweep', sweep, {}).catch((error: Error) => logger.error('Sweep failed', error));
      await sleep(500);
    }
  };

  loops.push(pollLoop(), sweepLoop());
  return {
    async stop() {
      stopped = true;
      await events.stop();
      await Promise.all(loops);
      while (inFlight.size) await sleep(50);
    },
  };
};
