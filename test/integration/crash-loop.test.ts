import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { execFile } from 'node:child_process';
import { resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, expect, it } from 'vitest';
import { dynamoRecountStore } from '#adapters/recount-store.js';
import { messageId, type Batch } from '#core/dispatch/batch.js';
import { recountCampaign, type RecountOutcome } from '#core/metrics/recount.js';
import { freePort } from '#local/dynamodb.js';
import { seededRandom } from '#local/simulators/carrier-rules.js';
import { createCarrierSimulator, type CarrierSimulator } from '#local/simulators/index.js';
import { crashableRuntime } from '#support/crash.js';
import { userEnv } from '#support/process.js';
import { queryAll } from '#support/table-items.js';
import { createAudience, launchCampaign, phone, waitFor, waitForStatus } from '#support/sending.js';
import { send } from '#support/typed-api.js';

/**
 * The crash loop (issue #17): a 5,000-recipient campaign on `npm start`'s file-backed DynamoDB Local, the
 * runtime SIGKILLed (DynamoDB Local with it, as a machine going down) at points chosen by a seeded PRNG
 * and reached by observed state (materialising, handing over, settling, aggregating metrics; and once
 * held between the aggregator's write and the stream position being saved), restarted
 * each time on the same data. At the end every recipient is in exactly one batch message, the partner
 * took every message under exactly one webhook-id (replays of that id are counted apart), and the metrics
 * equal a recount from the batch items. The partner is a carrier simulator in this process, so it outlives
 * the kills; its delivery reports retry while the runtime is down.
 */
const RECIPIENTS = 5000;
const PARTNER = 'crash-loop';
const TPS = 400;
const ROOT = resolve(import.meta.dirname, '../..');
const runtime = crashableRuntime('crash-loop');
const { dataDir, tableClient } = runtime;
const random = seededRandom(17);
let sim: CarrierSimulator | undefined;

afterAll(async () => {
  await runtime.close();
  await sim?.close();
}, 60_000);

/** What the campaign's partition says now, read cheaply (no messages): the kill points are judged on it. */
interface Observed {
  materialized: boolean;
  batches: { seq: number; status: string }[];
  /** `sent` summed over the counter shards: what the aggregator has counted so far. */
  countedSent: number;
}

const observe = async (client: DynamoDBDocumentClient, campaignId: string): Promise<Observed> => {
  const observed: Observed = { materialized: false, batches: [], countedSent: 0 };
  const items = await queryAll(client, {
    TableName: 'sms-campaigns',
    KeyConditionExpression: 'pk = :pk',
    ProjectionExpression: '#sk, #seq, #status, #materialized, #counters.#sent',
    ExpressionAttributeNames: {
      '#sk': 'sk',
      '#seq': 'seq',
      '#status': 'status',
      '#materialized': 'materialized',
      '#counters': 'counters',
      '#sent': 'sent',
    },
    ExpressionAttributeValues: { ':pk': `CAMPAIGN#${campaignId}` },
  });
  for (const item of items) {
    const sk = String(item.sk);
    if (sk === 'PROGRESS') observed.materialized = item.materialized === true;
    else if (sk.startsWith('BATCH#'))
      observed.batches.push({ seq: Number(item.seq), status: String(item.status) });
    else if (sk.startsWith('METRICS#'))
      observed.countedSent += Number((item.counters as { sent?: number } | undefined)?.sent ?? 0);
  }
  return observed;
};

/** webhook-id of each batch the partner has taken, by seq (the id is the same for every retry of a batch). */
const takenSeqs = (campaignId: string): Map<number, number> => {
  const taken = new Map<number, number>();
  for (const id of sim?.deliveries().keys() ?? []) {
    const [campaign, seq] = id.split('.');
    if (campaign === campaignId) taken.set(Number(seq), (taken.get(Number(seq)) ?? 0) + 1);
  }
  return taken;
};

interface KillPoint {
  name: string;
  /** Messages the partner must have taken before the state is looked for (the PRNG spreads the kills). */
  after: number;
  /** The state to kill in; `output`: what the runtime has printed. */
  reached: (observed: Observed, taken: Map<number, number>, output: string) => boolean;
  /** The environment of the runtime started before this kill (after the one before). */
  env?: Record<string, string>;
}

const between = (low: number, high: number) => Math.floor(RECIPIENTS * (low + random() * (high - low)));

