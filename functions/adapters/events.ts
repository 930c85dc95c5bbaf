import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { ulid } from 'ulid';
import type { EventPublisher } from '#core/ports.js';
import { logger } from './logger.js';
import { ttlAfter } from './table.js';
import { eventCodec } from './table/records.js';
import { traced } from './tracer.js';

export const EVENT_SOURCE = 'sms-campaigns';
export const CAMPAIGN_STARTED = 'campaign.started';

/** Which events an EventBridge rule hands to its target (the fields of a pattern we use). */
export interface EventPattern {
  source: string[];
  detailType: string[];
}

/** The events that start a campaign's materialisation: the same rule in AWS and on the local bus. */
export const CAMPAIGN_STARTED_PATTERN: EventPattern = {
  source: [EVENT_SOURCE],
  detailType: [CAMPAIGN_STARTED],
};

/** Lifecycle events on the EventBridge bus (`EVENT_BUS_NAME`), detail-type = the event type. */
export const eventBridgePublisher = (client: EventBridgeClient, busName: string): EventPublisher => ({
  async publish(event) {
    const result = await client.send(
      new PutEventsCommand({
        Entries: [
          {
            EventBusName: busName,
            Source: EVENT_SOURCE,
            DetailType: event.type,
            Time: new Date(event.at),
            Detail: JSON.stringify(event.detail),
          },
        ],
      }),
    );
    if (result.FailedEntryCount)
      throw new Error(`EventBridge refused ${event.type}: ${result.Entries?.[0]?.ErrorMessage}`);
  },
});

/**
 * Local runtime: no EventBridge, so events are logged and kept a week in the table, whose stream the
 * local event bus (local/event-bus.ts) reads to hand them to their rules' targets.
 */
export const localEventPublisher = (client: DynamoDBDocumentClient, table: string): EventPublisher => ({
  async publish(event) {
    const id = ulid();
    logger.info('event', { type: event.type, ...event.detail });
    await client.send(
      new PutCommand({
        TableName: table,
        Item: eventCodec.toItem(id, event, ttlAfter(new Date(), 7 * 24 * 3600)),
      }),
    );
  },
});

let eventBridge: EventBridgeClient | undefined;
export const eventBridgeClient = () => (eventBridge ??= traced(new EventBridgeClient({})));
