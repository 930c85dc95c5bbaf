import { setTimeout as sleep } from 'node:timers/promises';
import { dynamoDocumentClient } from '#adapters/clients.js';
import { keys } from '#adapters/table.js';
import { meanInRollingWindow } from '#local/simulators/carrier-rules.js';
import type { SimulatorCounters } from '#local/simulators/index.js';
import type { Runtime } from '#local/runtime.js';
import { call, importCsv, registerPartner, simulatorOptions, startBenchRuntime } from './campaign.js';
import { countRequests, type RequestCounts } from './counters.js';
import { generateSubscribersCsv } from './import.js';
import { record, isEntryModule } from './results.js';
import { startSimulatorProcess, type SimulatorProcess } from './simulator-process.js';

/**
 * Pacing as partners see it (issue #17): three partners at once, each at 10, 50, 200 and then 1,000 TPS,
 * and then one partner alone at 1,000 TPS, each simulator in a process of its own, judged from the
 * simulators' own arrival times:
 * - the busiest rolling second of every batch offered (throttled ones included) ÷ tps: goal ≤ 1;
 * - achieved: the mean of the rolling seconds within each partner's run ÷ tps (`meanInRollingWindow`, the
 *   measure the fake-clock model test uses): goal ≥ 0.97, the ceiling 1000 / 1020 = 0.980;
 * - messages throttled (429) for TPS.
 * Per case the worst of its partners is recorded (`pacing.<tps>.*` for three partners, `pacing.<tps>_alone.*`
 * for one), and over all cases the worst of all. Three partners at 1,000 TPS ask for 3,000 msg/s, 61 % of
 * what this 2-core machine's CPU allows end to end (`dispatch.cpu_bound_messages_per_second`), beside three
 * simulators and the campaigns being written: there the machine's load shows in the pacing (batches sent late
 * and answers seen late, each counted from then); `pacing.achieved_ratio_within_machine` is the worst over
 * the cases asking for at most `MACHINE_DEMAND_LIMIT` msg/s, and the case alone shows the pacer at 1,000 TPS.
 * 12 s of traffic at each rate; `--quick` (or BENCH_QUICK=1): 2 s of 3 × 10 TPS and of
 * 1 × 1,000 TPS, for the smoke test (it asserts no timing).
 * BENCH_PACING_TRACE=1 prints each throttled batch with its rolling second (=all: every batch);
 * BENCH_PACING_TPS=10,50 runs only those rates (three partners each).
 */
interface PacingCase {
  tps: number;
  partners: number;
}
const ONLY_RATES = process.env.BENCH_PACING_TPS?.split(',').map(Number);
const quick = process.argv.includes('--quick') || process.env.BENCH_QUICK === '1';
/** The smoke test's cases: three partners at once, and one alone at the highest rate (every figure's kind). */
const QUICK_CASES: PacingCase[] = [
  { tps: 10, partners: 3 },
  { tps: 1000, partners: 1 },
];
const CASES: PacingCase[] = ONLY_RATES
  ? ONLY_RATES.map((tps) => ({ tps, partners: 3 }))
  : quick
    ? QUICK_CASES
    : [...[10, 50, 200, 1000].map((tps) => ({ tps, partners: 3 })), { tps: 1000, partners: 1 }];
/** The most messages per second asked of the run that this machine carries with room (a third of its CPU). */
const MACHINE_DEMAND_LIMIT = 1000;
const caseKey = ({ tps, partners }: PacingCase) => (partners === 1 ? `${tps}_alone` : String(tps));
/**
 * Seconds of traffic at every rate. At 1,000 TPS it was 6 s, of which the 3 s judged were mostly the time
 * the other partners' campaigns were still being written (the runtime busy 40–110 ms at a time, each batch
 * due meanwhile late); a campaign at 1,000 TPS lasts minutes, 12 s judges more of its steady state.
 */
const secondsAt = () => (quick ? 2 : 12);

/** A partner's figures from its simulator's counters. */
const judge = (counters: SimulatorCounters, tps: number) => ({
  busiest: counters.maxOfferedInAnySecond / tps,
  achieved: (meanInRollingWindow(counters.arrivals) ?? 0) / tps,
  throttled: counters.throttled,
  batches: counters.arrivals.length,
});

/**
 * Requests to the partners' pacing logs: conditional puts (failed ones too) and reads, and by partner every
 * moment its successful puts held, for the trace.
 */
