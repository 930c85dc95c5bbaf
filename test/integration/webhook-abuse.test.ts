import { randomBytes, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { messageId, type BatchMessage } from '#core/dispatch/batch.js';
import { reasonKey } from '#core/metrics/failure-reasons.js';
import { startLocalDispatcher } from '#local/dispatcher.js';
import type { LocalStreams } from '#local/streams.js';
import { startTestApi, type TestApi } from '#support/api.js';
import { startSimulatedPartner, type SimulatedPartner } from '#support/partners.js';
import { batchesOf, createAudience, launchCampaign, phone, waitForStatus } from '#support/sending.js';
import { startTestStreams } from '#support/streams.js';
import { allPages, bodyOf, expectStatus, send } from '#support/typed-api.js';
import { partnerSignature, postSigned, type SignedPost } from '#support/webhooks.js';

/**
 * Webhook abuse (issue #17, docs/reliability.md "Webhook abuse"): a real campaign handed to two partners
 * (A takes the Viettel batch, B the MobiFone one), then delivery reports and inbound replies posted to our
 * API as partners and impostors would: unsigned, wrongly signed, signed by the other partner, expired or
 * from the future, duplicated, replayed, out of order, and about the other partner's batch. After each step
 * the campaign's metrics (the table's stream aggregated as in AWS) must equal a recount of the campaign's
 * rows (`GET /v1/campaigns/{id}/messages`) and replies (`GET /v1/campaigns/{id}/replies`).
 */

const A = 'abuse-a';
const B = 'abuse-b';
const PER_PARTNER = 20;

let api: TestApi;
let streams: LocalStreams;
let dispatcher: { stop(): Promise<void> };
const partners: SimulatedPartner[] = [];
let campaignId: string;
const secrets: Record<string, string> = {};
/** Each partner's messages: id and phone, in batch order. */
const sent: Record<string, { id: string; to: string }[]> = {};

const msg = (partnerId: string, n: number) => {
  const m = sent[partnerId]?.[n];
  if (!m) throw new Error(`no message ${n} of ${partnerId}`);
  return m;
};

beforeAll(async () => {
  api = await startTestApi();
  streams = await startTestStreams();
  dispatcher = await startLocalDispatcher({ pollMs: 50 });
  partners.push(await startSimulatedPartner(api, { id: A, carriers: ['viettel'], tps: 500 }));
  partners.push(await startSimulatedPartner(api, { id: B, carriers: ['mobifone'], tps: 500 }));
  const audience = await createAudience(api, 'Webhook abuse', [
    ...Array.from({ length: PER_PARTNER }, (_, n) => ({ phone: phone('viettel', 7_000_000 + n) })),
    ...Array.from({ length: PER_PARTNER }, (_, n) => ({ phone: phone('mobifone', 7_000_000 + n) })),
  ]);
  const campaign = await launchCampaign(api, { audienceIds: [audience], partnerIds: [A, B] });
  campaignId = String(campaign.id);
  await waitForStatus(api, campaignId, 'completed', 60_000);
  for (const batch of await batchesOf(campaignId)) {
    expect(batch.handedTo).toEqual([batch.partnerId]);
    sent[batch.partnerId] = batch.messages.map((m) => ({
      id: messageId(campaignId, batch.seq, m.index),
      to: m.to,
    }));
  }
  expect(Object.keys(sent).sort()).toEqual([A, B]);
  // Our copies of the partners' secrets (the simulators verify our hand-overs with the same ones).
  for (const p of partners) {
    const rotated = await send(api, 'rotatePartnerSecret', { params: { partnerId: p.id } });
    expectStatus(rotated, 200);
    secrets[p.id] = String(rotated.body.signingSecret);
    p.sim.setSecret(secrets[p.id] ?? '');
  }
}, 120_000);

afterAll(async () => {
  await streams?.stop();
  await dispatcher?.stop();
  await Promise.all(partners.map((p) => p.close()));
  await api?.close();
});

const reportsPath = (partnerId: string) => `/v1/webhooks/${partnerId}/delivery-reports`;
const inboundPath = (partnerId: string) => `/v1/webhooks/${partnerId}/inbound`;

const report = (id: string, status: string, at: string, extra: Record<string, unknown> = {}) => ({
  messageId: id,
  status,
  at,
  ...extra,
});
const seconds = (s: number) => new Date(Date.now() + s * 1000).toISOString();

/** Delivery reports signed with `secret` (default the partner's own), posted to `partnerId`'s URL. */
const postReports = (partnerId: string, reports: unknown[], options: SignedPost & { secret?: string } = {}) =>
  postSigned(
    api.url,
    reportsPath(partnerId),
    options.secret ?? secrets[partnerId] ?? '',
    { reports },
    options,
  );

const postInbound = (
  partnerId: string,
  messages: unknown[],
  options: SignedPost & { secret?: string } = {},
) =>
  postSigned(
    api.url,
    inboundPath(partnerId),
    options.secret ?? secrets[partnerId] ?? '',
    { messages },
    options,
  );

const reply = (from: string, text: string, id = `in_${randomUUID()}`) => ({
  id,
  from,
  text,
  at: new Date().toISOString(),
});

/** An officer's call for one page of this campaign's list. */
const campaignPage = (limit: number, cursor: string | undefined) => ({
  params: { campaignId },
  query: { limit, cursor },
  as: 'officer' as const,
});

const allRows = () =>
  allPages(async (cursor) => bodyOf(await send(api, 'listCampaignMessages', campaignPage(500, cursor)), 200));

const allReplies = () =>
  allPages(async (cursor) => bodyOf(await send(api, 'listCampaignReplies', campaignPage(100, cursor)), 200));

/** What the metrics must say, counted from the campaign's rows and replies (each recipient once). */
const recount = async () => {
  const [rows, replies] = await Promise.all([allRows(), allReplies()]);
  const count = (status: string) => rows.filter((r) => r.status === status).length;
  const failureReasons: Record<string, number> = {};
  for (const row of rows)
    if (row.status === 'failed') {
      const key = reasonKey(row.reason ?? undefined);
      failureReasons[key] = (failureReasons[key] ?? 0) + 1;
    }
  return {
    targeted: rows.length,
    suppressed: count('suppressed'),
    queued: count('queued'),
    pending: count('pending'),
    delivered: count('delivered'),
    failed: count('failed'),
    sent: rows.filter((r) => r.sentAt !== null).length,
    failureReasons,
    replies: replies.length,
    optOuts: replies.filter((r) => r.optOut).length,
  };
};

/** The metrics once the stream has caught up, checked against the recount; answers both. */
const metricsMatchRecount = async () => {
  await streams.drain();
  const [metrics, counted] = await Promise.all([
    send(api, 'getCampaignMetrics', { params: { campaignId }, as: 'planner' }).then((r) => bodyOf(r, 200)),
    recount(),
  ]);
  const { failureReasons, ...totals } = counted;
  expect(metrics).toMatchObject(totals);
  expect(Object.fromEntries(Object.entries(metrics.failureReasons).filter(([, n]) => n > 0))).toEqual(
    failureReasons,
  );
  return { metrics, counted };
};

/** A section's closing test: the metrics equal the recount, and the recount is `expected`. */
const itMatchesTheRecount = (name: string, expected: Partial<Awaited<ReturnType<typeof recount>>>) =>
  it(name, async () => {
    const { counted } = await metricsMatchRecount();
    expect(counted).toMatchObject(expected);
  });

const messageState = async (id: string): Promise<BatchMessage | undefined> => {
  const [, seq, index] = id.split('.');
  const batch = (await batchesOf(campaignId)).find((b) => b.seq === Number(seq));
  return batch?.messages.find((m) => m.index === Number(index));
};

const optedOut = async (to: string) =>
  (await send(api, 'getOptOut', { params: { phone: to }, as: 'officer' })).status === 200;

describe('before any report', () => {
  itMatchesTheRecount('the metrics equal the recount: every message pending and sent', {
    targeted: 2 * PER_PARTNER,
    pending: 2 * PER_PARTNER,
    delivered: 0,
  });
});

describe('requests that are not the partner’s own: 401 invalid_signature, nothing recorded', () => {
  const fresh = () => `whsec_${randomBytes(32).toString('base64')}`;
  const body = (payload: unknown) => JSON.stringify(payload);
  const abuses: { what: string; options: (payload: unknown) => SignedPost & { secret?: string } }[] = [
    { what: 'unsigned', options: () => ({ headers: {} }) },
    { what: 'signed with a secret we never issued', options: () => ({ secret: fresh() }) },
    {
      what: 'signed by the other partner (B’s secret on A’s URL)',
      options: () => ({ secret: secrets[B] ?? '' }),
    },
    {
      what: 'a body other than the one signed',
      options: (payload) => ({ rawBody: body(payload).replace('"', ' "') }),
    },
    {
      what: 'a timestamp 6 minutes old (expired)',
      options: () => ({ at: new Date(Date.now() - 6 * 60_000) }),
    },
    { what: 'a timestamp 6 minutes ahead', options: () => ({ at: new Date(Date.now() + 6 * 60_000) }) },
    {
      what: 'a signature made for another webhook-id',
      options: (payload) => ({
        headers: {
          ...partnerSignature(secrets[A] ?? '', `msg_${randomUUID()}`, body(payload)),
          'webhook-id': `msg_${randomUUID()}`,
        },
      }),
    },
  ];

  it.each(abuses)('delivery report, $what', async ({ options }) => {
    const target = msg(A, 0);
    const reports = [report(target.id, 'delivered', seconds(0))];
    const answer = await postReports(A, reports, options({ reports }));
    expect(answer.status).toBe(401);
    expect(answer.body).toMatchObject({ error: { code: 'invalid_signature' } });
    expect(await messageState(target.id)).toMatchObject({ state: 'pending' });
  });

  it.each(abuses)('inbound opt-out, $what', async ({ options }) => {
    const target = msg(A, 1);
    const messages = [reply(target.to, 'Từ chối')];
    const answer = await postInbound(A, messages, options({ messages }));
    expect(answer.status).toBe(401);
    expect(answer.body).toMatchObject({ error: { code: 'invalid_signature' } });
    expect(await optedOut(target.to)).toBe(false);
  });

  it('an unknown partner’s URL, whatever the secret', async () => {
    const answer = await postReports('abuse-nobody', [report(msg(A, 0).id, 'delivered', seconds(0))], {
      secret: secrets[A] ?? '',
    });
    expect(answer.status).toBe(401);
  });

  itMatchesTheRecount('left the metrics as they were', {
    pending: 2 * PER_PARTNER,
    delivered: 0,
    replies: 0,
    optOuts: 0,
  });
});

describe('another partner’s reports and replies', () => {
  it('ignores B’s reports (signed by B, on B’s URL) about A’s batch, and applies B’s about its own in the same request', async () => {
    const answer = await postReports(B, [
      report(msg(A, 2).id, 'failed', seconds(0), { errorCode: 'ABSENT_SUBSCRIBER', carrier: 'mobifone' }),
      report(msg(B, 0).id, 'delivered', seconds(0)),
    ]);
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({ processed: 1, ignored: 1 });
    expect(await messageState(msg(A, 2).id)).toMatchObject({ state: 'pending', carrier: 'viettel' });
    expect(await messageState(msg(B, 0).id)).toMatchObject({ state: 'delivered' });
  });

  it('records A’s opt-out keyword from one of B’s MobiFone recipients as a reply, but does not opt the phone out', async () => {
    const target = msg(B, 1);
    const answer = await postInbound(A, [reply(target.to, 'TU CHOI')]);
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({ processed: 1, optOuts: 0 });
    expect((answer.body as { optOutsRefused: unknown[] }).optOutsRefused).toHaveLength(1);
    expect(await optedOut(target.to)).toBe(false);
  });

  itMatchesTheRecount('the metrics equal the recount', { delivered: 1, failed: 0, replies: 1, optOuts: 0 });
});

describe('duplicates and replays', () => {
  it('applies a report repeated in one request and again in a later request once', async () => {
    const target = msg(A, 3);
    const twice = [report(target.id, 'delivered', seconds(0)), report(target.id, 'delivered', seconds(0))];
    expect((await postReports(A, twice)).body).toEqual({ processed: 2, ignored: 0 });
    const before = await messageState(target.id);
    expect(before).toMatchObject({ state: 'delivered' });
    expect((await postReports(A, [report(target.id, 'delivered', seconds(5))])).body).toEqual({
      processed: 1,
      ignored: 0,
    });
    expect(await messageState(target.id)).toEqual(before);
  });

  it('answers a replayed webhook-id with the first answer and changes nothing, even with another body', async () => {
    const target = msg(A, 4);
    const webhookId = `msg_${randomUUID()}`;
    const first = await postReports(A, [report(target.id, 'delivered', seconds(0))], { webhookId });
    expect(first.body).toEqual({ processed: 1, ignored: 0 });
    const replayed = await postReports(
      A,
      [
        report(target.id, 'failed', seconds(1), { errorCode: 'CALL_BARRED' }),
        report(msg(A, 5).id, 'failed', seconds(1)),
      ],
      { webhookId },
    );
    expect(replayed.status).toBe(200);
    expect(replayed.headers.get('webhook-replayed')).toBe('true');
    expect(replayed.body).toEqual({ processed: 1, ignored: 0 });
    expect(await messageState(target.id)).toMatchObject({ state: 'delivered' });
    expect(await messageState(msg(A, 5).id)).toMatchObject({ state: 'pending' });
  });

  it('records a repeated inbound id once, and answers a replayed webhook-id with the first answer', async () => {
    const message = reply(msg(A, 6).to, 'Cảm ơn');
    expect((await postInbound(A, [message, message])).body).toMatchObject({ processed: 1, duplicates: 1 });
    expect((await postInbound(A, [message])).body).toMatchObject({ processed: 0, duplicates: 1 });
    const webhookId = `msg_${randomUUID()}`;
    const optOut = reply(msg(A, 7).to, 'Dừng!');
    const first = await postInbound(A, [optOut], { webhookId });
    expect(first.body).toMatchObject({ processed: 1, optOuts: 1 });
    const again = await postInbound(A, [reply(msg(A, 8).to, 'STOP')], { webhookId });
    expect(again.headers.get('webhook-replayed')).toBe('true');
    expect(again.body).toEqual(first.body);
    expect(await optedOut(msg(A, 7).to)).toBe(true);
    expect(await optedOut(msg(A, 8).to)).toBe(false);
  });

  itMatchesTheRecount('the metrics equal the recount', { delivered: 3, failed: 0, replies: 3, optOuts: 1 });
});

describe('reports out of order', () => {
  it('keeps delivered when accepted comes after it, and when a failed comes late', async () => {
    const target = msg(A, 10);
    await postReports(A, [report(target.id, 'delivered', seconds(0))]);
    await postReports(A, [report(target.id, 'accepted', seconds(-5))]);
    await postReports(A, [report(target.id, 'failed', seconds(10), { errorCode: 'ABSENT_SUBSCRIBER' })]);
    const state = await messageState(target.id);
    expect(state).toMatchObject({ state: 'delivered' });
    expect(state?.reason).toBeUndefined();
  });

  it('keeps the first final state: failed, then a late delivered', async () => {
    const target = msg(A, 11);
    await postReports(A, [report(target.id, 'expired', seconds(0), { errorCode: 'VALIDITY_EXPIRED' })]);
    await postReports(A, [report(target.id, 'delivered', seconds(10))]);
    expect(await messageState(target.id)).toMatchObject({
      state: 'failed',
      reason: 'expired: VALIDITY_EXPIRED',
    });
  });

  it('in one request: delivered, accepted and failed for one message end delivered', async () => {
    const target = msg(B, 2);
    const answer = await postReports(B, [
      report(target.id, 'delivered', seconds(0)),
      report(target.id, 'accepted', seconds(-1)),
      report(target.id, 'rejected', seconds(1), { errorCode: 'SPAM_FILTERED' }),
    ]);
    expect(answer.body).toEqual({ processed: 3, ignored: 0 });
    expect(await messageState(target.id)).toMatchObject({ state: 'delivered' });
  });

  itMatchesTheRecount('the metrics equal the recount', {
    delivered: 5,
    failed: 1,
    failureReasons: { expired: 1 },
  });
});

describe('a report about a batch handed to B, signed by A', () => {
  it('on A’s URL is ignored; on B’s URL is a 401', async () => {
    const target = msg(B, 3);
    const onOwnUrl = await postReports(A, [
      report(target.id, 'failed', seconds(0), { errorCode: 'CALL_BARRED' }),
    ]);
    expect(onOwnUrl.body).toEqual({ processed: 0, ignored: 1 });
    const onTheirs = await postReports(B, [report(target.id, 'failed', seconds(0))], {
      secret: secrets[A] ?? '',
    });
    expect(onTheirs.status).toBe(401);
    expect(await messageState(target.id)).toMatchObject({ state: 'pending' });
  });

  itMatchesTheRecount('the metrics equal the recount at the end', {
    targeted: 2 * PER_PARTNER,
    delivered: 5,
    failed: 1,
    pending: 2 * PER_PARTNER - 6,
    replies: 3,
    optOuts: 1,
  });
});
