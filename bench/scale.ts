import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { writeHeapSnapshot } from 'node:v8';
import { dynamoDocumentClient } from '#adapters/clients.js';
import { localConfig } from '#local/config.js';
import { DEFAULT_DYNAMO_HEAP_MB } from '#local/dynamodb.js';
import { startRuntime, type Runtime } from '#local/runtime.js';
import { call, importCsv, registerPartner, simulatorOptions } from './campaign.js';
import { countItemsRead } from './counters.js';
import { generateSubscribersCsv } from './import.js';
import { javaRss, percentile } from './measure.js';
import { record, isEntryModule } from './results.js';
import { startSimulatorProcess, type SimulatorProcess } from './simulator-process.js';

/**
 * A national-scale campaign end to end (issue #17): 1,000,000 recipients imported as ten 100,000-row CSV
 * requests, one audience each (a campaign targets up to 20 audiences), then sent to three simulated partners
 * whose TPS does not bind. Ten imports into one audience were tried first: an import reads the phones
 * already there to drop duplicates, so on the file-backed DynamoDB Local an import of 100,000 rows into an
 * audience that already held some ran past the import route's 29 s (API Gateway's limit) and the bench
 * stopped; docs/benchmarks.md says what that means for officers. The same send at 100,000 recipients, in the same process on
 * the same DynamoDB Local just before, is the reference: msg/s at 1M ÷ msg/s at 100k shows whether the
 * cost of a message grows with the campaign. `BENCH_QUICK=1`: 2,000 against 200; `BENCH_SCALE_ROWS=n`: n
 * against n / 10.
 *
 * DynamoDB Local runs file-backed, as `npm start` runs it (`BENCH_SCALE_STORE=memory`: in memory). The
 * simulators run in processes of their own, so the node figure is the runtime's alone (API, scheduler,
 * materialiser, dispatcher, stream aggregation).
 */
const QUICK = process.env.BENCH_QUICK === '1';
/** `BENCH_SCALE_ROWS`: a size between (a reproduction at 200,000–300,000 takes minutes, not an hour). */
const LARGE = Number(process.env.BENCH_SCALE_ROWS ?? (QUICK ? 2_000 : 1_000_000));
const REFERENCE = LARGE / 10;
const IMPORTS = 10;
const METRIC_READS = 50;
const FILE_BACKED = process.env.BENCH_SCALE_STORE !== 'memory';

const number = (n: number) => n.toLocaleString('en-US');
const mb = (bytes: number) => Math.round(bytes / 1024 / 1024);

const TRACE = process.env.BENCH_SCALE_TRACE === '1';

/**
 * BENCH_SCALE_TRACE=1: where a send's time goes, from the runtime's DynamoDB requests: per kind, how many,
 * their summed and mean latency, and the first and last of each after approval (materialisation's batch
 * transactions are Puts; settles are transactions of Updates; claims UpdateItem; pacing PutItem/GetItem).
 */
interface RequestInput {
  TransactItems?: { Put?: unknown }[];
  Key?: { sk?: unknown };
  Item?: { sk?: unknown };
  IndexName?: string;
}

/** A request's command and what it reads or writes: the sort key's kind (`BATCH`, `WINDOW`), or the index. */
const requestKind = (commandName: string, input: RequestInput) => {
  const command = commandName.replace(/Command$/, '');
  if (command === 'TransactWriteItems')
    return `${command} (${input.TransactItems?.[0]?.Put ? 'Put' : 'Update'})`;
  if (command === 'Query') return `${command} ${input.IndexName ?? 'table'}`;
  const sk = input.Key?.sk ?? input.Item?.sk;
  return typeof sk === 'string' ? `${command} ${sk.split(/[#0-9]/)[0]}` : command;
};

