import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { DynamoDBRecord } from 'aws-lambda';
import type { Change } from '#core/metrics/changes.js';
import { batchCodec, progressCodec } from './table/batch.js';
import { entityOf, StoredItemError, type Item } from './table/codec.js';
import { clickCodec, inboundCodec } from './table/records.js';

/**
 * The stream decoder: a DynamoDB stream record of an entity that counts, as the typed change the metrics
 * aggregator takes, its images read by the entity's codec. Records of other entities (our own counter items
 * come back through the stream too) give undefined, unread.
 */

/** The entities whose changes move the metrics; the stream filter (lib/metrics-aggregation.ts) lets only these through. */
export const METRIC_ENTITIES = [
  batchCodec.entity,
  progressCodec.entity,
  clickCodec.entity,
  inboundCodec.entity,
] as const;

type Image = NonNullable<NonNullable<DynamoDBRecord['dynamodb']>['NewImage']>;
const toItem = (image: Image | undefined): Item | undefined =>
  image ? unmarshall(image as Record<string, AttributeValue>) : undefined;

/** Both images read by one codec: `undefined` stays undefined. */
const images = <T>(fromItem: (item: Item) => T, before: Item | undefined, after: Item | undefined) => ({
  ...(before ? { before: fromItem(before) } : {}),
  ...(after ? { after: fromItem(after) } : {}),
});

export const changeOf = (record: DynamoDBRecord): Change | undefined => {
  if (!record.eventID || !record.eventName) return undefined;
  const entity = (record.dynamodb?.NewImage ?? record.dynamodb?.OldImage)?.entity?.S;
  if (!METRIC_ENTITIES.some((name) => name === entity)) return undefined;
  const before = toItem(record.dynamodb?.OldImage);
  const after = toItem(record.dynamodb?.NewImage);
  return decodeChange(record.eventID, record.eventName, before, after);
};

/** The typed change of an item's two images (the entity named by the newer one), or undefined if none counts. */
export const decodeChange = (
  id: string,
  event: Change['event'],
  before: Item | undefined,
  after: Item | undefined,
): Change | undefined => {
  const item = after ?? before;
  const common = { id, event };
  switch (entityOf(item)) {
    case batchCodec.entity:
      return { ...common, kind: 'batch', ...images(batchCodec.fromItem, before, after) };
    case progressCodec.entity: {
      const campaignId = item && progressCodec.campaignIdOf(item);
      if (!campaignId)
        throw new StoredItemError(progressCodec.entity, { pk: item?.pk }, 'no campaign in its key');
      return { ...common, kind: 'progress', campaignId, ...images(progressCodec.fromItem, before, after) };
    }
    case clickCodec.entity:
      return { ...common, kind: 'click', ...images(clickCodec.fromItem, before, after) };
    case inboundCodec.entity:
      return { ...common, kind: 'inbound', ...images(inboundCodec.fromItem, before, after) };
    default:
      return undefined;
  }
};