const rateLogRequests = (counts: RequestCounts, partnerIds: readonly string[]) => {
  const byPk = new Map(
    partnerIds.map((id) => [
      keys.rate(id).pk,
      { id, puts: 0, gets: 0, failed: 0, moments: new Set<number>() },
    ]),
  );
  counts.watch = ({ operation, pk, failed, item }) => {
    const tally = pk === undefined ? undefined : byPk.get(pk);
    if (!tally) return;
    if (operation === 'PutItem') tally.puts++;
    if (operation === 'GetItem') tally.gets++;
    if (failed) tally.failed++;
    // Every moment in the log written: one write may reserve several batches (one process's consumers
    // asking together), and the last entry alone made the others look sent a share or more late.
    const log = item?.log;
    if (operation === 'PutItem' && !failed && Array.isArray(log))
      for (let i = 0; i + 1 < log.length; i += 2) tally.moments.add(Number(log[i]));
  };
  const all = [...byPk.values()];
  return {
    totals: () =>
      all.reduce(
        (sum, t) => ({ puts: sum.puts + t.puts, gets: sum.gets + t.gets, failed: sum.failed + t.failed }),
        { puts: 0, gets: 0, failed: 0 },
      ),
    moments: (partnerId: string) => [...(all.find((t) => t.id === partnerId)?.moments ?? [])],
  };
};

const ms = (n: number) => `${n >= 0 ? '+' : ''}${Math.round(n)}`;

/**
 * Which side the jitter is on. For each batch: the moment it reserved (the latest reserved moment at or
 * before its send), how long after it the batch was sent (its body's timestamp: our side, a late timer or
 * a slow round trip) and how long it took from there to arrive (the network and the partner's side). Each
 * throttled batch is printed with the rolling second at the partner it overflowed.
 */
const tracePacing = (partnerId: string, { offers }: SimulatorCounters, moments: readonly number[]) => {
  const sorted = [...moments].sort((a, b) => a - b);
  const reservedFor = (sentAt: number) => sorted.filter((m) => m <= sentAt + 1).at(-1) ?? NaN;
  const origin = offers[0]?.arrivedAt ?? 0;
  const rows = offers.map((offer) => ({ ...offer, reservedAt: reservedFor(offer.sentAt) }));
  const line = (r: (typeof rows)[number]) =>
    `reserved ${ms(r.reservedAt - origin)} sent ${ms(r.sentAt - r.reservedAt)} arrived ${ms(r.arrivedAt - r.sentAt)} (at ${ms(r.arrivedAt - origin)}) ${r.messages} msgs${r.throttled ? ' THROTTLED' : ''}`;
  const quantiles = (list: number[]) => {
    const s = [...list].sort((a, b) => a - b);
    return [0.5, 0.9, 1].map((q) => s[Math.min(s.length - 1, Math.floor(q * s.length))] ?? NaN).join(' / ');
  };
  console.log(
    `      ${partnerId}: sent after moment (ms, p50 / p90 / max) ${quantiles(rows.map((r) => r.sentAt - r.reservedAt))}; sent → arrived ${quantiles(rows.map((r) => r.arrivedAt - r.sentAt))}`,
  );
  for (const row of rows) {
    if (!row.throttled) continue;
    console.log(`        throttled: ${line(row)}; its rolling second at the partner:`);
    for (const other of rows)
      if (other.arrivedAt > row.arrivedAt - 1000 && other.arrivedAt <= row.arrivedAt && !other.throttled)
        console.log(`          ${line(other)}`);
  }
  if (process.env.BENCH_PACING_TRACE === 'all')
    console.log(
      `        batches (reserved/sent after/arrived after × messages): ${rows.map((r) => `${Math.round(r.reservedAt - origin)}/${ms(r.sentAt - r.reservedAt)}/${ms(r.arrivedAt - r.sentAt)}×${r.messages}${r.throttled ? '!' : ''}`).join(' ')}`,
    );
};

/** Imports each CSV into an audience and prepares a campaign to the one partner, submitted for approval. */
const prepareCampaign = async (runtime: Runtime, csv: string, partnerId: string) => {
  const audience = await call(runtime, 'officer', 'POST', '/v1/audiences', { name: `pacing ${partnerId}` });
  await importCsv(runtime, String(audience.id), csv);
  const campaign = await call(runtime, 'officer', 'POST', '/v1/campaigns', {
    name: `Pacing ${partnerId}`,
    message: 'Canh giac viec nhe luong cao o nuoc ngoai. Goi 111 (mien phi).',
    audienceIds: [audience.id],
    schedule: { asap: true },
    sendingWindow: null,
    partnerIds: [partnerId],
  });
  await call(runtime, 'officer', 'POST', `/v1/campaigns/${campaign.id}/submit`);
  return String(campaign.id);
};

const untilCompleted = async (runtime: Runtime, campaignId: string) => {
  const started = performance.now();
  for (;;) {
    const current = await call(runtime, 'planner', 'GET', `/v1/campaigns/${campaignId}`);
    if (current.status === 'completed') return;
    if (performance.now() - started > 300_000) throw new Error(`campaign ${campaignId} did not complete`);
    await sleep(200);
  }
};

/** The keys this benchmark records (`bench/run.ts` and the smoke test expect them). */
export const FIGURES = [
  'pacing.*.max_rolling_second_ratio',
  'pacing.*.achieved_ratio',
  'pacing.*.throttled',
  'pacing.*.log_writes_per_batch',
  'pacing.max_rolling_second_ratio',
  'pacing.achieved_ratio',
  'pacing.achieved_ratio_within_machine',
];

