import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import type { DynamoDBRecord, DynamoDBStreamEvent, EventBridgeEvent } from 'aws-lambda';
import { setTimeout as sleep } from 'node:timers/promises';
import { CAMPAIGN_STARTED_PATTERN, EVENT_SOURCE, type EventPattern } from '#adapters/events.js';
import { logger } from '#adapters/logger.js';
import { StoredItemError } from '#adapters/table/codec.js';
import { eventCodec } from '#adapters/table/records.js';
import { MATERIALIZE_TIMEOUT_SECONDS } from '#events/limits.js';
import { invokeLocally, type LambdaHandler } from './invoke.js';
import { startLocalStreams, type LocalStreams } from './streams.js';

export type BusEvent = EventBridgeEvent<string, Record<string, unknown>>;
export type EventTarget = LambdaHandler<BusEvent, unknown>;

/** An EventBridge rule as the local bus applies it: a pattern and the Lambda it invokes. */
export interface LocalRule {
  /** The target Lambda's name, as it is invoked (and logged). */
  functionName: string;
  pattern: EventPattern;
  target: EventTarget;
  /** The target's deadline, its Lambda's timeout (by default a local invocation's). */
  timeoutMs?: number;
}

export interface LocalEventBusOptions {
  tableName?: string;
  pollMs?: number;
  /** By default the stack's rules: `campaign.started` → the materialiser's handler. */
  rules?: LocalRule[];
  /** Deliveries of one event to one target before it is given up (EventBridge retries, then a DLQ). */
  attempts?: number;
  /** Where the bus keeps its position in the stream across restarts; in memory without one. */
  checkpointFile?: string;
}

/** The event as EventBridge hands it to a rule's target. */
const toBusEvent = (record: ReturnType<typeof eventCodec.fromItem>): BusEvent => ({
  version: '0',
  id: record.id,
  'detail-type': record.type,
  source: EVENT_SOURCE,
  account: '000000000000',
  time: record.at,
  region: 'local',
  resources: [],
  detail: record.detail,
});

const matches = (pattern: EventPattern, event: BusEvent) =>
  pattern.source.includes(event.source) && pattern.detailType.includes(event['detail-type']);

/** A new event record in a stream record, or undefined for every other change of the table. */
const publishedEvent = (record: DynamoDBRecord): BusEvent | undefined => {
  const image = record.dynamodb?.NewImage;
  // The entity read off the raw image: no other item of the table (a batch holds 1,000 messages) is unmarshalled.
  if (record.eventName !== 'INSERT' || image?.entity?.S !== eventCodec.entity) return undefined;
  try {
    return toBusEvent(eventCodec.fromItem(unmarshall(image as Record<string, AttributeValue>)));
  } catch (error) {
    if (!(error instanceof StoredItemError)) throw error;
    logger.error('Unreadable event record: not delivered', { keys: record.dynamodb?.Keys, error });
    return undefined;
  }
};

export const defaultRules = async (): Promise<LocalRule[]> => {
  // Loaded here, after the runtime has pointed the environment at DynamoDB Local.
  const { handler } = (await import('#events/materialize-campaign.js')) as {
    handler: EventTarget;
  };
  return [
    {
      functionName: 'materializeCampaign',
      pattern: CAMPAIGN_STARTED_PATTERN,
      target: handler,
      timeoutMs: MATERIALIZE_TIMEOUT_SECONDS * 1000,
    },
  ];
};

/**
 * Local stand-in for the EventBridge bus and its rules: reads the events the local publisher recorded
 * (from the table's stream, so a restart with a checkpoint misses none) and invokes each matching rule's
 * target with the event EventBridge would hand it. Like EventBridge, a target that keeps failing is given
 * up after a few attempts (logged, as a dead letter) and holds up no other event; the sweep finishes any
 * materialisation left undone, in AWS as here.
 */
export const startLocalEventBus = async (options: LocalEventBusOptions = {}): Promise<LocalStreams> => {
  const rules = options.rules ?? (await defaultRules());
  const attempts = options.attempts ?? 3;

  const deliver = async (rule: LocalRule, event: BusEvent) => {
    for (let attempt = 1; ; attempt++) {
      try {
        await invokeLocally(rule.functionName, rule.target, event, rule.timeoutMs);
        return;
      } catch (error) {
        const context = { target: rule.functionName, type: event['detail-type'], id: event.id, attempt };
        if (attempt >= attempts) {
          logger.error('Event not delivered: given up (dead letter)', { ...context, error: error as Error });
          return;
        }
        logger.warn('Event delivery failed; retrying', { ...context, error: error as Error });
        await sleep(100 * 2 ** attempt);
      }
    }
  };

  const handler = async (stream: DynamoDBStreamEvent) => {
    for (const record of stream.Records) {
      const event = publishedEvent(record);
      if (!event) continue;
      await Promise.all(
        rules.filter((rule) => matches(rule.pattern, event)).map((rule) => deliver(rule, event)),
      );
    }
  };

  return startLocalStreams({
    handler,
    functionName: 'eventBus',
    ...(options.tableName ? { tableName: options.tableName } : {}),
    ...(options.pollMs ? { pollMs: options.pollMs } : {}),
    ...(options.checkpointFile ? { checkpointFile: options.checkpointFile } : {}),
  });
};
