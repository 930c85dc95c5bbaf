import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dynamoDocumentClient } from '#adapters/clients.js';
import type { CarrierSimulator } from '#local/simulators/index.js';
import type { Runtime } from '#local/runtime.js';
import { addPartner, call, sendCampaign, startBenchRuntime } from './campaign.js';
import { countRequests, writeRequests, type RequestCounts } from './counters.js';
import { generateSubscribersCsv } from './import.js';

/**
 * Dispatch end to end on this machine: the local runtime (API, scheduler, dispatcher) on an in-memory
 * DynamoDB Local, sending to carrier simulators. Prints messages/s for 100,000 recipients, DynamoDB write
 * requests per message and peak memory. Pacing at the partners is bench/pacing.ts.
 */
const THROUGHPUT_ROWS = 100_000;

const javaPeakRssMb = (endpoint: string): number | undefined => {
  try {
    const port = new URL(endpoint).port;
    const pid = execFileSync('pgrep', ['-f', `DynamoDBLocal.jar.*-port ${port}`])
      .toString()
      .trim()
      .split('\n')[0];
    const hwm = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
    return hwm ? Math.round(Number(hwm) / 1024) : undefined;
  } catch {
    return undefined;
  }
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
  withContent = false,
) => {
  const suffix = withContent ? '-content' : '';
  const fast = [
    await addPartner(runtime, `fast-viettel${suffix}`, ['viettel'], 5000),
    await addPartner(runtime, `fast-vnpt${suffix}`, ['vinaphone', 'itel', 'reddi'], 5000),
    await addPartner(runtime, `fast-other${suffix}`, ['*'], 5000),
  ];
  simulators.push(...fast);
  const throughput = await sendCampaign(
    runtime,
    withContent ? withContentColumns(csv) : csv,
    fast.map((s) => s.partnerId),
    () => {
      counts.calls = {};
      counts.batchWriteItems = 0;
    },
    withContent ? CONTENT : {},
  );
  // Counted from approval to completion: materialisation, hand-over, settlement, progress, polling reads.
  const writes = writeRequests(counts);
  const accepted = fast.reduce((sum, s) => sum + s.counters().accepted, 0);
  const duplicates = fast.reduce((sum, s) => sum + s.counters().duplicates, 0);
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
      tps: 5000,
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
    // BENCH_DISPATCH=content: the throughput run with content alone.
    if (process.env.BENCH_DISPATCH !== 'content') await throughputPart(runtime, csv, counts, simulators);
    await throughputPart(runtime, csv, counts, simulators, true);

    clearInterval(sampler);
    console.log(
      `\nPeak RSS: local runtime (node) ${Math.round(peakRss / 1024 / 1024)} MB; DynamoDB Local (java) ${javaPeakRssMb(String(process.env.AWS_ENDPOINT_URL_DYNAMODB)) ?? '?'} MB`,
    );
  } finally {
    clearInterval(sampler);
    await stop(simulators);
  }
}

await dispatchBenchmark();
