import { GetCommand, TransactWriteCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { AuditEntry } from '../core/audit.js';
import { currentFilters } from '../core/audience-filters.js';
import type { Campaign } from '../core/campaign.js';
import type { CampaignStore } from '../core/campaign-service.js';
import { ConflictError } from '../core/errors.js';
import { queryPage } from './cursor.js';
import { conditionFailed } from './dynamo-batch.js';
import { INDEX, TTL_ATTRIBUTE, keys } from './table.js';

const KEY_ATTRIBUTES = ['pk', 'sk', 'listPk', 'listSk', 'statusPk', 'statusSk', 'entity'];

const strip = <T>(item: Record<string, unknown>): T =>
  Object.fromEntries(Object.entries(item).filter(([name]) => !KEY_ATTRIBUTES.includes(name))) as T;

/**
 * A stored campaign, its filters (and those of the version last rejected, so a review compares like with
 * like) in today's province names: campaigns saved before the registry hold them as typed.
 */
const campaignFromItem = (item: Record<string, unknown>): Campaign => {
  const { filters, rejection, ...campaign } = strip<Campaign>(item);
  const version = rejection?.version;
  return {
    ...campaign,
    ...(filters ? { filters: currentFilters(filters) } : {}),
    ...(rejection
      ? {
          rejection: version?.filters
            ? { ...rejection, version: { ...version, filters: currentFilters(version.filters) } }
            : rejection,
        }
      : {}),
  };
};

const campaignItem = (campaign: Campaign) => ({
  ...campaign,
  ...keys.campaign(campaign.id),
  ...keys.campaignList(campaign.createdAt, campaign.id),
  ...keys.campaignByStatus(campaign.status, campaign.createdAt, campaign.id),
  entity: 'Campaign',
});

const auditPut = (table: string, entry: AuditEntry) => ({
  Put: {
    TableName: table,
    Item: { ...entry, ...keys.audit(entry.campaignId, entry.at, entry.id), entity: 'Audit' },
  },
});

export const dynamoCampaignStore = (client: DynamoDBDocumentClient, table: string): CampaignStore => ({
  async get(id) {
    const { Item } = await client.send(
      new GetCommand({ TableName: table, Key: keys.campaign(id), ConsistentRead: true }),
    );
    return Item ? campaignFromItem(Item) : undefined;
  },

  async create(campaign, audit) {
    await client.send(
      new TransactWriteCommand({
        TransactItems: [
          {
            Put: {
              TableName: table,
              Item: campaignItem(campaign),
              ConditionExpression: 'attribute_not_exists(pk)',
            },
          },
          auditPut(table, audit),
        ],
      }),
    );
  },

  async replace(campaign, expected, audit) {
    try {
      await client.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Put: {
                TableName: table,
                Item: campaignItem(campaign),
                ConditionExpression: '#status = :status AND updatedAt = :updatedAt',
                ExpressionAttributeNames: { '#status': 'status' },
                ExpressionAttributeValues: { ':status': expected.status, ':updatedAt': expected.updatedAt },
              },
            },
            ...(audit ? [auditPut(table, audit)] : []),
          ],
        }),
      );
    } catch (error) {
      if (conditionFailed(error)) {
        throw new ConflictError(
          `Campaign ${campaign.id} was changed by another request (it is no longer ${expected.status})`,
        );
      }
      throw error;
    }
  },

  async recordTestSend(audit, quota) {
    try {
      await client.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Update: {
                TableName: table,
                Key: keys.testSends(audit.campaignId, quota.userId, quota.hour),
                UpdateExpression: 'ADD #sends :one SET #entity = :entity, #ttl = :ttl',
                ConditionExpression: 'attribute_not_exists(#sends) OR #sends < :limit',
                ExpressionAttributeNames: { '#sends': 'sends', '#entity': 'entity', '#ttl': TTL_ATTRIBUTE },
                ExpressionAttributeValues: {
                  ':one': 1,
                  ':limit': quota.limit,
                  ':entity': 'TestSends',
                  ':ttl': Math.floor(quota.expiresAt.getTime() / 1000),
                },
              },
            },
            auditPut(table, audit),
          ],
        }),
      );
      return true;
    } catch (error) {
      if (conditionFailed(error)) return false;
      throw error;
    }
  },

  list({ status, ...page }) {
    const where = status
      ? { index: INDEX.byStatus.name, keyName: 'statusPk', keyValue: keys.campaignStatusPk(status) }
      : { index: INDEX.lists.name, keyName: 'listPk', keyValue: keys.campaignsListPk };
    return queryPage(client, table, where, page, campaignFromItem);
  },

  listAudit({ campaignId, ...page }) {
    const where = campaignId
      ? { keyName: 'pk', keyValue: keys.auditPk(campaignId) }
      : { index: INDEX.lists.name, keyName: 'listPk', keyValue: keys.auditListPk };
    return queryPage(client, table, where, page, (item) => strip<AuditEntry>(item));
  },
});
