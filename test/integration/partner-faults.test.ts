import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { messageId, type Batch } from '#core/dispatch/batch.js';
import type { SimulatorMode } from '#local/simulators/index.js';
import type { TestApi } from '#support/api.js';
import { acceptedMessages, type SimulatedPartner, type SimulatedPartnerOptions } from '#support/partners.js';
import {
  batchesOf,
  completedBatches,
  launchCampaignTo,
  subscribers,
  waitFor,
  waitForStatus,
} from '#support/sending.js';
import { startDispatchStack, type DispatchStack } from '#support/stack.js';
import { expectStatus, send } from '#support/typed-api.js';
import { postReports } from '#support/webhooks.js';

/**
 * Partner faults (issue #17, docs/reliability.md "Partner faults"): real campaigns through the local
 * dispatcher to carrier simulators (local/simulators) that report delivery back to our API, each simulator
 * put in a fault mode on purpose — a 429 storm, 5xx, timeouts, slow answers, down, oversized and malformed
 * answers — and back to `ok` once the fault has been seen (a state waited for, never a time). Whatever the
 * fault, every message ends delivered, failed with a reason, or failed over and delivered by the next
 * partner; no batch stays `handing` (or `queued`); and no partner is handed a messageId twice except as a
 * replay under the same webhook-id.
 */

// A hand-over that gets no answer within 1 s is a timeout (the simulator's `slow` mode answers after 3 s).
process.env.WEBHOOK_TIMEOUT_MS = '1000';
// As in dispatch.test.ts: a wider pacing margin on this shared machine.
process.env.PACING_MARGIN_MS = '250';

let api: TestApi;
let stack: DispatchStack;

beforeAll(async () => {
  stack = await startDispatchStack();
  api = stack.api;
}, 60_000);

afterAll(() => stack?.stop());

const partner = (options: Omit<SimulatedPartnerOptions, 'reportTo'>) =>
  stack.partner({ latencyMs: 5, ...options, reportTo: api.url });

/** A campaign to `count` Viettel phones from `from`, routed to `partners` in that order. */
const campaignTo = async (partners: SimulatedPartner[], from: number, count: number) => {
  const campaign = await launchCampaignTo(api, `Faults ${from}`, subscribers('viettel', from, count), {
    partnerIds: partners.map((p) => p.id),
  });
  return String(campaign.id);
};

const FINAL = new Set(['delivered', 'failed']);
const isSettled = (b: Batch) => b.status !== 'queued' && b.status !== 'handing';

const summary = (batches: Batch[]) =>
  JSON.stringify(
    batches.map((b) => ({
      seq: b.seq,
      status: b.status,
      partnerId: b.partnerId,
      states: [...new Set(b.messages.map((m) => m.state))],
    })),
  );

/**
 * The campaign once completed and every message final (the delivery reports come after the settles),
 * with the guarantees of the suite checked: no batch left queued or handing, every message delivered or
 * failed with a reason, and each partner handed each messageId under one webhook-id only.
 */
const outcome = async (campaignId: string, partners: SimulatedPartner[]) => {
  await waitForStatus(api, campaignId, 'completed', 60_000);
  let batches: Batch[] = [];
  await waitFor(
    () => `every message of ${campaignId} delivered or failed: ${summary(batches)}`,
    async () => {
      batches = await batchesOf(campaignId);
      return batches.every((b) => isSettled(b) && b.messages.every((m) => FINAL.has(m.state)));
    },
    30_000,
    100,
  );
  expect(batches.filter((b) => !isSettled(b))).toEqual([]);
  const messages = batches.flatMap((b) => b.messages);
  expect(messages.filter((m) => m.state === 'failed' && !m.reason)).toEqual([]);

  for (const p of partners) {
    expect(p.sim.counters().duplicates, `${p.id} duplicates`).toBe(0);
    expect(
      p.handOvers.filter((h) => h.messages.length === 0),
      `${p.id}: an sms.send without messages`,
    ).toEqual([]);
    // Every request that carried a message to this partner, answered or not, used one webhook-id.
    const webhookIds = new Map<string, Set<string>>();
    for (const handOver of p.handOvers)
      for (const { messageId } of handOver.messages)
        webhookIds.set(messageId, (webhookIds.get(messageId) ?? new Set()).add(handOver.webhookId));
    expect(
      [...webhookIds].filter(([, ids]) => ids.size > 1),
      `${p.id}: messageIds under two webhook-ids`,
    ).toEqual([]);
    expect(
      [...acceptedMessages([p]).values()].filter((entry) => entry.handOvers.size !== 1),
      `${p.id}: messages accepted twice`,
    ).toEqual([]);
  }
  const delivered = messages.filter((m) => m.state === 'delivered').length;
  const reasons = new Map<string, number>();
  for (const m of messages)
    if (m.state === 'failed') reasons.set(m.reason ?? '', (reasons.get(m.reason ?? '') ?? 0) + 1);
  return { batches, delivered, reasons: Object.fromEntries(reasons) };
};

