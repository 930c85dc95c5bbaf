import { PutCommand, QueryCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { attributeList, type AudienceCounts } from '#core/audience.js';
import type { ImportLease } from '#core/audience-service.js';
import { ConflictError } from '#core/errors.js';
import type { ImportJob, ImportJobStore } from '#core/import-job.js';
import { conditionalTransaction, conditionalWrite } from './conditional-write.js';
import { INDEX, keys } from './table.js';
import { audienceCodec, importJobCodec } from './table/audience-records.js';
import { readItem } from './read-item.js';

const COUNTERS =
  'SET #size = :size, byCarrier = :carriers, byProvince = :provinces, languages = :languages, ' +
  'attributes = :attributes';

const counterValues = (totals: AudienceCounts) => ({
  ':size': totals.size,
  ':carriers': audienceCodec.countsToItem(totals.byCarrier),
  ':provinces': audienceCodec.countsToItem(totals.byProvince),
  ':languages': audienceCodec.countsToItem(totals.byLanguage),
  ':attributes': audienceCodec.attributesToItem(attributeList(totals.attributes)),
});

/** Background imports (core/import-job.ts): the job item, written with the audience's counters. */
export const dynamoImportJobStore = (
  client: DynamoDBDocumentClient,
  table: string,
): ImportJobStore & { running(): Promise<Pick<ImportJob, 'audienceId' | 'importId'>[]> } => {
  /**
   * The audience's counters and lease (`leaseUpdate`) with the job's replacement, in one transaction:
   * the lease must still be the job's, the job still running at `fromStep`.
   */
  const commit = async (
    lease: ImportLease,
    totals: AudienceCounts,
    job: ImportJob,
    fromStep: number,
    leaseUpdate: { expression: string; values: Record<string, unknown> },
  ): Promise<'committed' | 'superseded'> => {
    const [leaseLost, superseded] = await conditionalTransaction(client, [
      {
        Update: {
          TableName: table,
          Key: keys.audience(job.audienceId),
          UpdateExpression: `${COUNTERS}, ${leaseUpdate.expression}`,
          ConditionExpression: 'importLease = :lease',
          ExpressionAttributeNames: { '#size': 'size' },
          ExpressionAttributeValues: { ...counterValues(totals), ':lease': lease.id, ...leaseUpdate.values },
        },
      },
      {
        Put: {
          TableName: table,
          Item: importJobCodec.toItem(job),
          ConditionExpression: '#status = :running AND stepsDone = :from',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: { ':running': 'running', ':from': fromStep },
        },
      },
    ]);
    if (superseded) return 'superseded';
    if (leaseLost)
      throw new ConflictError(
        `The import into audience ${job.audienceId} lost its lease to another import: the rows ` +
          'imported before stay; import the file again for the rest',
      );
    return 'committed';
  };

  return {
    async create(job) {
      await client.send(
        new PutCommand({
          TableName: table,
          Item: importJobCodec.toItem(job),
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
    },

    get: (audienceId, importId) =>
      readItem(client, table, importJobCodec.key({ audienceId, importId }), importJobCodec.fromItem),

    commitStep: (lease, totals, job, fromStep) =>
      commit(lease, totals, job, fromStep, {
        expression: 'importLeaseUntil = :until',
        values: { ':until': lease.until.getTime() },
      }),

    finish: (lease, totals, job, fromStep) =>
      commit(lease, totals, job, fromStep, {
        expression: 'lastImport = :lease REMOVE importLease, importLeaseUntil',
        values: {},
      }),

    async fail(job) {
      // Refused when the job finished meanwhile (another run of it): that outcome stands.
      await conditionalWrite(
        client.send(
          new PutCommand({
            TableName: table,
            Item: importJobCodec.toItem(job),
            ConditionExpression: '#status = :running',
            ExpressionAttributeNames: { '#status': 'status' },
            ExpressionAttributeValues: { ':running': 'running' },
          }),
        ),
      );
    },

    /** Jobs still running, oldest first (the local runtime runs them; at most 100 at a time). */
    async running() {
      const { Items = [] } = await client.send(
        new QueryCommand({
          TableName: table,
          IndexName: INDEX.lists.name,
          KeyConditionExpression: 'listPk = :pk',
          ExpressionAttributeValues: { ':pk': importJobCodec.runningListPk },
          Limit: 100,
        }),
      );
      return Items.map((item) => importJobCodec.fromItem(item));
    },
  };
};
