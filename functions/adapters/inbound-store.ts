import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { InboundStore } from '#core/webhooks/service.js';
import { putIfAbsent } from './conditional-write.js';
import { inList, queryPage } from './cursor.js';
import { keys } from './table.js';
import { inboundCodec } from './table/records.js';

const { toItem, fromItem } = inboundCodec;

/** Inbound messages, one item per (partner, id), listed under their campaign's replies (index `lists`). */
export const dynamoInboundStore = (client: DynamoDBDocumentClient, table: string): InboundStore => ({
  record: (inbound) => putIfAbsent(client, table, toItem(inbound)),

  replies: (campaignId, page) =>
    queryPage(client, table, inList(keys.repliesListPk(campaignId)), page, fromItem),
});