/** Statuses of the requests of each webhook-id, in arrival order (`-` for no answer). */
const answersByWebhookId = (p: SimulatedPartner) => {
  const answers = new Map<string, string[]>();
  for (const h of p.handOvers)
    answers.set(h.webhookId, [...(answers.get(h.webhookId) ?? []), String(h.status ?? '-')]);
  return answers;
};

/** Waits until each of `batches` webhook-ids has had `n` requests, then puts the partner back in `ok`. */
const recoverAfter = async (p: SimulatedPartner, batches: number, n: number) => {
  await waitFor(
    () => `${batches} batches each sent ${n} times to ${p.id}: ${JSON.stringify([...answersByWebhookId(p)])}`,
    () => {
      const counts = [...answersByWebhookId(p).values()].map((a) => a.length);
      return counts.length === batches && counts.every((count) => count >= n);
    },
    30_000,
  );
  p.setMode('ok');
};

const faulty = async (id: string, mode: SimulatorMode, extra: Partial<SimulatedPartnerOptions> = {}) => {
  const p = await partner({ id, carriers: ['viettel'], tps: 1000, maxBatchSize: 50, ...extra });
  p.setMode(mode);
  return p;
};

describe('a fault that passes: the same partner delivers everything, each message once', () => {
  it.each([
    { fault: 'throttle429', what: 'a 429 storm', from: 8_000_000, tries: 2, firstAnswer: '429' },
    { fault: 'fail500', what: '5xx answers', from: 8_100_000, tries: 2, firstAnswer: '500' },
    { fault: 'timeout', what: 'timeouts (no answer)', from: 8_200_000, tries: 2, firstAnswer: '-' },
    {
      fault: 'down',
      what: 'a partner down (connections dropped)',
      from: 8_300_000,
      tries: 2,
      firstAnswer: '-',
    },
  ] as const)(
    '$what',
    async ({ fault, from, tries, firstAnswer }) => {
      const p = await faulty(`pass-${fault}`, fault);
      const campaignId = await campaignTo([p], from, 100);
      await recoverAfter(p, 2, tries);
      const result = await outcome(campaignId, [p]);

      expect(result).toMatchObject({ delivered: 100, reasons: {} });
      expect(result.batches.map((b) => [b.status, b.partnerId, b.handedTo])).toEqual(
        Array(2).fill(['pending', p.id, [p.id]]),
      );
      expect(p.sim.counters()).toMatchObject({ accepted: 100, duplicates: 0 });
      for (const [, answers] of answersByWebhookId(p)) {
        expect(answers[0]).toBe(firstAnswer);
        expect(answers.at(-1)).toBe('200');
      }
      if (fault === 'throttle429') expect(p.sim.counters().throttled).toBeGreaterThanOrEqual(2 * 50);
    },
    60_000,
  );
});

describe('slow answers: the partner takes the batch and answers after 3 s, past our 1 s timeout', () => {
  it('reported on before our retry: settled from the reports, never sent again (nor as an empty batch)', async () => {
    const p = await faulty('slow-reported', 'slow');
    const campaignId = await campaignTo([p], 8_400_000, 100);
    const result = await outcome(campaignId, [p]);

    expect(result).toMatchObject({ delivered: 100, reasons: {} });
    expect(result.batches.map((b) => [b.status, b.partnerId, b.handedTo])).toEqual(
      Array(2).fill(['pending', p.id, [p.id]]),
    );
    // Whether the reports beat our retry depends on this machine's speed; either way nothing is refused
    // (the empty `sms.send` a fully reported batch used to get was a 400) and nothing is taken twice.
    expect(p.handOvers.every((h) => h.status === undefined || h.status === 200)).toBe(true);
    expect(p.sim.counters()).toMatchObject({ accepted: 100, rejected: 0, duplicates: 0 });
  }, 60_000);

  it('reported on after our retry: the retry is a replay under the same webhook-id, not a duplicate', async () => {
    const p = await faulty('slow-replayed', 'slow', { reportDelayMs: 4000 });
    const campaignId = await campaignTo([p], 8_450_000, 100);
    await recoverAfter(p, 2, 2);
    const result = await outcome(campaignId, [p]);

    expect(result).toMatchObject({ delivered: 100, reasons: {} });
    expect(result.batches.map((b) => [b.status, b.partnerId])).toEqual(Array(2).fill(['pending', p.id]));
    expect(p.sim.counters()).toMatchObject({ accepted: 100, duplicates: 0 });
    expect(p.sim.counters().replays).toBeGreaterThanOrEqual(2);
  }, 60_000);
});

