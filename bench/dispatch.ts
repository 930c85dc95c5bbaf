import { execFile, execFileSync } from 'node:child_process';
import { promisify } from 'node:util';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { availableParallelism } from 'node:os';
import { join, resolve } from 'node:path';
import { dynamoDocumentClient } from '#adapters/clients.js';
import type { CarrierSimulator } from '#local/simulators/index.js';
import type { Runtime } from '#local/runtime.js';
import { addPartner, call, sendCampaign, startBenchRuntime } from './campaign.js';
import { watchInvocations, type Invocation } from '#local/invoke.js';
import { consumerSlots } from '#local/dispatcher.js';
import {
  CEILING_FIGURES,
  measureCeilings,
  stateStoreMessagesPerSecond,
  type StoreCeiling,
} from './ceilings.js';
import {
  countRequests,
  readRequests,
  resetCounts,
  writeRequests,
  WRITE_OPERATIONS,
  type RequestCounts,
} from './counters.js';
import { QUICK, isEntryModule, record } from './results.js';
import { atSourcePositions } from './profile-summary.js';
import { generateSubscribersCsv } from './import.js';
import { javaRss as javaRssOf, percentile } from './measure.js';

/**
 * Dispatch end to end on this machine: the local runtime (API, scheduler, dispatcher) on an in-memory
 * DynamoDB Local, sending to carrier simulators. Prints messages/s for 100,000 recipients, DynamoDB write
 * requests per message and peak memory. Pacing at the partners is bench/pacing.ts.
 */
/** `BENCH_DISPATCH_ROWS`: another size (a profile at 20,000 shows the steady state in a third of the time). */
const THROUGHPUT_ROWS = Number(process.env.BENCH_DISPATCH_ROWS ?? (QUICK ? 3_000 : 100_000));
/** Every fast partner's TPS: no limit for this machine. */
const FAST_TPS = 5000;

/** The figures of the throughput part (`dispatch.content.*` the same for the run with content). */
const THROUGHPUT_FIGURES = [
  'messages_per_second',
  'seconds',
  'messages',
  'duplicates',
  'ratio_to_state_store_ceiling',
  'ratio_to_handover_ceiling',
  'state_store_ceiling_messages_per_second',
];
export const FIGURES = [
  ...CEILING_FIGURES,
  ...THROUGHPUT_FIGURES.map((f) => `dispatch.${f}`),
  ...THROUGHPUT_FIGURES.map((f) => `dispatch.content.${f}`),
  'dynamodb.writes_per_message',
  'dynamodb.reads_per_message',
  'dynamodb.write_units_per_message',
  'dynamodb.read_units_per_message',
  'lambda.dispatch_consumer.invocations_per_message',
  'lambda.dispatch_consumer.mean_ms',
  'lambda.dispatch_consumer.p95_ms',
  'lambda.*.invocations_per_message',
  'dispatch.seconds_to_first_handover',
  'dispatch.handover_span_seconds',
  'dispatch.seconds_after_last_handover',
  'dispatch.materialize_seconds',
  'dispatch.consumer_busy_ratio',
  'dispatch.node_cpu_seconds_per_1000_messages',
  'dispatch.java_cpu_seconds_per_1000_messages',
  'dispatch.cpu_bound_messages_per_second',
  'dispatch.cpu_busy_ratio',
  'dispatch.node_peak_rss_mb',
  'dispatch.java_peak_rss_mb',
];

interface Ceilings {
  handover: number;
  store: StoreCeiling;
  /** The dispatcher's consumers for the three fast partners. */
  concurrency: number;
}

/** Handler durations per function while `invocations` is on (the Lambda cost inputs). */
const lambdaTimings = () => {
  const byFunction = new Map<string, number[]>();
  watchInvocations(({ functionName, ms }: Invocation) => {
    const list = byFunction.get(functionName) ?? [];
    list.push(ms);
    byFunction.set(functionName, list);
  });
  return {
    stop: () => {
      watchInvocations(undefined);
      return byFunction;
    },
  };
};

