import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { messageId } from '#core/dispatch/batch.js';
import type { TestApi } from '#support/api.js';
import { startMetricsStack, type MetricsStack } from '#support/stack.js';
import { batchesOf, createAudience, launchCampaign, phone, waitForStatus } from '#support/sending.js';
import { postInbound, postReports } from '#support/webhooks.js';
import { bodyOf, send, expectStatus } from '#support/typed-api.js';

/**
 * Issue #6 end to end: a real campaign sent through the local dispatcher to a simulated partner, the
 * table's stream aggregated by the metrics Lambda handler (local poller), then delivery reports, replies
 * and clicks through the public endpoints. After every step the metrics are read back and must be exact,
 * with `targeted = suppressed + queued + pending + delivered + failed`.
 */

const PARTNER = 'cm-viettel';
const RECIPIENTS = 20;
const OPTED_OUT = 2;
const LINK = 'https://example.gov.vn/111';

let api: TestApi;
let stack: MetricsStack;
let campaignId: string;
let secret: { current: string; retired: string };
/** Every recipient's message: id, phone and short-link code, in batch order. */
let messages: { id: string; to: string; code: string }[];

const rotate = async (): Promise<string> => {
  const rotated = await send(api, 'rotatePartnerSecret', { params: { partnerId: PARTNER } });
  if (rotated.status !== 200) throw new Error(`rotate: ${rotated.status}`);
  return String(rotated.body.signingSecret);
};

/** The metrics once every write so far has gone through the stream, the invariant checked on each read. */
const metrics = async () => {
  await stack.streams.drain();
  const body = bodyOf(await send(api, 'getCampaignMetrics', { params: { campaignId }, as: 'planner' }), 200);
  expect(body.targeted).toBe(body.suppressed + body.queued + body.pending + body.delivered + body.failed);
  return body;
};

const report = (n: number, status: string, extra: Record<string, unknown> = {}) => ({
  messageId: messages[n]?.id,
  status,
  at: new Date().toISOString(),
  ...extra,
});

const post = (list: unknown[], options?: Parameters<typeof postReports>[4]) =>
  postReports(api.url, PARTNER, secret.current, list, options);

const click = (code: string) => fetch(`${api.url}/l/${code}`, { redirect: 'manual' });

/** What the metrics must say after each step; each step changes only what it names. */
let expected: Record<string, unknown>;
const expectMetrics = async (changes: Record<string, unknown>) => {
  expected = { ...expected, ...changes };
  const body = await metrics();
  expect(body).toMatchObject(expected);
  return body;
};

beforeAll(async () => {
  stack = await startMetricsStack({ id: PARTNER, carriers: ['viettel'], tps: 500 });
  api = stack.api;
  const subscribers = Array.from({ length: RECIPIENTS + OPTED_OUT }, (_, n) => ({
    phone: phone('viettel', 4_000_000 + n),
    province: n % 2 ? 'Bắc Kạn' : 'Hà Giang',
  }));
  for (const { phone: optedOut } of subscribers.slice(RECIPIENTS)) {
    const created = await send(api, 'createOptOut', { as: 'officer', json: { phone: optedOut } });
    if (created.status !== 201) throw new Error(`opt-out: ${created.status}`);
  }
  const audience = await createAudience(api, 'Metrics end to end', subscribers);
  const campaign = await launchCampaign(api, {
    audienceIds: [audience],
    partnerIds: [PARTNER],
    message: `Canh giac viec nhe luong cao. Goi 111. {{link:${LINK}}}`,
    clickTracking: 'recipient',
  });
  campaignId = String(campaign.id);
  await waitForStatus(api, campaignId, 'completed', 60_000);
  messages = (await batchesOf(campaignId))
    .sort((a, b) => a.seq - b.seq)
    .flatMap((b) =>
      b.messages.map((m) => ({ id: messageId(campaignId, b.seq, m.index), to: m.to, code: String(m.code) })),
    );
  // Two rotations: the first new secret is retired by the second, yet valid for 24 h.
  const retired = await rotate();
  secret = { retired, current: await rotate() };
}, 120_000);

afterAll(() => stack?.stop());