export async function pacingBenchmark(): Promise<void> {
  const { runtime, stop } = await startBenchRuntime();
  const counts = countRequests(dynamoDocumentClient());
  const processes: SimulatorProcess[] = [];
  const worst = { busiest: 0, achieved: Infinity, achievedWithinMachine: Infinity };
  try {
    const rowsNeeded = CASES.reduce((sum, { tps, partners }) => sum + partners * tps * secondsAt(), 0);
    // Bad and duplicate phones are dropped on import: a few percent more rows than messages wanted.
    const [header, ...rows] = generateSubscribersCsv(Math.ceil(rowsNeeded * 1.05) + 100)
      .split('\r\n')
      .filter(Boolean);
    let nextRow = 0;
    console.log(
      `Pacing: ${CASES.map(({ tps, partners }) => `${partners} × ${tps} TPS for ${secondsAt()} s`).join(', ')} (partners at once), simulators in their own processes; from their arrival times: busiest rolling second ÷ tps (goal ≤ 1), achieved = mean rolling second ÷ tps (goal ≥ 0.97, ceiling 0.980)`,
    );
    for (const pacingCase of CASES) {
      const { tps, partners } = pacingCase;
      const key = caseKey(pacingCase);
      const simulators = await Promise.all(
        Array.from({ length: partners }, (_, i) =>
          startSimulatorProcess(simulatorOptions(`pace-${key.replace('_', '-')}-${i + 1}`, ['*'], tps)),
        ),
      );
      processes.push(...simulators);
      const campaignIds: string[] = [];
      for (const simulator of simulators) {
        await registerPartner(runtime, simulator, ['*'], tps);
        const slice = rows.slice(nextRow, (nextRow += tps * secondsAt()));
        campaignIds.push(
          await prepareCampaign(runtime, `${header}\r\n${slice.join('\r\n')}\r\n`, simulator.partnerId),
        );
      }
      const logs = rateLogRequests(
        counts,
        simulators.map((s) => s.partnerId),
      );
      const started = performance.now();
      await Promise.all(
        campaignIds.map((id) => call(runtime, 'approver', 'POST', `/v1/campaigns/${id}/approve`)),
      );
      for (const id of campaignIds) await untilCompleted(runtime, id);
      const seconds = (performance.now() - started) / 1000;
      const log = logs.totals();
      const results = await Promise.all(
        simulators.map(async (s) => ({ partnerId: s.partnerId, counters: await s.counters() })),
      );
      const judged = results.map(({ counters }) => judge(counters, tps));
      const busiest = Math.max(...judged.map((j) => j.busiest));
      const achieved = Math.min(...judged.map((j) => j.achieved));
      const throttled = judged.reduce((sum, j) => sum + j.throttled, 0);
      const batches = judged.reduce((sum, j) => sum + j.batches, 0);
      worst.busiest = Math.max(worst.busiest, busiest);
      worst.achieved = Math.min(worst.achieved, achieved);
      if (tps * partners <= MACHINE_DEMAND_LIMIT)
        worst.achievedWithinMachine = Math.min(worst.achievedWithinMachine, achieved);
      record(`pacing.${key}.max_rolling_second_ratio`, busiest, 'ratio');
      record(`pacing.${key}.achieved_ratio`, achieved, 'ratio');
      record(`pacing.${key}.throttled`, throttled, 'messages');
      record(`pacing.${key}.log_writes_per_batch`, log.puts / Math.max(1, batches), 'writes');
      console.log(
        `  ${String(tps).padStart(5)} TPS × ${partners}: busiest rolling second ${busiest.toFixed(3)} of tps, achieved ${achieved.toFixed(3)} (each partner ${judged.map((j) => `${j.achieved.toFixed(3)} / ${j.busiest.toFixed(2)}`).join(', ')}), ${throttled} throttled, ${seconds.toFixed(1)} s; pacing log ${(log.puts / Math.max(1, batches)).toFixed(2)} writes and ${(log.gets / Math.max(1, batches)).toFixed(2)} reads per batch (${log.failed} collisions)`,
      );
      if (process.env.BENCH_PACING_TRACE)
        for (const { partnerId, counters } of results)
          tracePacing(partnerId, counters, logs.moments(partnerId));
      for (const simulator of simulators) await simulator.close();
      processes.length = 0;
    }
    record('pacing.max_rolling_second_ratio', worst.busiest, 'ratio');
    record('pacing.achieved_ratio', worst.achieved, 'ratio');
    // BENCH_PACING_TPS=1000 runs no case within the machine's limit.
    if (Number.isFinite(worst.achievedWithinMachine))
      record('pacing.achieved_ratio_within_machine', worst.achievedWithinMachine, 'ratio');
    console.log(
      `  worst of all: busiest rolling second ${worst.busiest.toFixed(3)} of tps, achieved ${worst.achieved.toFixed(3)}; achieved where the run asks ≤ ${MACHINE_DEMAND_LIMIT} msg/s of the machine ${worst.achievedWithinMachine.toFixed(3)}`,
    );
  } finally {
    for (const simulator of processes) await simulator.close();
    await stop([]);
  }
}

if (isEntryModule(import.meta.url)) await pacingBenchmark();
