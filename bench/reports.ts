import { setTimeout as sleep } from 'node:timers/promises';
import { Webhook } from 'standardwebhooks';
import { dynamoBatchStore } from '#adapters/batch-store.js';
import { dynamoDocumentClient, tableName } from '#adapters/clients.js';
import { messageId } from '#core/dispatch/batch.js';
import type { Runtime } from '#local/runtime.js';
import type { CarrierSimulator } from '#local/simulators/index.js';
import { addPartner, call, sendCampaign, startBenchRuntime, type Json } from './campaign.js';
import { countItemsRead, countRequests, readRequests, resetCounts, writeRequests } from './counters.js';
import { QUICK, isEntryModule, record } from './results.js';
import { generateSubscribersCsv } from './import.js';
import { percentile } from './measure.js';

/**
 * Delivery reports and metrics on this machine: a 100,000-recipient campaign sent to three simulated
 * partners (which post no reports of their own here), then every message reported by signed webhooks of
 * 1,000 reports, 4 requests at a time. Prints reports/s and DynamoDB writes per report, how long the
 * stream aggregator takes to make the metrics exact, and the DynamoDB items and latency of a metrics read.
 */
const ROWS = QUICK ? 3_000 : 100_000;

export const FIGURES = [
  'reports.ingested_per_second',
  'reports.writes_per_report',
  'reports.reads_per_report',
  'reports.write_units_per_report',
  'reports.read_units_per_report',
  'reports.metrics_exact_seconds',
  'reports.csv_rows',
  'reports.csv_rows_per_second',
  'metrics.items_read',
  'metrics.requests',
  'metrics.p50_ms',
  'metrics.p95_ms',
  'metrics.minute.items_read',
  'metrics.minute.p50_ms',
  'metrics.small.items_read',
];
const REPORTS_PER_REQUEST = 1000;
const PARALLEL_REQUESTS = 4;
const METRIC_READS = 50;
const SMALL_ROWS = 100;

const number = (n: number) => n.toLocaleString('en-US');
interface Report {
  messageId: string;
  status: 'delivered' | 'failed' | 'expired';
  at: string;
  errorCode?: string;
}

/** Every handed-over message of the campaign, by the partner that took it, with a realistic outcome. */
const reportsByPartner = async (campaignId: string): Promise<Map<string, Report[]>> => {
  const byPartner = new Map<string, Report[]>();
  const at = new Date().toISOString();
  let n = 0;
  for await (const page of dynamoBatchStore(dynamoDocumentClient(), tableName()).listBatches(campaignId)) {
    for (const batch of page) {
      if (batch.test) continue;
      for (const message of batch.messages) {
        if (message.state !== 'pending') continue;
        n++;
        const outcome: Report =
          n % 100 < 97
            ? { messageId: '', status: 'delivered', at }
            : n % 100 < 99
              ? { messageId: '', status: 'failed', at, errorCode: 'E21' }
              : { messageId: '', status: 'expired', at };
        const list = byPartner.get(batch.partnerId) ?? [];
        list.push({ ...outcome, messageId: messageId(campaignId, batch.seq, message.index) });
        byPartner.set(batch.partnerId, list);
      }
    }
  }
  return byPartner;
};

const postReports = async (runtime: Runtime, partnerId: string, secret: string, reports: Report[]) => {
  const body = JSON.stringify({ reports });
  const id = `msg_bench_${partnerId}_${reports[0]?.messageId ?? ''}`;
  const now = new Date();
  const response = await fetch(`${runtime.url}/v1/webhooks/${partnerId}/delivery-reports`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'webhook-id': id,
      'webhook-timestamp': String(Math.floor(now.getTime() / 1000)),
      'webhook-signature': new Webhook(secret).sign(id, now, body),
    },
    body,
  });
  const answer = (await response.json()) as { processed?: number; ignored?: number };
  if (response.status !== 200)
    throw new Error(`reports answered ${response.status}: ${JSON.stringify(answer)}`);
  return answer;
};

const metrics = (runtime: Runtime, campaignId: string, query = '') =>
  call(runtime, 'planner', 'GET', `/v1/campaigns/${campaignId}/metrics${query}`);