const handing = (o: Observed) => o.batches.some((b) => b.status === 'handing');
/** The partner took a batch whose settle write has not happened: it is still `handing` in the table. */
const settling = (o: Observed, taken: Map<number, number>) =>
  o.batches.some((b) => b.status === 'handing' && taken.has(b.seq));
/** Batches settled (sent) that the stream aggregator has not counted yet. */
const aggregating = (o: Observed, taken: Map<number, number>) =>
  o.batches.filter((b) => b.status === 'pending').reduce((sum, b) => sum + (taken.get(b.seq) ?? 0), 0) >
  o.countedSent;

const PLAN: KillPoint[] = [
  { name: 'materialising', after: 0, reached: (o) => !o.materialized },
  { name: 'handing over', after: between(0.05, 0.2), reached: handing },
  { name: 'settling', after: between(0.25, 0.4), reached: settling },
  { name: 'aggregating metrics', after: between(0.45, 0.6), reached: aggregating },
  // A random kill seldom lands after the aggregator's write and before the stream position is saved,
  // where the page comes again after the restart: the runtime holds there, and says so (local/runtime.ts).
  {
    name: 'counted, position not saved',
    after: between(0.6, 0.7),
    reached: (_o, _t, output) => output.includes('Held: '),
    env: { CRASH_TEST_HOLD: 'metrics-counted' },
  },
  { name: 'settling', after: between(0.7, 0.9), reached: settling },
];

/** Where the loop is, with the time since it began (on stderr: a slow machine's run can be followed). */
const began = Date.now();
const trace = (what: string) => process.stderr.write(`crash-loop +${Date.now() - began} ms: ${what}\n`);

// The same port each time: the simulator's delivery reports go to one address across restarts.
const port = await freePort();
const start = (env?: Record<string, string>) => runtime.start(port, env);

const recount = async (campaignId: string): Promise<RecountOutcome> => {
  const client = await tableClient();
  try {
    return await recountCampaign(
      { store: dynamoRecountStore(client, 'sms-campaigns'), now: () => new Date() },
      campaignId,
      { dryRun: true },
    );
  } finally {
    client.destroy();
  }
};

const allBatches = async (campaignId: string): Promise<Batch[]> => {
  const client = await tableClient();
  const store = dynamoRecountStore(client, 'sms-campaigns');
  const batches: Batch[] = [];
  try {
    for await (const page of store.batches(campaignId)) batches.push(...page);
  } finally {
    client.destroy();
  }
  return batches;
};

