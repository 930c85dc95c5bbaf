import autocannon from 'autocannon';
import type { Runtime } from '#local/runtime.js';
import { addPartner, call, sendCampaign, startBenchRuntime } from './campaign.js';
import { generateSubscribersCsv } from './import.js';
import { record, isEntryModule } from './results.js';

/**
 * Load on the API (issue #17): concurrent clients (`autocannon`, on 127.0.0.1) on the two reads the console
 * polls, a campaign's metrics and the campaign list, with 100 and then 1,000 campaigns in the table. One
 * campaign has sent (1,000 recipients), so its metrics have counters to read; the others are drafts made
 * through the API. Prints p50, p99, requests/s and errors (non-2xx answers and failed connections) of each.
 * `BENCH_QUICK=1`: 2 s per endpoint instead of 10.
 */
const QUICK = process.env.BENCH_QUICK === '1';
const SECONDS = QUICK ? 2 : 10;
const CONNECTIONS = 20;
// Quick (the smoke test): the same figures at a tenth of the table, seconds instead of minutes of seeding.
const SIZES = QUICK ? [10, 100] : [100, 1000];
const CREATING_AT_ONCE = 8;

const draft = (n: number, audienceId: string) => ({
  name: `Load ${n}`,
  message: 'Canh giac viec nhe luong cao o nuoc ngoai. Goi 111 (mien phi).',
  audienceIds: [audienceId],
  schedule: { asap: true },
  sendingWindow: null,
});

/** Draft campaigns through the API until the table holds `total`, a few requests at a time. */
const seedCampaigns = async (runtime: Runtime, audienceId: string, from: number, total: number) => {
  let next = from;
  const worker = async () => {
    while (next < total) await call(runtime, 'officer', 'POST', '/v1/campaigns', draft(next++, audienceId));
  };
  await Promise.all(Array.from({ length: CREATING_AT_ONCE }, worker));
};

const load = async (runtime: Runtime, path: string) => {
  const result = await autocannon({
    url: `${runtime.url}${path}`,
    connections: CONNECTIONS,
    duration: SECONDS,
    headers: { authorization: `Bearer ${runtime.tokens.planner}` },
  });
  return {
    p50: result.latency.p50,
    p99: result.latency.p99,
    rps: result.requests.average,
    errors: result.non2xx + result.errors + result.timeouts,
    total: result.requests.total,
  };
};

/** The keys this benchmark records (`bench/run.ts` and the smoke test expect them). */
export const FIGURES = [
  'api_load.*.p50_ms',
  'api_load.*.p99_ms',
  'api_load.*.requests_per_second',
  'api_load.*.errors',
];

export async function apiLoadBenchmark(): Promise<void> {
  const { runtime, stop } = await startBenchRuntime();
  const partner = await addPartner(runtime, 'load-partner', ['*'], 5000);
  try {
    const sent = await sendCampaign(runtime, generateSubscribersCsv(1000, 17), [partner.partnerId]);
    const audience = await call(runtime, 'officer', 'POST', '/v1/audiences', { name: 'load' });
    let campaigns = 1;
    console.log(
      `\nAPI load: ${CONNECTIONS} concurrent clients, ${SECONDS} s per endpoint, on 127.0.0.1 (one campaign sent to ${sent.accepted} recipients, the others drafts)`,
    );
    for (const size of SIZES) {
      await seedCampaigns(runtime, String(audience.id), campaigns, size);
      campaigns = size;
      const endpoints = [
        ['metrics', `/v1/campaigns/${sent.campaignId}/metrics`],
        ['campaigns_list', '/v1/campaigns'],
      ] as const;
      for (const [name, path] of endpoints) {
        const figures = await load(runtime, path);
        console.log(
          `  ${String(size).padStart(5)} campaigns, GET ${path.replace(sent.campaignId, '{id}').padEnd(28)} p50 ${figures.p50} ms, p99 ${figures.p99} ms, ${Math.round(figures.rps)} requests/s, ${figures.errors} errors of ${figures.total}`,
        );
        record(`api_load.${size}.${name}.p50_ms`, figures.p50, 'ms');
        record(`api_load.${size}.${name}.p99_ms`, figures.p99, 'ms');
        record(`api_load.${size}.${name}.requests_per_second`, Math.round(figures.rps), 'req/s');
        record(`api_load.${size}.${name}.errors`, figures.errors, 'requests');
      }
    }
  } finally {
    await stop([partner]);
  }
}

if (isEntryModule(import.meta.url)) await apiLoadBenchmark();
