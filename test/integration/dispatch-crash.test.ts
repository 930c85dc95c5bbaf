import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, expect, it } from 'vitest';
import { acceptedMessages, startSimulatedPartner, type SimulatedPartner } from '#support/partners.js';
import { crashableRuntime } from '#support/crash.js';
import { dynamoProcesses } from '#support/process.js';
import { createAudience, launchCampaign, phone, waitFor, waitForStatus } from '#support/sending.js';

/**
 * `npm start` killed with SIGKILL half-way through a campaign and started again on the same DATA_DIR: the
 * batches in the table are the queue, so the restart carries on. The partner is a carrier simulator in
 * this test process (behind a recording proxy), so it outlives the kill and sees both runs.
 */
const RECIPIENTS = 2000;
const runtime = crashableRuntime('dispatch-crash');
const { dataDir } = runtime;
let partner: SimulatedPartner | undefined;

afterAll(async () => {
  await runtime.close();
  await partner?.close();
}, 60_000);

/** The campaign's progress item and its batches' statuses, read from the child's DynamoDB Local. */
const tableState = async (campaignId: string): Promise<string> => {
  const client = await runtime.tableClient();
  try {
    const { Items = [] } = await client.send(
      new QueryCommand({
        TableName: 'sms-campaigns',
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': `CAMPAIGN#${campaignId}` },
      }),
    );
    const progress = Items.find((item) => item.sk === 'PROGRESS');
    const batches = Items.filter((item) => String(item.sk).startsWith('BATCH#')).map(
      (item) =>
        `${Number(String(item.sk).slice(6))}:${item.status}${item.leaseUntil ? `@${item.leaseUntil}` : ''}`,
    );
    return JSON.stringify({ progress, batches });
  } finally {
    client.destroy();
  }
};

it('hands every message over exactly once across a SIGKILL of npm start and a restart on the same data', async () => {
  const first = await runtime.start();
  partner = await startSimulatedPartner(first.api, {
    id: 'crash-any',
    carriers: ['*'],
    tps: 250,
    maxBatchSize: 50,
  });
  const sim = partner.sim;
  const carriers = ['viettel', 'vinaphone', 'mobifone', 'vietnamobile'] as const;
  const phones = Array.from({ length: RECIPIENTS }, (_, i) =>
    phone(carriers[i % 4] ?? 'viettel', 6_000_000 + i),
  );
  const audience = await createAudience(
    first.api,
    'Thôn bản vùng cao',
    phones.map((p) => ({ phone: p, province: 'Hà Giang' })),
  );
  const campaign = await launchCampaign(first.api, { audienceIds: [audience], partnerIds: [partner.id] });
  expect(campaign.status).toBe('sending');

  // Part-way: the partner has some of the messages but not all.
  await waitFor(
    'a quarter of the messages handed over',
    () => sim.counters().accepted >= RECIPIENTS / 4,
    60_000,
  );
  const [dynamo] = await dynamoProcesses(dataDir);
  expect(dynamo?.ppid).toBe(first.local.child.pid);
  // Its DynamoDB Local goes down with it, as on a machine going down, so the restart opens the same data afresh.
  expect(await runtime.crash(first.local)).toBeNull();
  await sleep(300);
  expect(sim.counters().accepted).toBeLessThan(RECIPIENTS);

  const second = await runtime.start();
  await waitForStatus(second.api, campaign.id, 'completed', 60_000).catch(async (error: Error) => {
    throw new Error(`${error.message}; in the table: ${await tableState(campaign.id)}`);
  });

  const counters = sim.counters();
  expect(counters).toMatchObject({ accepted: RECIPIENTS, duplicates: 0, secondsOverTps: 0 });
  const accepted = acceptedMessages([partner]);
  expect(accepted.size).toBe(RECIPIENTS);
  expect([...accepted.values()].filter((entry) => entry.handOvers.size !== 1)).toEqual([]);
  expect([...accepted.values()].map((entry) => entry.to).sort()).toEqual([...phones].sort());

  expect(await second.local.stop('SIGTERM')).toBe(0);
  expect(await dynamoProcesses(dataDir)).toEqual([]);
}, 180_000);