it('accounts for every recipient exactly once across repeated SIGKILLs, and the metrics equal the recount', async () => {
  let current = await start(PLAN[0]?.env);
  sim = await createCarrierSimulator({
    partnerId: PARTNER,
    carriers: ['*'],
    tps: TPS,
    maxBatchSize: 100,
    latencyMs: 5,
    successRate: 0.9,
    seed: 17,
    reportDelayMs: 200,
    reportRetryDelayMs: 1000,
    reportUrl: `${current.local.url}/v1/webhooks/${PARTNER}/delivery-reports`,
  });
  const registered = await send(current.api, 'putPartner', {
    params: { partnerId: PARTNER },
    json: {
      name: 'Crash loop partner',
      webhookUrl: `${sim.url}/sms`,
      carriers: ['*'],
      tps: TPS,
      maxBatchSize: 100,
      senderId: 'BOCONGAN',
    },
  });
  expect(registered.status).toBe(201);
  if (registered.status !== 201) return;
  sim.setSecret(registered.body.signingSecret);

  const carriers = ['viettel', 'vinaphone', 'mobifone', 'vietnamobile'] as const;
  const provinces = ['Hà Giang', 'Lào Cai', 'An Giang', 'Tây Ninh', 'Hà Nội'];
  const phones = Array.from({ length: RECIPIENTS }, (_, i) =>
    phone(carriers[i % 4] ?? 'viettel', 7_000_000 + i),
  );
  const audience = await createAudience(
    current.api,
    'Vùng biên giới',
    phones.map((p, i) => ({ phone: p, province: provinces[i % provinces.length] ?? 'Hà Nội' })),
  );
  trace('audience imported');
  const campaign = await launchCampaign(current.api, { audienceIds: [audience], partnerIds: [PARTNER] });
  expect(campaign.status).toBe('sending');

  const kills: string[] = [];
  for (const [at, point] of PLAN.entries()) {
    const client = await tableClient();
    let last: Observed | undefined;
    try {
      await waitFor(
        () =>
          `${point.name} after ${point.after} taken (kills so far: ${kills.join(', ')}; last seen ${JSON.stringify(last)})`,
        async () => {
          if ((sim?.counters().accepted ?? 0) < point.after) return false;
          last = await observe(client, campaign.id);
          return point.reached(last, takenSeqs(campaign.id), current.local.output());
        },
        // A budget, not a wait: a kill during materialisation holds its lease (60 s) before the sweep resumes.
        240_000,
        20,
      );
    } finally {
      client.destroy();
    }
    expect(await runtime.crash(current.local)).toBeNull();
    kills.push(`${point.name} (${sim.counters().accepted} taken)`);
    trace(`killed while ${kills.at(-1)}`);
    current = await start(PLAN[at + 1]?.env);
    trace('restarted');
  }
  expect(kills).toHaveLength(PLAN.length);

  await waitForStatus(current.api, campaign.id, 'completed', 120_000);
  trace('completed');
  // Reports the partner still retries (those that met a dead runtime) land or are given up on.
  await sim.settled();

  trace('reports settled');
  // Every recipient exactly once, in one state.
  const batches = await allBatches(campaign.id);
  const messages = batches.flatMap((batch) =>
    batch.messages.map((m) => ({ id: messageId(campaign.id, batch.seq, m.index), to: m.to, state: m.state })),
  );
  expect(messages).toHaveLength(RECIPIENTS);
  expect(messages.map((m) => m.to).sort()).toEqual([...phones].sort());
  expect(messages.filter((m) => m.state === 'queued')).toEqual([]);

  // The partner took every message, each under exactly one webhook-id; replays of it are counted apart.
  const deliveries = sim.deliveries();
  expect([...deliveries.keys()].sort()).toEqual(messages.map((m) => m.id).sort());
  expect([...deliveries].filter(([, webhookIds]) => webhookIds.length !== 1)).toEqual([]);
  expect(sim.counters()).toMatchObject({ accepted: RECIPIENTS, duplicates: 0 });

  // The metrics equal the recount once the stream has carried the last report (no fixed wait: the state).
  let outcome: RecountOutcome | undefined;
  await waitFor(
    () =>
      `the metrics to equal the recount: ${JSON.stringify(outcome?.shards.filter((s) => s.drift.length))}`,
    async () => (outcome = await recount(campaign.id)).shards.every((s) => s.drift.length === 0),
    60_000,
    250,
  );
  const metrics = await send(current.api, 'getCampaignMetrics', {
    params: { campaignId: campaign.id },
    as: 'planner',
  });
  expect(metrics.status).toBe(200);
  const delivered = messages.filter((m) => m.state === 'delivered').length;
  const failed = messages.filter((m) => m.state === 'failed').length;
  expect(metrics.body).toMatchObject({ targeted: RECIPIENTS, sent: RECIPIENTS, delivered, failed });

  // The command a developer runs says the same, through the running runtime's DynamoDB Local.
  const { stdout } = await promisify(execFile)(
    process.execPath,
    ['--import', 'tsx', 'local/recount.ts', campaign.id, '--dry-run'],
    { cwd: ROOT, env: { ...userEnv(), DATA_DIR: dataDir, POWERTOOLS_LOG_LEVEL: 'WARN' } },
  );
  expect(stdout).toContain(`${batches.length} batches recounted`);
  expect(stdout).toContain('the metrics equal the recount');
  // An unknown campaign is a one-line answer and exit code 1, not a stack trace.
  await expect(
    promisify(execFile)(process.execPath, ['--import', 'tsx', 'local/recount.ts', '01UNKNOWNCAMPAIGN'], {
      cwd: ROOT,
      env: { ...userEnv(), DATA_DIR: dataDir, POWERTOOLS_LOG_LEVEL: 'WARN' },
    }),
  ).rejects.toMatchObject({
    code: 1,
    stderr: expect.stringMatching(/^not_found: Campaign 01UNKNOWNCAMPAIGN\b.*\n$/m),
  });

  expect(await current.local.stop('SIGTERM')).toBe(0);
}, 900_000);