describe('campaign metrics through reports, replies and clicks', () => {
  it('count every recipient once when the campaign has been handed over', async () => {
    expect(messages).toHaveLength(RECIPIENTS);
    expected = {};
    const body = await expectMetrics({
      campaignId,
      status: 'completed',
      targeted: RECIPIENTS + OPTED_OUT,
      suppressed: OPTED_OUT,
      queued: 0,
      sent: RECIPIENTS,
      pending: RECIPIENTS,
      delivered: 0,
      failed: 0,
      clicks: 0,
      uniqueClicks: 0,
      replies: 0,
      optOuts: 0,
      segments: RECIPIENTS,
    });
    expect(body.byCarrier).toEqual({ viettel: { sent: RECIPIENTS, delivered: 0, failed: 0 } });
  });

  it('count ten delivery reports once, however often they are repeated', async () => {
    const delivered = Array.from({ length: 10 }, (_, n) => report(n, 'delivered'));
    expect((await post(delivered)).body).toEqual({ processed: 10, ignored: 0 });
    await expectMetrics({ pending: RECIPIENTS - 10, delivered: 10, deliveryRate: 0.5 });
    // The same reports again, in a new request (a new webhook-id): nothing changes.
    expect((await post(delivered)).body).toEqual({ processed: 10, ignored: 0 });
    await expectMetrics({});
  });

  it('keep a delivered message delivered when its `accepted` report comes late', async () => {
    const late = [report(0, 'accepted'), report(1, 'accepted'), report(2, 'accepted')];
    expect((await post(late)).body).toEqual({ processed: 3, ignored: 0 });
    await expectMetrics({});
  });

  it('ignore reports about unknown message ids', async () => {
    const unknown = [
      { messageId: 'not-a-message-id', status: 'delivered', at: new Date().toISOString() },
      { messageId: `${campaignId}.999999.0`, status: 'delivered', at: new Date().toISOString() },
      { messageId: `${campaignId}.0.99`, status: 'failed', at: new Date().toISOString() },
    ];
    expect((await post(unknown)).body).toEqual({ processed: 0, ignored: 3 });
    await expectMetrics({});
  });

  it('apply a webhook once: a replayed webhook-id changes nothing, even with another body', async () => {
    const first = await post([report(10, 'failed', { errorCode: 'E21' })], { webhookId: 'msg_cm_replay' });
    expect(first.body).toEqual({ processed: 1, ignored: 0 });
    await expectMetrics({ pending: RECIPIENTS - 11, failed: 1 });
    const replay = await post([report(11, 'failed')], { webhookId: 'msg_cm_replay' });
    expectStatus(replay, 200);
    expect(replay.headers.get('webhook-replayed')).toBe('true');
    expect(replay.body).toEqual(first.body);
    const body = await expectMetrics({});
    expect(body.failureReasons).toMatchObject({ other: 1 });
  });

  it('record nothing from a request with a bad signature', async () => {
    const forged = await postReports(api.url, PARTNER, `whsec_${Buffer.alloc(32, 7).toString('base64')}`, [
      report(11, 'delivered'),
    ]);
    expectStatus(forged, 401);
    expect(forged.body.error.code).toBe('invalid_signature');
    await expectMetrics({});
  });

  it('accept reports signed with a secret retired by a rotation less than 24 hours ago', async () => {
    const signedWithRetired = await postReports(api.url, PARTNER, secret.retired, [report(11, 'delivered')]);
    expect(signedWithRetired.body).toEqual({ processed: 1, ignored: 0 });
    await expectMetrics({ pending: RECIPIENTS - 12, delivered: 11, deliveryRate: 0.55 });
  });

  it('count an expired message as failed, by its reason', async () => {
    await post([report(12, 'expired')]);
    const body = await expectMetrics({ pending: RECIPIENTS - 13, failed: 2 });
    expect(body.failureReasons).toMatchObject({ other: 1, expired: 1 });
    expect(body.deliveryRate).toBeCloseTo(11 / RECIPIENTS, 4);
  });

  it('opt a phone out on a reply in Vietnamese with accents, and count the reply and the opt-out', async () => {
    const replier = messages[13]?.to ?? '';
    const answer = await postInbound(api.url, PARTNER, secret.current, [
      { id: 'mo-1', from: replier, text: '  Từ  Chối ', at: new Date().toISOString() },
      { id: 'mo-2', from: messages[14]?.to, text: 'Cảm ơn, tôi đã hiểu', at: new Date().toISOString() },
    ]);
    expect(answer.body).toEqual({ processed: 2, duplicates: 0, optOuts: 1, optOutsRefused: [] });
    expect((await send(api, 'getOptOut', { params: { phone: encodeURIComponent(replier) } })).status).toBe(
      200,
    );
    await expectMetrics({ replies: 2, optOuts: 1 });
    // The same inbound message again (a partner's retry) is counted once.
    const again = await postInbound(api.url, PARTNER, secret.current, [
      { id: 'mo-1', from: replier, text: 'Từ chối', at: new Date().toISOString() },
    ]);
    expect(again.body).toEqual({ processed: 0, duplicates: 1, optOuts: 0, optOutsRefused: [] });
    await expectMetrics({});
  });

  it('count two clicks of one recipient as two clicks and one unique click', async () => {
    const code = messages[0]?.code ?? '';
    for (let n = 0; n < 2; n++) {
      const opened = await click(code);
      expectStatus(opened, 302);
      expect(opened.headers.get('location')).toBe(LINK);
    }
    await expectMetrics({ clicks: 2, uniqueClicks: 1 });
    await click(messages[1]?.code ?? '');
    const body = await expectMetrics({ clicks: 3, uniqueClicks: 2 });
    expect(body.timeline.reduce((sum: number, bucket: { clicks: number }) => sum + bucket.clicks, 0)).toBe(3);
  });

  it('add up by carrier, by province and over time to the same totals', async () => {
    const body = await metrics();
    expect(body.byCarrier.viettel).toEqual({ sent: RECIPIENTS, delivered: 11, failed: 2 });
    const provinces = Object.values(body.byProvince) as { sent: number; delivered: number }[];
    expect(Object.keys(body.byProvince).sort()).toEqual(['Thái Nguyên', 'Tuyên Quang']);
    expect(provinces.reduce((sum, p) => sum + p.sent, 0)).toBe(RECIPIENTS);
    expect(provinces.reduce((sum, p) => sum + p.delivered, 0)).toBe(11);
    const timeline = body.timeline as { sent: number; delivered: number; failed: number }[];
    expect(timeline.reduce((sum, b) => sum + b.sent, 0)).toBe(RECIPIENTS);
    expect(timeline.reduce((sum, b) => sum + b.delivered, 0)).toBe(11);
    expect(timeline.reduce((sum, b) => sum + b.failed, 0)).toBe(2);
    const minutes = await send(api, 'getCampaignMetrics', {
      params: { campaignId },
      query: { granularity: 'minute' },
      as: 'planner',
    });
    expectStatus(minutes, 200);
    expect(minutes.body.timeline.reduce((sum: number, b: { sent: number }) => sum + b.sent, 0)).toBe(
      RECIPIENTS,
    );
  });

  it('name failures as a planner reads them, keep the partner’s code per message, and list every targeted recipient', async () => {
    await post([
      report(14, 'failed', { errorCode: 'ABSENT_SUBSCRIBER' }),
      report(15, 'rejected', { errorCode: 'CALL_BARRED' }),
    ]);
    const body = await expectMetrics({ pending: RECIPIENTS - 15, failed: 4 });
    expect(body.failureReasons).toMatchObject({ unreachable: 1, blocked: 1, other: 1, expired: 1 });
    const { targeted, suppressed, queued, pending, delivered, failed } = body;
    expect(targeted).toBe(suppressed + queued + pending + delivered + failed);

    const list = await send(api, 'listCampaignMessages', {
      params: { campaignId },
      query: { limit: '500' },
      as: 'planner',
    });
    expect(bodyOf(list, 200).nextCursor).toBeNull();
    const rows = bodyOf(list, 200).items as {
      messageId: string | null;
      status: string;
      reason: string | null;
    }[];
    // One row per targeted recipient, in the metrics' states: the report adds up to the metrics.
    expect(rows).toHaveLength(targeted);
    const count = (status: string) => rows.filter((r) => r.status === status).length;
    expect([count('suppressed'), count('pending'), count('delivered'), count('failed')]).toEqual([
      suppressed,
      pending,
      delivered,
      failed,
    ]);
    expect(rows.filter((r) => r.status === 'suppressed').every((r) => r.reason === 'opted_out')).toBe(true);
    const reasonOf = (n: number) => rows.find((r) => r.messageId === messages[n]?.id)?.reason;
    expect([reasonOf(10), reasonOf(12), reasonOf(14), reasonOf(15)]).toEqual([
      'other: E21',
      'expired',
      'unreachable: ABSENT_SUBSCRIBER',
      'blocked: CALL_BARRED',
    ]);
  });
});