const snakeCase = (name: string) => name.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
const javaPid = (endpoint: string): string | undefined => {
  try {
    const port = new URL(endpoint).port;
    return execFileSync('pgrep', ['-f', `DynamoDBLocal.jar.*-port ${port}`])
      .toString()
      .trim()
      .split('\n')[0];
  } catch {
    return undefined;
  }
};

/** Linux counts a process's CPU time in clock ticks of 1/100 s (`getconf CLK_TCK`). */
const CLOCK_TICKS_PER_SECOND = 100;

/** CPU seconds (user + system) the process has used: /proc/<pid>/stat fields 14 and 15. */
const processCpuSeconds = (pid: string): number => {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS_PER_SECOND;
};

/**
 * CPU used from now to `stop()`: by this process (the local runtime and the simulators) and by DynamoDB
 * Local's JVM. On a machine of `cores` cores a run that keeps them busy is bound by CPU, not by waiting.
 */
const cpuMeter = (endpoint: string) => {
  const pid = javaPid(endpoint);
  const startNode = process.cpuUsage();
  const startJava = pid ? processCpuSeconds(pid) : NaN;
  return {
    stop: () => {
      const node = process.cpuUsage(startNode);
      return {
        nodeSeconds: (node.user + node.system) / 1e6,
        javaSeconds: pid ? processCpuSeconds(pid) - startJava : NaN,
      };
    },
  };
};

/**
 * `BENCH_DISPATCH_PROFILE=<dir>`: where the CPU goes during the throughput run (without content), from
 * approval to completion: this process's V8 CPU profile (`node.cpuprofile`, for Chrome DevTools or
 * `bench/profile-summary.ts`) and DynamoDB Local's Java Flight Recording (`java.jfr`, `jfr print`). With
 * `NODE_OPTIONS=--enable-source-maps` the node profile's frames are at their TypeScript lines. The
 * profilers cost CPU themselves: a profiled run's CPU and rate figures are not figures.
 */
const PROFILE_DIR = process.env.BENCH_DISPATCH_PROFILE;

const profiler = (dir: string, endpoint: string) => {
  mkdirSync(dir, { recursive: true });
  const session = new Session();
  session.connect();
  const started = session.post('Profiler.enable').then(() => session.post('Profiler.start'));
  const pid = javaPid(endpoint);
  const jfr = resolve(dir, 'java.jfr');
  // Not execFileSync: blocked for the seconds jcmd takes, the API's idle keep-alive sockets close under the
  // bench's next request (ECONNRESET on the approval).
  const jcmd = (...args: string[]) => (pid ? promisify(execFile)('jcmd', [pid, ...args]) : undefined);
  const recording = jcmd('JFR.start', 'name=dispatch', 'settings=profile', `filename=${jfr}`);
  return {
    stop: async () => {
      await started;
      const { profile } = await session.post('Profiler.stop');
      writeFileSync(join(dir, 'node.cpuprofile'), JSON.stringify(atSourcePositions(profile)));
      session.disconnect();
      await recording;
      await jcmd('JFR.stop', 'name=dispatch');
      console.log(`  profiles: ${join(dir, 'node.cpuprofile')}${pid ? `, ${jfr}` : ''}`);
    },
  };
};

const number = (n: number) => n.toLocaleString('en-US');

const LINK = '{{link:https://bocongan.gov.vn/111}}';

/**
 * The content variant of the throughput run (issue #16): three languages, two treatments and a 10 %
 * holdout, a `{{ten|bà con}}` field. The subscribers get `language` and `Tên` columns (the import keeps
 * them as the member's language and attributes once it reads them; until then the fallbacks are sent).
 */
const CONTENT = {
  message: `Chào {{ten|bà con}}, cảnh giác việc nhẹ lương cao ở nước ngoài. Gọi 111. ${LINK}`,
  variants: {
    'vi-x-khongdau': `Chao {{ten|ba con}}, canh giac viec nhe luong cao o nuoc ngoai. Goi 111. ${LINK}`,
    hmn: `Nyob zoo {{ten|bà con}}, ceev faj txoj haujlwm nyob txawv teb chaws. Hu 111. ${LINK}`,
  },
  treatments: [
    { id: 'A', percent: 45 },
    {
      id: 'B',
      percent: 45,
      message: `Kính gửi {{ten|bà con}}: gọi 111 nếu ai hứa việc nhẹ lương cao. ${LINK}`,
    },
  ],
  holdoutPercent: 10,
};

