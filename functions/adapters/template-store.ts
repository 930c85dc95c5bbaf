import { GetCommand, TransactWriteCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { ConflictError } from '#core/errors.js';
import type { TemplateStore } from '#core/template-service.js';
import { inList, inPartition, inStatus, queryPage } from './cursor.js';
import { conditionFailed, transactionConflict } from './dynamo-batch.js';
import { keys } from './table.js';
import { templateAuditCodec, templateCodec, templateVersionCodec } from './table/templates.js';
import { readItem } from './read-item.js';

const changedMeanwhile = (id: string) =>
  new ConflictError(`Template ${id} was changed by another request; reload it and try again`);

export const dynamoTemplateStore = (client: DynamoDBDocumentClient, table: string): TemplateStore => {
  const put = (Item: Record<string, unknown>, condition?: Record<string, unknown>) => ({
    Put: { TableName: table, Item, ...condition },
  });
  const newItem = { ConditionExpression: 'attribute_not_exists(pk)' };

  return {
    get: (id) => readItem(client, table, templateCodec.key(id), templateCodec.fromItem),

    async getVersion(id, version) {
      const { Item } = await client.send(
        new GetCommand({ TableName: table, Key: templateVersionCodec.key(id, version) }),
      );
      return Item ? templateVersionCodec.fromItem(Item) : undefined;
    },

    async create(template, version, audit) {
      await client.send(
        new TransactWriteCommand({
          TransactItems: [
            put(templateCodec.toItem(template), newItem),
            put(templateVersionCodec.toItem(version), newItem),
            put(templateAuditCodec.toItem(audit)),
          ],
        }),
      );
    },

    async replace(template, expected, version, audit) {
      try {
        await client.send(
          new TransactWriteCommand({
            TransactItems: [
              put(templateCodec.toItem(template), {
                ConditionExpression: 'version = :version AND archived = :archived',
                ExpressionAttributeValues: { ':version': expected.version, ':archived': expected.archived },
              }),
              ...(version ? [put(templateVersionCodec.toItem(version), newItem)] : []),
              put(templateAuditCodec.toItem(audit)),
            ],
          }),
        );
      } catch (error) {
        // Both: another request changed the head first, or is writing it at this moment.
        if (conditionFailed(error) || transactionConflict(error)) throw changedMeanwhile(template.id);
        throw error;
      }
    },

    list({ archived, ...page }) {
      const where = archived ? inList(keys.templatesListPk) : inStatus(keys.templatesActivePk);
      return queryPage(client, table, where, page, templateCodec.fromItem);
    },

    listVersions: (id, page) =>
      queryPage(client, table, inPartition(keys.templateVersionsPk(id)), page, templateVersionCodec.fromItem),

    listAudit: (id, page) =>
      queryPage(client, table, inPartition(keys.templateAuditPk(id)), page, templateAuditCodec.fromItem),
  };
};