const traceRequests = () => {
  const kinds = new Map<string, { n: number; ms: number; first: number; last: number }>();
  const recent = new Map<string, { n: number; ms: number }>();
  let since = Infinity;
  dynamoDocumentClient().middlewareStack.add(
    (next, context) => async (args) => {
      const started = performance.now();
      try {
        return await next(args);
      } finally {
        const ended = performance.now();
        if (started >= since) {
          const kind = requestKind(String(context.commandName ?? ''), args.input as RequestInput);
          const k = kinds.get(kind) ?? { n: 0, ms: 0, first: ended, last: ended };
          kinds.set(kind, { n: k.n + 1, ms: k.ms + (ended - started), first: k.first, last: ended });
          const r = recent.get(kind) ?? { n: 0, ms: 0 };
          recent.set(kind, { n: r.n + 1, ms: r.ms + (ended - started) });
        }
      }
    },
    { step: 'initialize', name: 'benchScaleTrace' },
  );
  return {
    start: () => {
      kinds.clear();
      recent.clear();
      since = performance.now();
    },
    /** One line: the requests since the last call by kind (count / mean ms), and the heap now. */
    printRecent: (label: string) => {
      const { rss, heapUsed, heapTotal, external } = process.memoryUsage();
      const counts = [...recent]
        .sort(([, a], [, b]) => b.ms - a.ms)
        .map(([kind, r]) => `${kind} ${r.n}/${Math.round(r.ms / r.n)}ms`);
      console.log(
        `    ${label}: rss ${mb(rss)} MB, heap ${mb(heapUsed)} of ${mb(heapTotal)} MB, external ${mb(external)} MB; ${counts.join(', ')}`,
      );
      recent.clear();
    },
    print: (origin: number) => {
      for (const [kind, k] of [...kinds].sort(([, a], [, b]) => b.ms - a.ms))
        console.log(
          `      ${kind.padEnd(28)} ${String(k.n).padStart(7)} requests, ${(k.ms / 1000).toFixed(1).padStart(7)} s summed, ${(k.ms / k.n).toFixed(1).padStart(6)} ms mean, from +${((k.first - origin) / 1000).toFixed(1)} s to +${((k.last - origin) / 1000).toFixed(1)} s`,
        );
    },
  };
};

/** `BENCH_SCALE_SNAPSHOT_MB=n`: one heap snapshot (in the working directory) the first time RSS passes n MB. */
const SNAPSHOT_MB = Number(process.env.BENCH_SCALE_SNAPSHOT_MB ?? Infinity);
let snapshotTaken = false;

const sample = (peak: number) => {
  const { rss } = process.memoryUsage();
  if (!snapshotTaken && mb(rss) >= SNAPSHOT_MB) {
    snapshotTaken = true;
    console.log(`    rss ${mb(rss)} MB: heap snapshot written to ${writeHeapSnapshot()}`);
  }
  return Math.max(peak, rss);
};

/** Peak RSS of this process (the runtime) while `run` runs, sampled every 100 ms. */
const peakRssDuring = async <T>(run: () => Promise<T>): Promise<{ result: T; peakMb: number }> => {
  let peak = process.memoryUsage().rss;
  const sampler = setInterval(() => (peak = sample(peak)), 100);
  try {
    const result = await run();
    return { result, peakMb: mb(Math.max(peak, process.memoryUsage().rss)) };
  } finally {
    clearInterval(sampler);
  }
};

/** `rows` subscribers in `imports` CSV requests, each into a new audience; seconds the imports took. */
const importAudiences = async (runtime: Runtime, rows: number, imports: number, seed: number) => {
  const audienceIds: string[] = [];
  let seconds = 0;
  let size = 0;
  for (let i = 0; i < imports; i++) {
    const audience = await call(runtime, 'officer', 'POST', '/v1/audiences', {
      name: `scale ${number(rows)} part ${i + 1}`,
    });
    // Generated one file at a time (seeds apart: different phones), so no more than one is held.
    const csv = generateSubscribersCsv(rows / imports, seed + i);
    const started = performance.now();
    await importCsv(runtime, String(audience.id), csv);
    seconds += (performance.now() - started) / 1000;
    audienceIds.push(String(audience.id));
    size += Number((await call(runtime, 'planner', 'GET', `/v1/audiences/${audience.id}`)).size);
  }
  return { audienceIds, seconds, size };
};

/** Runs a campaign on the audience to completion: seconds from approval, and approval's epoch ms. */
const send = async (
  runtime: Runtime,
  audienceIds: string[],
  partnerIds: string[],
  onApproval: () => void = () => {},
) => {
  const campaign = await call(runtime, 'officer', 'POST', '/v1/campaigns', {
    name: 'Scale 30/7',
    message:
      'Canh giac viec nhe luong cao o nuoc ngoai. Goi 111 (mien phi). {{link:https://bocongan.gov.vn/111}}',
    audienceIds,
    schedule: { asap: true },
    sendingWindow: null,
    partnerIds,
  });
  const campaignId = String(campaign.id);
  await call(runtime, 'officer', 'POST', `/v1/campaigns/${campaignId}/submit`);
  onApproval();
  const approvedAt = Date.now();
  const started = performance.now();
  await call(runtime, 'approver', 'POST', `/v1/campaigns/${campaignId}/approve`);
  for (;;) {
    // A poll the loaded runtime's socket dropped (ECONNRESET: fetch's TypeError) is asked again next time.
    const current = await call(runtime, 'planner', 'GET', `/v1/campaigns/${campaignId}`).catch(
      (error: unknown) => {
        if (error instanceof TypeError) return undefined;
        throw error;
      },
    );
    if (current?.status === 'completed') break;
    if (performance.now() - started > 3_600_000) throw new Error('campaign did not complete within 1 hour');
    await sleep(250);
  }
  return { campaignId, approvedAt, seconds: (performance.now() - started) / 1000 };
};

