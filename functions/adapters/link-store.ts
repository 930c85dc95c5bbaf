import { conditionalWrite } from './conditional-write.js';
import { GetCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { randomBytes } from 'node:crypto';
import {
  RANDOM_LENGTH,
  aggregateCode,
  linkPrefixFor,
  randomBase62,
  shortCodeMaker,
  type CampaignClickRecord,
  type ClickRecord,
  type LinkDeps,
} from '#core/links.js';
import { cached } from './cache.js';
import { keys } from './table.js';
import { batchCodec } from './table/batch.js';
import { campaignTextsCodec, clickCodec, linkPrefixCodec } from './table/links.js';

/** 238,328 prefixes exist; a campaign that meets this many taken ones in a row is out of luck. */
const MAX_PREFIX_ATTEMPTS = 64;

export interface LinkStore extends Omit<LinkDeps, 'now'> {
  /** The code maker of a campaign (MaterializeDeps.shortCodes). */
  shortCodes(campaignId: string): Promise<(seq: number) => string>;
  /** The campaign's one aggregate code, made on the first call and the same on every later one. */
  aggregateCode(campaignId: string): Promise<string>;
}

export const dynamoLinkStore = (client: DynamoDBDocumentClient, table: string): LinkStore => {
  /** Reserves the campaign's short-link prefix (or finds the one it reserved before). */
  const reservePrefix = async (campaignId: string): Promise<string> => {
    for (let attempt = 0; attempt < MAX_PREFIX_ATTEMPTS; attempt++) {
      const prefix = linkPrefixFor(campaignId, attempt);
      // An update, not a put: a campaign's second reservation keeps its aggregate code.
      const reserved = await conditionalWrite(
        client.send(
          new UpdateCommand({
            TableName: table,
            Key: linkPrefixCodec.key(prefix),
            UpdateExpression: 'SET entity = :entity, campaignId = :campaignId',
            ConditionExpression: 'attribute_not_exists(pk) OR campaignId = :campaignId',
            ExpressionAttributeValues: { ':campaignId': campaignId, ':entity': linkPrefixCodec.entity },
          }),
        ),
      );
      if (reserved) return prefix;
    }
    throw new Error(`No free short-link prefix for campaign ${campaignId}`);
  };

  // A prefix never changes owner; a campaign's message cannot change once it sends.
  const campaignOfPrefix = cached(10 * 60_000, async (prefix: string) => {
    const { Item } = await client.send(
      new GetCommand({
        TableName: table,
        Key: linkPrefixCodec.key(prefix),
        ProjectionExpression: 'campaignId, aggregateCode',
      }),
    );
    return Item ? linkPrefixCodec.ownerOf(Item) : undefined;
  });

  const campaignContent = cached(60_000, async (campaignId: string) => {
    const { Item } = await client.send(
      new GetCommand({
        TableName: table,
        Key: keys.campaign(campaignId),
        ProjectionExpression: '#message, variants, treatments',
        ExpressionAttributeNames: { '#message': 'message' },
      }),
    );
    return Item ? campaignTextsCodec.contentFromItem(Item) : undefined;
  });

  /** Adds one click to the code's item (made on the first), stamping its first and last click and `attributes`. */
  const countClick = async (code: string, attributes: Record<string, unknown>, at: Date): Promise<void> => {
    const set = Object.entries(attributes);
    await client.send(
      new UpdateCommand({
        TableName: table,
        Key: clickCodec.key(code),
        UpdateExpression:
          'ADD #clicks :one SET #lastAt = :now, #firstAt = if_not_exists(#firstAt, :now), ' +
          set.map((_, n) => `#a${n} = :a${n}`).join(', '),
        ExpressionAttributeNames: {
          '#clicks': 'clicks',
          '#lastAt': 'lastAt',
          '#firstAt': 'firstAt',
          ...Object.fromEntries(set.map(([name], n) => [`#a${n}`, name])),
        },
        ExpressionAttributeValues: {
          ':one': 1,
          ':now': at.toISOString(),
          ...Object.fromEntries(set.map(([, value], n) => [`:a${n}`, value])),
        },
      }),
    );
  };

  return {
    async shortCodes(campaignId) {
      const prefix = await reservePrefix(campaignId);
      return shortCodeMaker(prefix, () => randomBase62(RANDOM_LENGTH, randomBytes));
    },
    async aggregateCode(campaignId) {
      const prefix = await reservePrefix(campaignId);
      // if_not_exists: a restarted materialisation finds the code the first one made.
      const { Attributes } = await client.send(
        new UpdateCommand({
          TableName: table,
          Key: linkPrefixCodec.key(prefix),
          UpdateExpression: 'SET aggregateCode = if_not_exists(aggregateCode, :code)',
          ConditionExpression: 'campaignId = :campaignId',
          ExpressionAttributeValues: {
            ':code': aggregateCode(prefix, randomBase62(RANDOM_LENGTH, randomBytes)),
            ':campaignId': campaignId,
          },
          ReturnValues: 'ALL_NEW',
        }),
      );
      const owner = Attributes && linkPrefixCodec.ownerOf(Attributes);
      if (!owner?.aggregateCode) throw new Error(`No aggregate link code for campaign ${campaignId}`);
      return owner.aggregateCode;
    },
    campaignOfPrefix,
    campaignContent,
    async batch(campaignId, seq) {
      const { Item } = await client.send(
        new GetCommand({
          TableName: table,
          Key: batchCodec.key({ campaignId, seq }),
          ProjectionExpression: 'messages, treatment, #test',
          ExpressionAttributeNames: { '#test': 'test' },
        }),
      );
      return Item ? batchCodec.messagesFromItem(Item) : undefined;
    },
    async recordClick(click: ClickRecord, at: Date) {
      // Listed under its campaign, so a report reads the clicked links only (one Query), not every code.
      await countClick(click.code, clickCodec.attributesOf(click, at), at);
    },
    async recordCampaignClick(click: CampaignClickRecord, at: Date) {
      // One item for the whole campaign: about 1,000 clicks a second at most (DynamoDB's per-item rate).
      await countClick(click.code, clickCodec.campaignAttributesOf(click), at);
    },
  };
};