describe('slow for good, and no other partner', () => {
  it('fails the messages as partner_unavailable; the partner’s later reports (it took the batch) replace that', async () => {
    // No delivery reports of its own: the test posts them once our dispatcher has given up.
    const p = await stack.partner({ id: 'slow-for-good', carriers: ['viettel'], tps: 1000 });
    p.setMode('slow');
    const campaignId = await campaignTo([p], 8_470_000, 30);
    const [given] = await completedBatches(api, campaignId, 60_000);
    expect(given).toMatchObject({ status: 'failed', handedTo: [p.id] });
    expect(given?.messages.every((m) => m.reason?.startsWith('partner_unavailable: timeout'))).toBe(true);
    expect(p.sim.counters()).toMatchObject({ accepted: 30, duplicates: 0 });

    // The partner reports on what it took, signed with its secret (rotated here so that the test knows it).
    const rotated = await send(api, 'rotatePartnerSecret', { params: { partnerId: p.id } });
    expectStatus(rotated, 200);
    const reports = (given?.messages ?? []).map((m) => ({
      messageId: messageId(campaignId, given?.seq ?? 0, m.index),
      status: m.index === 0 ? 'failed' : 'delivered',
      ...(m.index === 0 ? { errorCode: 'ABSENT_SUBSCRIBER' } : {}),
      at: new Date().toISOString(),
    }));
    const answer = await postReports(api.url, p.id, String(rotated.body.signingSecret), reports);
    expect(answer.body).toEqual({ processed: 30, ignored: 0 });
    const result = await outcome(campaignId, [p]);
    expect(result).toMatchObject({ delivered: 29, reasons: { 'unreachable: ABSENT_SUBSCRIBER': 1 } });
  }, 60_000);
});

describe('answers our API cannot read: the batch was taken, it is not handed over again', () => {
  it.each([
    { fault: 'oversized', what: 'a 200 of 256 KiB, past the 64 KiB read', from: 8_500_000 },
    { fault: 'malformed', what: 'a 200 whose JSON is cut short', from: 8_600_000 },
  ] as const)(
    '$what',
    async ({ fault, from }) => {
      const p = await faulty(`unreadable-${fault}`, fault, { maxBatchSize: 50 });
      const campaignId = await campaignTo([p], from, 100);
      const result = await outcome(campaignId, [p]);

      expect(result).toMatchObject({ delivered: 100, reasons: {} });
      // One request per batch: an unreadable 2xx is still an acceptance.
      expect([...answersByWebhookId(p).values()]).toEqual([['200'], ['200']]);
      expect(p.sim.counters()).toMatchObject({ accepted: 100, replays: 0, duplicates: 0 });
    },
    60_000,
  );
});

describe('a fault that outlasts the retries', () => {
  it.each([
    { fault: 'throttle429', from: 8_700_000, reason: 'partner_unavailable: throttled (429)', handed: false },
    { fault: 'fail500', from: 8_800_000, reason: 'partner_unavailable: partner error 500', handed: true },
    { fault: 'down', from: 8_900_000, reason: 'partner_unavailable: network error', handed: true },
  ] as const)(
    '$fault: fails over to the next partner, or fails with the reason when there is none',
    async ({ fault, from, reason, handed }) => {
      const primary = await faulty(`long-${fault}`, fault);
      const rescue = await partner({ id: `rescue-${fault}`, carriers: ['*'], tps: 1000, maxBatchSize: 50 });
      const failingOver = await campaignTo([primary, rescue], from, 100);
      const stranded = await campaignTo([primary], from + 50_000, 50);

      const moved = await outcome(failingOver, [primary, rescue]);
      expect(moved).toMatchObject({ delivered: 100, reasons: {} });
      expect(moved.batches.map((b) => [b.status, b.partnerId, b.handedTo])).toEqual(
        Array(2).fill(['pending', rescue.id, handed ? [primary.id, rescue.id] : [rescue.id]]),
      );
      const failed = await outcome(stranded, [primary]);
      expect(failed.delivered).toBe(0);
      expect(Object.values(failed.reasons)).toEqual([50]);
      expect(Object.keys(failed.reasons)[0]?.startsWith(reason)).toBe(true);
      expect(primary.sim.counters().accepted).toBe(0);
      // Five attempts per batch on the primary, then the next route (or the end).
      expect([...answersByWebhookId(primary).values()].map((a) => a.length)).toEqual([5, 5, 5]);

      // Back up: a new campaign goes to it, and nothing of the earlier ones is handed to it again.
      primary.setMode('ok');
      const before = primary.handOvers.length;
      const later = await campaignTo([primary, rescue], from + 70_000, 50);
      expect(await outcome(later, [primary, rescue])).toMatchObject({ delivered: 50, reasons: {} });
      expect(primary.handOvers.slice(before).every((h) => h.messages[0]?.messageId.startsWith(later))).toBe(
        true,
      );
    },
    90_000,
  );
});