/** Messages the partners accepted after `since` (epoch ms), and when the first batch of those arrived. */
const handedOver = async (partners: readonly SimulatorProcess[], since: number) => {
  let messages = 0;
  let first = Infinity;
  let last = 0;
  let duplicates = 0;
  for (const partner of partners) {
    const counters = await partner.counters();
    duplicates += counters.duplicates;
    for (const [at, n] of counters.arrivals)
      if (at >= since) {
        messages += n;
        first = Math.min(first, at);
        last = Math.max(last, at);
      }
  }
  return { messages, firstAt: first, lastAt: last, duplicates };
};

/** The keys this benchmark records (`bench/run.ts` and the smoke test expect them). */
export const FIGURES = [
  'scale.recipients',
  'scale.messages_per_second',
  'scale.reference_messages_per_second',
  'scale.throughput_ratio_1m_to_100k',
  'scale.node_rss_mb',
  'scale.java_rss_mb',
  'scale.java_heap_mb',
  'scale.seconds_to_first_handover',
  'scale.metrics_items_read',
  'scale.metrics_p50_ms',
  'scale.import_seconds',
  'scale.duplicates',
];

export async function scaleBenchmark(): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), 'sms-scale-'));
  // As `npm start` would: DYNAMODB_HEAP_MB, or the default.
  const heapMb = localConfig().dynamoHeapMb ?? DEFAULT_DYNAMO_HEAP_MB;
  const runtime = await startRuntime({
    dynamoHeapMb: heapMb,
    port: 0,
    host: '127.0.0.1',
    dataDir,
    persist: FILE_BACKED,
    tableName: 'scale',
    publicBaseUrl: 'https://sms.example.gov.vn',
    simulators: false,
  });
  const endpoint = String(process.env.AWS_ENDPOINT_URL_DYNAMODB);
  const trace = TRACE ? traceRequests() : undefined;
  const partners: SimulatorProcess[] = [];
  try {
    const routes: [string, string[]][] = [
      ['scale-viettel', ['viettel']],
      ['scale-vnpt', ['vinaphone', 'itel', 'reddi']],
      ['scale-other', ['*']],
    ];
    for (const [id, carriers] of routes) {
      const simulator = await startSimulatorProcess(simulatorOptions(id, carriers, 5000));
      partners.push(simulator);
      await registerPartner(runtime, simulator, carriers, 5000);
    }
    const partnerIds = partners.map((p) => p.partnerId);
    console.log(
      `\nScale: ${number(LARGE)} recipients (${IMPORTS} imports of ${number(LARGE / IMPORTS)}, an audience each) against ${number(REFERENCE)}, DynamoDB Local ${FILE_BACKED ? 'file-backed (as npm start)' : 'in memory'} with a ${heapMb} MB heap, 3 partners at 5,000 TPS (simulators in their own processes)`,
    );

    const runOne = async (rows: number, imports: number, seed: number) => {
      const { result: audience, peakMb: importPeakMb } = await peakRssDuring(() =>
        importAudiences(runtime, rows, imports, seed),
      );
      let origin = 0;
      const progress = trace
        ? setInterval(() => {
            void handedOver(partners, 0).then(({ messages }) =>
              trace.printRecent(
                `+${Math.round((performance.now() - origin) / 1000)} s, ${number(messages)} handed over in all`,
              ),
            );
          }, 20_000)
        : undefined;
      const { result: sent, peakMb: sendPeakMb } = await peakRssDuring(() =>
        send(runtime, audience.audienceIds, partnerIds, () => {
          trace?.start();
          origin = performance.now();
        }),
      ).finally(() => clearInterval(progress));
      const at = await handedOver(partners, sent.approvedAt);
      if (trace) {
        console.log(
          `    ${number(rows)}: approval → completed ${sent.seconds.toFixed(1)} s; first hand-over at +${((at.firstAt - sent.approvedAt) / 1000).toFixed(1)} s, last at +${((at.lastAt - sent.approvedAt) / 1000).toFixed(1)} s; DynamoDB requests of the runtime by kind:`,
        );
        trace.print(origin);
      }
      const rate = at.messages / sent.seconds;
      console.log(
        `  ${number(rows).padStart(9)} rows: imported in ${audience.seconds.toFixed(1)} s (audiences ${number(audience.size)}); ${number(at.messages)} messages in ${sent.seconds.toFixed(1)} s = ${number(Math.round(rate))} msg/s; first hand-over ${((at.firstAt - sent.approvedAt) / 1000).toFixed(1)} s after approval; peak RSS node ${importPeakMb} MB importing, ${sendPeakMb} MB sending; java ${JSON.stringify(javaRss(endpoint))} MB; duplicates at the partners ${at.duplicates}`,
      );
      return { audience, sent, at, rate, importPeakMb, sendPeakMb };
    };

    const reference = await runOne(REFERENCE, 1, 1_000);
    const large = await runOne(LARGE, IMPORTS, 2_000);

    // The metrics read of the large campaign: the items it reads and its latency.
    let wanted: string | undefined;
    const reads = countItemsRead(dynamoDocumentClient(), () => wanted);
    wanted = large.sent.campaignId;
    const latencies: number[] = [];
    for (let i = 0; i < METRIC_READS; i++) {
      const started = performance.now();
      await call(runtime, 'planner', 'GET', `/v1/campaigns/${large.sent.campaignId}/metrics`);
      latencies.push(performance.now() - started);
    }
    wanted = undefined;
    latencies.sort((a, b) => a - b);
    const java = javaRss(endpoint);
    const nodePeak = Math.max(large.importPeakMb, large.sendPeakMb, reference.sendPeakMb);
    const ratio = large.rate / reference.rate;
    const firstHandover = (large.at.firstAt - large.sent.approvedAt) / 1000;
    const itemsPerRead = reads.items / METRIC_READS;
    const p50 = percentile(latencies, 50);
    console.log(`\n  messages/s at ${number(LARGE)}          ${number(Math.round(large.rate))}`);
    console.log(
      `  ÷ messages/s at ${number(REFERENCE)}       ${ratio.toFixed(3)}  (goal ≥ 0.9; ${number(Math.round(reference.rate))} msg/s)`,
    );
    console.log(`  peak RSS node (runtime)        ${nodePeak} MB  (goal < 500)`);
    console.log(
      `  peak RSS java (DynamoDB Local) ${java?.peak ?? '?'} MB, ${java?.now ?? '?'} MB at the end (goal < 1,536 file-backed)`,
    );
    console.log(`  approval → first hand-over     ${firstHandover.toFixed(1)} s`);
    console.log(
      `  metrics read at ${number(LARGE)}       ${itemsPerRead.toFixed(1)} items; p50 ${p50.toFixed(1)} ms, p99 ${percentile(latencies, 99).toFixed(1)} ms`,
    );
    console.log(
      `  import of ${number(LARGE)}             ${large.audience.seconds.toFixed(1)} s (${number(Math.round(LARGE / large.audience.seconds))} rows/s)`,
    );

    record('scale.recipients', large.at.messages, 'messages');
    record('scale.messages_per_second', Math.round(large.rate), 'msg/s');
    record('scale.reference_messages_per_second', Math.round(reference.rate), 'msg/s');
    record('scale.throughput_ratio_1m_to_100k', Number(ratio.toFixed(3)), 'ratio');
    record('scale.node_rss_mb', nodePeak, 'MB');
    if (java) record('scale.java_rss_mb', java.peak, 'MB');
    record('scale.java_heap_mb', heapMb, 'MB');
    record('scale.seconds_to_first_handover', Number(firstHandover.toFixed(2)), 's');
    record('scale.metrics_items_read', itemsPerRead, 'items');
    record('scale.metrics_p50_ms', Number(p50.toFixed(1)), 'ms');
    record('scale.import_seconds', Number(large.audience.seconds.toFixed(2)), 's');
    record('scale.duplicates', large.at.duplicates + reference.at.duplicates, 'messages');
  } finally {
    for (const partner of partners) await partner.close();
    await runtime.stop();
    dynamoDocumentClient().destroy();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

if (isEntryModule(import.meta.url)) await scaleBenchmark();
