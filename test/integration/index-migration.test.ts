import { DeleteCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dynamoDocumentClient, tableName } from '#adapters/clients.js';
import { migrationDeps } from '#adapters/deps.js';
import { keys } from '#adapters/table.js';
import { suppressedCodec } from '#adapters/table/batch.js';
import { inboundCodec, partnerCodec } from '#adapters/table/records.js';
import { SCHEMA_VERSION, migrate } from '#core/migration.js';
import { bucketOf } from '#core/webhooks/recipients.js';
import { startTestApi, type TestApi } from '#support/api.js';
import { createAudience, phone } from '#support/sending.js';
import { allItems, itemsHolding } from '#support/table-items.js';
import { bodyOf, expectStatus, send } from '#support/typed-api.js';

/**
 * Data written before the personal-data indexes (issue #18): members imported before the member index,
 * replies received before the sender index, suppressed lists recorded before the suppressed index, and a
 * partner whose secret is in clear. Erasure finds nothing of them until the migration (core/migration.ts,
 * step 3, and step 2 for the secret) has written their indexes; then nothing of the number is left.
 */

const SUBJECT = phone('viettel', 7_700_042);
const OTHER = phone('viettel', 7_700_142);
const DIGITS = SUBJECT.slice(3);
const OLD_SECRET = `whsec_${Buffer.alloc(32, 3).toString('base64')}`;
const T0 = '2026-11-20T08:00:00.000Z';
const CAMPAIGN = '01OLDCAMPAIGN0000000000000';

let api: TestApi;
const client = () => dynamoDocumentClient();
const subject = encodeURIComponent(SUBJECT);

/** An import as written before the member index: its index items removed. */
const withoutMemberIndex = async (audienceId: string) => {
  const { Items = [] } = await client().send(
    new QueryCommand({
      TableName: tableName(),
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :audience)',
      ExpressionAttributeValues: { ':pk': keys.memberIndexPk(bucketOf(SUBJECT)), ':audience': audienceId },
    }),
  );
  expect(Items.length).toBeGreaterThan(0);
  for (const item of Items)
    await client().send(
      new DeleteCommand({ TableName: tableName(), Key: { pk: String(item.pk), sk: String(item.sk) } }),
    );
};

/** A reply as written before the sender index: no `statusPk`. */
const oldReply = async (id: string, from: string) => {
  const {
    statusPk: _pk,
    statusSk: _sk,
    ...item
  } = inboundCodec.toItem({
    partnerId: 'old-partner',
    id,
    from,
    text: 'Cảm ơn',
    at: T0,
    receivedAt: T0,
    optOut: false,
  });
  await client().send(new PutCommand({ TableName: tableName(), Item: item }));
};

let audienceId: string;

beforeAll(async () => {
  api = await startTestApi();
  audienceId = await createAudience(api, 'Xã cũ', [{ phone: SUBJECT }, { phone: OTHER }]);
  await withoutMemberIndex(audienceId);
  await oldReply('old-in-1', SUBJECT);
  await oldReply('old-in-2', OTHER);
  await client().send(
    new PutCommand({
      TableName: tableName(),
      Item: suppressedCodec.toItem(CAMPAIGN, {
        chunk: 0,
        chunks: 1,
        at: T0,
        recipients: [
          { to: OTHER, carrier: 'viettel', reason: 'opted_out' },
          { to: SUBJECT, carrier: 'viettel', reason: 'frequency_cap' },
        ],
      }),
    }),
  );
  await client().send(
    new PutCommand({
      TableName: tableName(),
      Item: partnerCodec.toItem({
        id: 'old-partner',
        name: 'Viettel cũ',
        kind: 'webhook',
        webhookUrl: 'https://sms.viettel.example/v1',
        carriers: ['viettel'],
        tps: 10,
        maxBatchSize: 100,
        senderId: 'BOCONGAN',
        pricePerSegment: 0,
        currency: 'VND',
        enabled: true,
        createdAt: T0,
        updatedAt: T0,
        secretRotatedAt: T0,
        secrets: [{ secret: OLD_SECRET }],
      }),
    }),
  );
}, 60_000);

afterAll(() => api?.close());

describe('the migration of data from before the personal-data indexes', () => {
  it('indexes old members, replies and suppressed lists, seals old secrets; then erasure leaves nothing', async () => {
    // Before: the export finds none of it, though the table holds the number.
    const before = bodyOf(
      await send(api, 'exportSubscriber', { params: { phone: subject }, as: 'admin' }),
      200,
    );
    expect(before).toMatchObject({ audiences: [], inbound: [], suppressed: [] });
    expect(await itemsHolding(DIGITS)).not.toEqual([]);

    const deps = migrationDeps();
    await deps.store.setSchemaVersion(1);
    const progress: string[] = [];
    const report = await migrate({ ...deps, progress: (step) => progress.push(step) });
    expect(report).toMatchObject({
      fromVersion: 1,
      version: SCHEMA_VERSION,
      steps: {
        2: { partnersSealed: 1 },
        3: { audiencesBusy: 0, inbound: 2, campaigns: 1 },
      },
    });
    expect(report.steps?.[3]?.imports).toBeGreaterThanOrEqual(1);
    expect(progress).toContain('member index');
    expect(JSON.stringify(await allItems())).not.toContain(OLD_SECRET);

    // Again (`--again`): the same indexes, nothing more to index, nothing to seal.
    const again = await migrate(deps, true);
    expect(again.steps?.[2]).toMatchObject({ partnersSealed: 0 });
    expect(again.steps?.[3]).toMatchObject({ inbound: 0, audiencesBusy: 0 });

    const exported = bodyOf(
      await send(api, 'exportSubscriber', { params: { phone: subject }, as: 'admin' }),
      200,
    );
    expect(exported.audiences.map((a) => a.audienceId)).toEqual([audienceId]);
    expect(exported.inbound.map((i) => i.id)).toEqual(['old-in-1']);
    expect(exported.suppressed).toEqual([{ campaignId: CAMPAIGN, reason: 'frequency_cap', at: T0 }]);

    const erased = await send(api, 'eraseSubscriber', { params: { phone: subject }, as: 'admin' });
    expectStatus(erased, 200);
    expect(erased.body).toMatchObject({ audiences: 1, inbound: 1, suppressed: 1 });
    expect(await itemsHolding(DIGITS)).toEqual([]);
    // The other number's items are untouched.
    const other = bodyOf(
      await send(api, 'exportSubscriber', { params: { phone: encodeURIComponent(OTHER) }, as: 'admin' }),
      200,
    );
    expect(other).toMatchObject({
      audiences: [expect.objectContaining({ audienceId })],
      inbound: [expect.objectContaining({ id: 'old-in-2' })],
      suppressed: [expect.objectContaining({ reason: 'opted_out' })],
    });
  });
});
