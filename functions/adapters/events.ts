import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { ulid } from 'ulid';
import type { EventPublisher } from '../core/ports.js';
import { logger } from './logger.js';
import { ttlAfter } from './table.js';
import { eventCodec } from './table/records.js';

export const EVENT_SOURCE = 'sms-campaigns';

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

/** Local runtime: no EventBridge, so events are logged and kept a week in the table for inspection. */
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
export const eventBridgeClient = () => (eventBridge ??= new EventBridgeClient({}));
