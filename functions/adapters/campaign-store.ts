import { TransactWriteCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { AuditEntry } from '#core/audit.js';
import type { Campaign } from '#core/campaign.js';
import type { CampaignStore } from '#core/campaign-service.js';
import { ConflictError } from '#core/errors.js';
import { inList, inPartition, inStatus, queryPage } from './cursor.js';
import { conditionalTransaction } from './conditional-write.js';
import { TTL_ATTRIBUTE, keys } from './table.js';
import { auditCodec, campaignCodec, testSendsCodec } from './table/campaign-records.js';
import { readItem } from './read-item.js';

/** The campaign's Put in a transaction, written only where `condition` holds. */
const campaignPut = (table: string, campaign: Campaign, condition: Record<string, unknown>) => ({
  Put: { TableName: table, Item: campaignCodec.toItem(campaign), ...condition },
});

const auditPut = (table: string, entry: AuditEntry) => ({
  Put: { TableName: table, Item: auditCodec.toItem(entry) },
});

export const dynamoCampaignStore = (client: DynamoDBDocumentClient, table: string): CampaignStore => ({
  get: (id) => readItem(client, table, keys.campaign(id), campaignCodec.fromItem),

  async create(campaign, audit) {
    await client.send(
      new TransactWriteCommand({
        TransactItems: [
          campaignPut(table, campaign, { ConditionExpression: 'attribute_not_exists(pk)' }),
          auditPut(table, audit),
        ],
      }),
    );
  },

  async replace(campaign, expected, audit) {
    const refused = await conditionalTransaction(client, [
      campaignPut(table, campaign, {
        ConditionExpression: '#status = :status AND updatedAt = :updatedAt',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: { ':status': expected.status, ':updatedAt': expected.updatedAt },
      }),
      ...(audit ? [auditPut(table, audit)] : []),
    ]);
    if (refused.includes(true)) {
      throw new ConflictError(
        `Campaign ${campaign.id} was changed by another request (it is no longer ${expected.status})`,
      );
    }
  },

  async recordTestSend(audit, quota) {
    const refused = await conditionalTransaction(client, [
      {
        Update: {
          TableName: table,
          Key: testSendsCodec.key(audit.campaignId, quota.userId, quota.hour),
          UpdateExpression: 'ADD #sends :one SET #entity = :entity, #ttl = :ttl',
          ConditionExpression: 'attribute_not_exists(#sends) OR #sends < :limit',
          ExpressionAttributeNames: { '#sends': 'sends', '#entity': 'entity', '#ttl': TTL_ATTRIBUTE },
          ExpressionAttributeValues: {
            ':one': 1,
            ':limit': quota.limit,
            ':entity': testSendsCodec.entity,
            ':ttl': Math.floor(quota.expiresAt.getTime() / 1000),
          },
        },
      },
      auditPut(table, audit),
    ]);
    return !refused.includes(true);
  },

  list({ status, ...page }) {
    const where = status ? inStatus(keys.campaignStatusPk(status)) : inList(keys.campaignsListPk);
    return queryPage(client, table, where, page, campaignCodec.fromItem);
  },

  listAudit({ campaignId, ...page }) {
    const where = campaignId ? inPartition(keys.auditPk(campaignId)) : inList(keys.auditListPk);
    return queryPage(client, table, where, page, auditCodec.fromItem);
  },
});