const withContentColumns = (csv: string): string => {
  const languages = ['vi', 'vi-x-khongdau', 'hmn'];
  return csv
    .split('\r\n')
    .map((line, n) => {
      if (!line) return line;
      if (n === 0) return `${line},language,Tên`;
      return `${line},${languages[n % 3]},${n % 5 ? `Người ${n}` : ''}`;
    })
    .join('\r\n');
};

/** 1. Throughput: 100,000 recipients over three partners whose TPS is no limit (disabled afterwards). */
const throughputPart = async (
  runtime: Runtime,
  csv: string,
  counts: RequestCounts,
  simulators: CarrierSimulator[],
  ceilings: Ceilings,
  withContent = false,
) => {
  const suffix = withContent ? '-content' : '';
  const fast = [
    await addPartner(runtime, `fast-viettel${suffix}`, ['viettel'], FAST_TPS),
    await addPartner(runtime, `fast-vnpt${suffix}`, ['vinaphone', 'itel', 'reddi'], FAST_TPS),
    await addPartner(runtime, `fast-other${suffix}`, ['*'], FAST_TPS),
  ];
  simulators.push(...fast);
  let timings: ReturnType<typeof lambdaTimings> | undefined;
  let cpu: ReturnType<typeof cpuMeter> | undefined;
  let profiling: ReturnType<typeof profiler> | undefined;
  let approvedAt = 0;
  const throughput = await sendCampaign(
    runtime,
    withContent ? withContentColumns(csv) : csv,
    fast.map((s) => s.partnerId),
    () => {
      resetCounts(counts);
      timings = lambdaTimings();
      if (PROFILE_DIR && !withContent)
        profiling = profiler(PROFILE_DIR, String(process.env.AWS_ENDPOINT_URL_DYNAMODB));
      cpu = cpuMeter(String(process.env.AWS_ENDPOINT_URL_DYNAMODB));
      approvedAt = Date.now();
    },
    withContent ? CONTENT : {},
  );
  const durations = timings?.stop() ?? new Map<string, number[]>();
  const cpuUsed = cpu?.stop() ?? { nodeSeconds: NaN, javaSeconds: NaN };
  const completedAt = Date.now();
  await profiling?.stop();
  // Counted from approval to completion: materialisation, hand-over, settlement, progress, polling reads.
  const writes = writeRequests(counts);
  const accepted = fast.reduce((sum, s) => sum + s.counters().accepted, 0);
  const duplicates = fast.reduce((sum, s) => sum + s.counters().duplicates, 0);
  const perSecond = accepted / throughput.seconds;
  const perMessage = Object.fromEntries(
    WRITE_OPERATIONS.map((op) => [op, (counts.calls[op] ?? 0) / accepted]),
  );
  const storeCeiling = stateStoreMessagesPerSecond(ceilings.store, perMessage);
  const key = withContent ? 'dispatch.content' : 'dispatch';
  record(`${key}.messages_per_second`, Math.round(perSecond), 'msg/s');
  record(`${key}.seconds`, Number(throughput.seconds.toFixed(1)), 's');
  record(`${key}.messages`, accepted, 'messages');
  record(`${key}.duplicates`, duplicates, 'messages');
  record(`${key}.state_store_ceiling_messages_per_second`, Math.round(storeCeiling), 'msg/s');
  record(`${key}.ratio_to_state_store_ceiling`, Number((perSecond / storeCeiling).toFixed(3)), 'ratio');
  record(`${key}.ratio_to_handover_ceiling`, Number((perSecond / ceilings.handover).toFixed(4)), 'ratio');
  console.log(
    `  ratio to the state-store ceiling     ${(perSecond / storeCeiling).toFixed(3)} of ${Math.round(storeCeiling).toLocaleString('en-US')} msg/s (goal ≥ 0.5); to the hand-over ceiling ${(perSecond / ceilings.handover).toFixed(4)}`,
  );
  if (!withContent) {
    // Where the time goes: approval → first batch at a partner (start, materialisation's first group),
    // the hand-over span, last batch → completed (settles, the sweep's completion); the materialiser's
    // and the consumers' handler time (busy ratio: consumer time ÷ (slots × elapsed)).
    const arrivals = fast.flatMap((s) => s.counters().arrivals.map(([at]) => at));
    const first = Math.min(...arrivals);
    const last = Math.max(...arrivals);
    const sum = (name: string) => (durations.get(name) ?? []).reduce((total, ms) => total + ms, 0);
    const busy = sum('dispatchConsumer') / (ceilings.concurrency * throughput.seconds * 1000);
    record('dispatch.seconds_to_first_handover', Number(((first - approvedAt) / 1000).toFixed(2)), 's');
    record('dispatch.handover_span_seconds', Number(((last - first) / 1000).toFixed(2)), 's');
    record('dispatch.seconds_after_last_handover', Number(((completedAt - last) / 1000).toFixed(2)), 's');
    record('dispatch.materialize_seconds', Number((sum('materializeCampaign') / 1000).toFixed(2)), 's');
    record('dispatch.consumer_busy_ratio', Number(busy.toFixed(3)), 'ratio');
    // CPU per 1,000 messages, and the rate those allow if both cores did nothing else.
    const cores = availableParallelism();
    const perThousand = (seconds: number) => (seconds / accepted) * 1000;
    const cpuBound = (cores * 1000) / perThousand(cpuUsed.nodeSeconds + cpuUsed.javaSeconds);
    const cpuBusy = (cpuUsed.nodeSeconds + cpuUsed.javaSeconds) / (cores * throughput.seconds);
    record(
      'dispatch.node_cpu_seconds_per_1000_messages',
      Number(perThousand(cpuUsed.nodeSeconds).toFixed(3)),
      's',
    );
    record(
      'dispatch.java_cpu_seconds_per_1000_messages',
      Number(perThousand(cpuUsed.javaSeconds).toFixed(3)),
      's',
    );
    record('dispatch.cpu_bound_messages_per_second', Math.round(cpuBound), 'msg/s');
    record('dispatch.cpu_busy_ratio', Number(cpuBusy.toFixed(3)), 'ratio');
    console.log(
      `  CPU per 1,000 messages: node (runtime + simulators) ${perThousand(cpuUsed.nodeSeconds).toFixed(3)} s, DynamoDB Local ${perThousand(cpuUsed.javaSeconds).toFixed(3)} s; ${cores} cores busy ${cpuBusy.toFixed(2)} of the run; at that CPU per message the cores allow ${number(Math.round(cpuBound))} msg/s`,
    );
    console.log(
      `  time: first hand-over ${((first - approvedAt) / 1000).toFixed(1)} s after approval, hand-overs over ${((last - first) / 1000).toFixed(1)} s, completed ${((completedAt - last) / 1000).toFixed(1)} s after the last; materialiser ${(sum('materializeCampaign') / 1000).toFixed(1)} s of handler time; consumers busy ${busy.toFixed(2)} of ${ceilings.concurrency} slots`,
    );
    record('dynamodb.writes_per_message', Number((writes / accepted).toFixed(4)), 'requests');
    record('dynamodb.reads_per_message', Number((readRequests(counts) / accepted).toFixed(4)), 'requests');
    record('dynamodb.write_units_per_message', Number((counts.writeUnits / accepted).toFixed(4)), 'WCU');
    record('dynamodb.read_units_per_message', Number((counts.readUnits / accepted).toFixed(4)), 'RCU');
    console.log(
      `  DynamoDB per message                 reads ${(readRequests(counts) / accepted).toFixed(3)} requests; capacity units: ${(counts.writeUnits / accepted).toFixed(3)} write, ${(counts.readUnits / accepted).toFixed(3)} read (transactions billed twice)`,
    );
    for (const [functionName, list] of durations) {
      const sorted = [...list].sort((a, b) => a - b);
      const name = snakeCase(functionName);
      const mean = sorted.reduce((sum, ms) => sum + ms, 0) / sorted.length;
      record(
        `lambda.${name}.invocations_per_message`,
        Number((sorted.length / accepted).toFixed(5)),
        'ratio',
      );
      record(`lambda.${name}.mean_ms`, Number(mean.toFixed(1)), 'ms');
      record(`lambda.${name}.p95_ms`, Number(percentile(sorted, 95).toFixed(1)), 'ms');
      console.log(
        `  Lambda ${functionName.padEnd(30)} ${sorted.length} invocations (${(sorted.length / accepted).toFixed(4)} per message), mean ${mean.toFixed(1)} ms, p95 ${percentile(sorted, 95).toFixed(1)} ms`,
      );
    }
  }
  console.log(
    `\nThroughput${withContent ? ' with content (3 languages, treatments A/B 45/45, 10 % holdout, a {{ten|bà con}} field)' : ''}: ${number(THROUGHPUT_ROWS)} rows, ${number(accepted)} messages handed over`,
  );
  console.log(`  seconds from approval to completed  ${throughput.seconds.toFixed(1)}`);
  console.log(
    `  messages/s end to end               ${number(Math.round(accepted / throughput.seconds))}  (goal ≥ 1,000)`,
  );
  console.log(`  duplicates at the partners          ${duplicates}`);
  console.log(
    `  DynamoDB write requests / message   ${(writes / accepted).toFixed(3)}  (goal ≤ 3; ${number(writes)} requests: ${Object.entries(
      counts.calls,
    )
      .filter(([op]) =>
        ['BatchWriteItem', 'PutItem', 'UpdateItem', 'DeleteItem', 'TransactWriteItems'].includes(op),
      )
      .map(([op, n]) => `${op} ${number(n)}`)
      .join(', ')})`,
  );
  for (const s of fast)
    await call(runtime, 'admin', 'PUT', `/v1/partners/${s.partnerId}`, {
      name: s.partnerId,
      webhookUrl: s.url,
      carriers: ['*'],
      tps: FAST_TPS,
      senderId: 'BOCONGAN',
      enabled: false,
    });
};

