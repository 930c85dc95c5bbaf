import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { GetCommand, PutCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { randomBytes } from 'node:crypto';
import type { BatchMessage } from '../core/dispatch/batch.js';
import {
  RANDOM_LENGTH,
  linkPrefixFor,
  randomBase62,
  shortCodeMaker,
  type ClickRecord,
  type LinkDeps,
} from '../core/links.js';
import { cached } from './cache.js';
import { keys } from './table.js';

/** 238,328 prefixes exist; a campaign that meets this many taken ones in a row is out of luck. */
const MAX_PREFIX_ATTEMPTS = 64;

export interface LinkStore extends Omit<LinkDeps, 'now'> {
  /** The code maker of a campaign (MaterializeDeps.shortCodes). */
  shortCodes(campaignId: string): Promise<(seq: number) => string>;
}

export const dynamoLinkStore = (client: DynamoDBDocumentClient, table: string): LinkStore => {
  /** Reserves the campaign's short-link prefix (or finds the one it reserved before). */
  const reservePrefix = async (campaignId: string): Promise<string> => {
    for (let attempt = 0; attempt < MAX_PREFIX_ATTEMPTS; attempt++) {
      const prefix = linkPrefixFor(campaignId, attempt);
      try {
        await client.send(
          new PutCommand({
            TableName: table,
            Item: { ...keys.linkPrefix(prefix), entity: 'LinkPrefix', campaignId },
            ConditionExpression: 'attribute_not_exists(pk) OR campaignId = :campaignId',
            ExpressionAttributeValues: { ':campaignId': campaignId },
          }),
        );
        return prefix;
      } catch (error) {
        if (!(error instanceof ConditionalCheckFailedException)) throw error;
      }
    }
    throw new Error(`No free short-link prefix for campaign ${campaignId}`);
  };

  // A prefix never changes owner; a campaign's message cannot change once it sends.
  const campaignOfPrefix = cached(10 * 60_000, async (prefix: string) => {
    const { Item } = await client.send(
      new GetCommand({ TableName: table, Key: keys.linkPrefix(prefix), ProjectionExpression: 'campaignId' }),
    );
    return typeof Item?.campaignId === 'string' ? Item.campaignId : undefined;
  });

  const campaignMessage = cached(60_000, async (campaignId: string) => {
    const { Item } = await client.send(
      new GetCommand({
        TableName: table,
        Key: keys.campaign(campaignId),
        ProjectionExpression: '#message',
        ExpressionAttributeNames: { '#message': 'message' },
      }),
    );
    return typeof Item?.message === 'string' ? Item.message : undefined;
  });

  return {
    async shortCodes(campaignId) {
      const prefix = await reservePrefix(campaignId);
      return shortCodeMaker(prefix, () => randomBase62(RANDOM_LENGTH, randomBytes));
    },
    campaignOfPrefix,
    campaignMessage,
    async batch(campaignId, seq) {
      const { Item } = await client.send(
        new GetCommand({
          TableName: table,
          Key: keys.batch(campaignId, seq),
          ProjectionExpression: 'messages, #test',
          ExpressionAttributeNames: { '#test': 'test' },
        }),
      );
      if (!Item) return undefined;
      return { messages: (Item.messages ?? []) as BatchMessage[], test: Item.test === true };
    },
    async recordClick(click: ClickRecord, at: Date) {
      // Listed under its campaign, so a report reads the clicked links only (one Query), not every code.
      const list = keys.clickList(click.campaignId, click.code);
      await client.send(
        new UpdateCommand({
          TableName: table,
          Key: keys.click(click.code),
          UpdateExpression:
            'ADD #clicks :one SET #lastAt = :now, #firstAt = if_not_exists(#firstAt, :now), #entity = :entity, ' +
            '#campaignId = :campaignId, #seq = :seq, #i = :i, #carrier = :carrier, #listPk = :listPk, ' +
            '#listSk = :listSk' +
            (click.province ? ', #province = :province' : '') +
            (click.test ? ', #test = :test' : ''),
          ExpressionAttributeNames: {
            '#clicks': 'clicks',
            '#lastAt': 'lastAt',
            '#firstAt': 'firstAt',
            '#entity': 'entity',
            '#campaignId': 'campaignId',
            '#seq': 'seq',
            '#i': 'i',
            '#carrier': 'carrier',
            '#listPk': 'listPk',
            '#listSk': 'listSk',
            ...(click.province ? { '#province': 'province' } : {}),
            ...(click.test ? { '#test': 'test' } : {}),
          },
          ExpressionAttributeValues: {
            ':one': 1,
            ':now': at.toISOString(),
            ':entity': 'Click',
            ':campaignId': click.campaignId,
            ':seq': click.seq,
            ':i': click.i,
            ':carrier': click.carrier,
            ':listPk': list.listPk,
            ':listSk': list.listSk,
            ...(click.province ? { ':province': click.province } : {}),
            ...(click.test ? { ':test': true } : {}),
          },
        }),
      );
    },
  };
};