const waitForMetrics = async (
  runtime: Runtime,
  campaignId: string,
  done: (m: Json) => boolean,
): Promise<{ seconds: number; metrics: Json }> => {
  const started = performance.now();
  for (;;) {
    const current = await metrics(runtime, campaignId);
    if (done(current)) return { seconds: (performance.now() - started) / 1000, metrics: current };
    if (performance.now() - started > 600_000)
      throw new Error(`metrics never caught up: ${JSON.stringify(current)}`);
    await sleep(100);
  }
};

const invariantHolds = (m: Json) =>
  Number(m.targeted) ===
  Number(m.suppressed) + Number(m.queued) + Number(m.pending) + Number(m.delivered) + Number(m.failed);

export async function reportsBenchmark(): Promise<void> {
  const { runtime, stop } = await startBenchRuntime();
  const client = dynamoDocumentClient();
  const counts = countRequests(client);
  let measuredCampaign: string | undefined;
  const reads = countItemsRead(client, () => measuredCampaign);
  const simulators: (CarrierSimulator & { signingSecret: string })[] = [];
  try {
    simulators.push(
      await addPartner(runtime, 'fast-viettel', ['viettel'], 5000),
      await addPartner(runtime, 'fast-vnpt', ['vinaphone', 'itel', 'reddi'], 5000),
      await addPartner(runtime, 'fast-other', ['*'], 5000),
    );
    const sent = await sendCampaign(runtime, generateSubscribersCsv(ROWS));
    const { campaignId } = sent;
    const handedOver = simulators.reduce((sum, s) => sum + s.counters().accepted, 0);
    const before = await waitForMetrics(runtime, campaignId, (m) => Number(m.sent) === handedOver);
    console.log(
      `\nCampaign: ${number(ROWS)} rows, ${number(handedOver)} messages handed over in ${sent.seconds.toFixed(1)} s; metrics exact ${before.seconds.toFixed(1)} s after completion`,
    );

    // 1. Ingestion: every message reported once, 1,000 reports a request, 4 requests in flight.
    const byPartner = await reportsByPartner(campaignId);
    const requests = [...byPartner].flatMap(([partnerId, reports]) => {
      const secret = simulators.find((s) => s.partnerId === partnerId)?.signingSecret ?? '';
      const chunks: (() => Promise<{ processed?: number }>)[] = [];
      for (let i = 0; i < reports.length; i += REPORTS_PER_REQUEST) {
        const slice = reports.slice(i, i + REPORTS_PER_REQUEST);
        chunks.push(() => postReports(runtime, partnerId, secret, slice));
      }
      return chunks;
    });
    const total = [...byPartner.values()].reduce((sum, list) => sum + list.length, 0);
    resetCounts(counts);
    const started = performance.now();
    let processed = 0;
    let next = 0;
    await Promise.all(
      Array.from({ length: PARALLEL_REQUESTS }, async () => {
        while (next < requests.length) {
          const request = requests[next++];
          if (!request) continue;
          const answer = await request();
          processed += Number(answer.processed ?? 0);
        }
      }),
    );
    const seconds = (performance.now() - started) / 1000;
    const writes = writeRequests(counts);
    record('reports.ingested_per_second', Math.round(total / seconds), 'reports/s');
    record('reports.writes_per_report', Number((writes / total).toFixed(4)), 'requests');
    record('reports.reads_per_report', Number((readRequests(counts) / total).toFixed(4)), 'requests');
    record('reports.write_units_per_report', Number((counts.writeUnits / total).toFixed(4)), 'WCU');
    record('reports.read_units_per_report', Number((counts.readUnits / total).toFixed(4)), 'RCU');
    console.log(
      `  capacity units / report           ${(counts.writeUnits / total).toFixed(3)} write, ${(counts.readUnits / total).toFixed(3)} read (${(readRequests(counts) / total).toFixed(3)} read requests)`,
    );
    console.log(
      `\nDelivery-report ingestion: ${number(total)} reports in ${requests.length} signed requests`,
    );
    console.log(`  seconds                           ${seconds.toFixed(1)}`);
    console.log(`  reports/s                         ${number(Math.round(total / seconds))}  (goal ≥ 1,000)`);
    console.log(`  processed                         ${number(processed)}`);
    console.log(
      `  DynamoDB write requests / report  ${(writes / total).toFixed(3)}  (${number(writes)} requests, stream aggregation included)`,
    );
    const after = await waitForMetrics(
      runtime,
      campaignId,
      (m) => Number(m.delivered) + Number(m.failed) === handedOver + Number(before.metrics.failed),
    );
    console.log(`  metrics exact after the last report  ${after.seconds.toFixed(1)} s`);
    record('reports.metrics_exact_seconds', Number(after.seconds.toFixed(1)), 's');
    console.log(
      `  metrics: targeted ${number(Number(after.metrics.targeted))}, sent ${number(Number(after.metrics.sent))}, delivered ${number(Number(after.metrics.delivered))}, failed ${number(Number(after.metrics.failed))}, deliveryRate ${Number(after.metrics.deliveryRate).toFixed(3)}, invariant ${invariantHolds(after.metrics) ? 'holds' : 'BROKEN'}`,
    );

    // 2. The per-recipient report, streamed: one row per message, read batch page by batch page.
    const csvStarted = performance.now();
    const csv = await fetch(`${runtime.url}/v1/campaigns/${campaignId}/report.csv`, {
      headers: { authorization: `Bearer ${runtime.tokens.planner}` },
    });
    const csvText = await csv.text();
    const csvSeconds = (performance.now() - csvStarted) / 1000;
    const rows = csvText.split('\r\n').filter((line) => line !== '').length - 1;
    record('reports.csv_rows', rows, 'rows');
    record('reports.csv_rows_per_second', Math.round(rows / csvSeconds), 'rows/s');
    console.log(
      `\nreport.csv: ${number(rows)} rows, ${(Buffer.byteLength(csvText) / 1024 / 1024).toFixed(1)} MB in ${csvSeconds.toFixed(1)} s (status ${csv.status})`,
    );

    // 3. Reading the metrics: the same items however large the campaign (here 98,861 and 100 recipients).
    const small = await sendCampaign(runtime, generateSubscribersCsv(SMALL_ROWS, 11));
    await waitForMetrics(runtime, small.campaignId, (m) => Number(m.sent) > 0 && Number(m.queued) === 0);
    for (const [size, id, campaignKey] of [
      [number(handedOver), campaignId, 'metrics'],
      [number(SMALL_ROWS), small.campaignId, 'metrics.small'],
    ] as const) {
      for (const [label, query, goal, timelineKey] of [
        ['hourly timeline', '', 'goal ≤ 5 items', ''],
        [
          'minute timeline',
          '?granularity=minute',
          'the 5 items and one per shard and hour of the minute window',
          '.minute',
        ],
      ] as const) {
        const latencies: number[] = [];
        reads.requests = 0;
        reads.items = 0;
        measuredCampaign = id;
        for (let i = 0; i < METRIC_READS; i++) {
          const t0 = performance.now();
          await metrics(runtime, id, query);
          latencies.push(performance.now() - t0);
        }
        measuredCampaign = undefined;
        latencies.sort((a, b) => a - b);
        const key = `${campaignKey}${timelineKey}`;
        record(`${key}.items_read`, reads.items / METRIC_READS, 'items');
        record(`${key}.requests`, reads.requests / METRIC_READS, 'requests');
        record(`${key}.p50_ms`, Number(percentile(latencies, 50).toFixed(1)), 'ms');
        record(`${key}.p95_ms`, Number(percentile(latencies, 95).toFixed(1)), 'ms');
        console.log(
          `\nMetrics read, ${size} recipients (${label}, ${METRIC_READS} requests): ${(reads.items / METRIC_READS).toFixed(1)} DynamoDB items and ${(reads.requests / METRIC_READS).toFixed(1)} requests per metrics request (${goal}); latency p50 ${percentile(latencies, 50).toFixed(1)} ms, p95 ${percentile(latencies, 95).toFixed(1)} ms, max ${percentile(latencies, 100).toFixed(1)} ms`,
        );
      }
    }
  } finally {
    await stop(simulators);
  }
}

if (isEntryModule(import.meta.url)) await reportsBenchmark();
