import { PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { ConflictError } from '#core/errors.js';
import type { PartnerStore } from '#core/partner-service.js';
import { conditionalWrite } from './conditional-write.js';
import { inList, queryPage } from './cursor.js';
import { keys } from './table.js';
import { partnerCodec } from './table/records.js';
import { readItem } from './read-item.js';

const { toItem, fromItem } = partnerCodec;

export const dynamoPartnerStore = (client: DynamoDBDocumentClient, table: string): PartnerStore => ({
  get: (id) => readItem(client, table, keys.partner(id), fromItem),

  async put(partner, expectedUpdatedAt) {
    const written = await conditionalWrite(
      client.send(
        new PutCommand({
          TableName: table,
          Item: toItem(partner),
          ...(expectedUpdatedAt === undefined
            ? { ConditionExpression: 'attribute_not_exists(pk)' }
            : {
                ConditionExpression: 'updatedAt = :expected',
                ExpressionAttributeValues: { ':expected': expectedUpdatedAt },
              }),
        }),
      ),
    );
    if (!written) throw new ConflictError(`Partner ${partner.id} was changed by another request; retry`);
  },

  list: (page) => queryPage(client, table, inList(keys.partnersListPk), page, fromItem, true),
});