export async function dispatchBenchmark(): Promise<void> {
  const { runtime, stop } = await startBenchRuntime();
  const counts: RequestCounts = countRequests(dynamoDocumentClient());
  let peakRss = 0;
  const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 100);
  const simulators: CarrierSimulator[] = [];
  try {
    const csv = generateSubscribersCsv(THROUGHPUT_ROWS);
    // BENCH_DISPATCH=content: the throughput run with content alone; =plain: the one without content alone.
    const only = process.env.BENCH_DISPATCH;
    // The dispatcher's consumers for the three fast partners, each with batches of 100.
    const concurrency = 3 * consumerSlots({ tps: FAST_TPS, maxBatchSize: 100 });
    const measured = await measureCeilings({ batches: QUICK ? 200 : 1000, concurrency });
    const ceilings = { ...measured, concurrency };
    if (only !== 'content') await throughputPart(runtime, csv, counts, simulators, ceilings);
    if (only !== 'plain') await throughputPart(runtime, csv, counts, simulators, ceilings, true);
    const nodeRss = Math.round(peakRss / 1024 / 1024);
    const javaRss = javaRssOf(String(process.env.AWS_ENDPOINT_URL_DYNAMODB))?.peak;
    record('dispatch.node_peak_rss_mb', nodeRss, 'MB');
    if (javaRss !== undefined) record('dispatch.java_peak_rss_mb', javaRss, 'MB');
    console.log(`\nPeak RSS: local runtime (node) ${nodeRss} MB; DynamoDB Local (java) ${javaRss ?? '?'} MB`);
  } finally {
    clearInterval(sampler);
    await stop(simulators);
  }
}

if (isEntryModule(import.meta.url)) await dispatchBenchmark();
