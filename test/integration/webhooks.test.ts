import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dynamoBatchStore, dynamoReportBatchStore } from '#adapters/batch-store.js';
import { dynamoDocumentClient, tableName } from '#adapters/clients.js';
import { keys } from '#adapters/table.js';
import { messageId, type Batch, type BatchMessage } from '#core/dispatch/batch.js';
import { createCarrierSimulator } from '#local/simulators/index.js';
import type { TestApi } from '#support/api.js';
import type { SimulatedPartner } from '#support/partners.js';
import { startDispatchStack, type DispatchStack } from '#support/stack.js';
import {
  batchesOf,
  completedBatches,
  launchCampaignTo,
  phone,
  subscribers,
  waitFor,
  waitForStatus,
} from '#support/sending.js';
import { postInbound, postReports } from '#support/webhooks.js';
import { bodyOf, send, expectStatus } from '#support/typed-api.js';

/**
 * Partner webhooks end to end (contract §8 "Partners send"): a real campaign sent through the local
 * dispatcher to a simulated partner, then signed delivery reports and inbound replies posted to the API,
 * and the batch items read back to see each message's state.
 */

let api: TestApi;
let stack: DispatchStack;
/** The partner of MobiFone phones, beside PARTNER (Viettel). */
let mobifone: SimulatedPartner;
const store = () => dynamoBatchStore(dynamoDocumentClient(), tableName());

const PARTNER = 'wh-viettel';
const RECIPIENTS = 1100;
let campaignId: string;
/** Message id and phone of every recipient, in batch order. */
let sent: { id: string; to: string; seq: number; index: number }[];
/** The partner's signing secrets: `current` now, `retired` replaced by a rotation less than 24 h ago. */
let secret: { current: string; retired: string };

const rotate = async (partnerId: string): Promise<string> => {
  const rotated = await send(api, 'rotatePartnerSecret', { params: { partnerId } });
  expectStatus(rotated, 200);
  return String(rotated.body.signingSecret);
};

const messageOf = async (id: string): Promise<BatchMessage | undefined> => {
  const [campaign, seq, i] = id.split('.');
  const batch = await store().get({ campaignId: String(campaign), seq: Number(seq) });
  return batch?.messages.find((m) => m.index === Number(i));
};

const allBatches = () => batchesOf(campaignId);

const reports = (list: { id: string; status: string; at?: string; [k: string]: unknown }[]) =>
  list.map(({ id, status, at, ...rest }) => ({
    messageId: id,
    status,
    at: at ?? new Date().toISOString(),
    ...rest,
  }));

const post = (list: Parameters<typeof reports>[0], options?: Parameters<typeof postReports>[4]) =>
  postReports(api.url, PARTNER, secret.current, reports(list), options);

beforeAll(async () => {
  stack = await startDispatchStack();
  api = stack.api;
  await stack.partner({ id: PARTNER, carriers: ['viettel'], tps: 1000 });
  mobifone = await stack.partner({ id: 'wh-mobifone', carriers: ['mobifone'], tps: 200 });
  const campaign = await launchCampaignTo(api, 'Webhooks', subscribers('viettel', 3_000_000, RECIPIENTS), {
    partnerIds: [PARTNER],
  });
  campaignId = String(campaign.id);
  sent = (await completedBatches(api, campaignId, 60_000))
    .sort((a, b) => a.seq - b.seq)
    .flatMap((b) =>
      b.messages.map((m) => ({
        id: messageId(campaignId, b.seq, m.index),
        to: m.to,
        seq: b.seq,
        index: m.index,
      })),
    );
  // Two rotations: the first secret's successor is retired but still valid for 24 h.
  const retired = await rotate(PARTNER);
  secret = { retired, current: await rotate(PARTNER) };
}, 120_000);

afterAll(() => stack?.stop());

const at = (seconds: number) => new Date(Date.now() + seconds * 1000).toISOString();
const pick = (n: number) => sent[n] as (typeof sent)[number];

describe('the campaign as the dispatcher left it', () => {
  it('has every message pending, sent (sentAt), with the segments and the partner’s price on its batch', async () => {
    expect(sent).toHaveLength(RECIPIENTS);
    const batches = await allBatches();
    expect(
      batches.every(
        (b) => b.status === 'pending' && b.segments === 1 && b.price === 0 && b.currency === 'VND',
      ),
    ).toBe(true);
    expect(
      batches.flatMap((b) => b.messages).every((m) => m.state === 'pending' && typeof m.sentAt === 'string'),
    ).toBe(true);
  });
});

describe('delivery reports', () => {
  it('applies a report once: a repeated report (same request or a later one) changes nothing', async () => {
    const m = pick(0);
    const when = at(-5);
    const first = await post([
      { id: m.id, status: 'delivered', at: when },
      { id: m.id, status: 'delivered', at: at(-1) },
    ]);
    expectStatus(first, 200);
    expect(first.body).toEqual({ processed: 2, ignored: 0 });
    const after = await store().get({ campaignId, seq: m.seq });
    expect(after?.messages[m.index]).toMatchObject({ state: 'delivered', at: when });

    const again = await post([{ id: m.id, status: 'delivered', at: at(0) }]);
    expect(again.body).toEqual({ processed: 1, ignored: 0 });
    const unchanged = await store().get({ campaignId, seq: m.seq });
    expect(unchanged?.messages[m.index]).toEqual(after?.messages[m.index]);
    // Nothing was written: the batch's version did not move.
    expect(unchanged?.ver).toBe(after?.ver);
  });

  it('keeps delivered when accepted comes after it (out of order), and the first final state wins', async () => {
    const m = pick(1);
    const deliveredAt = at(-2);
    await post([{ id: m.id, status: 'delivered', at: deliveredAt }]);
    await post([{ id: m.id, status: 'accepted', at: at(-10) }]);
    await post([{ id: m.id, status: 'failed', at: at(0), errorCode: 'ABSENT_SUBSCRIBER' }]);
    expect(await messageOf(m.id)).toMatchObject({ state: 'delivered', at: deliveredAt });
    expect((await messageOf(m.id))?.reason).toBeUndefined();
  });

  it('fails a message with the report’s reason', async () => {
    const [a, b, c] = [pick(2), pick(3), pick(4)];
    const answer = await post([
      { id: a.id, status: 'failed', errorCode: 'ABSENT_SUBSCRIBER' },
      { id: b.id, status: 'expired' },
      { id: c.id, status: 'rejected', errorCode: 'SPAM' },
    ]);
    expect(answer.body).toEqual({ processed: 3, ignored: 0 });
    expect((await messageOf(a.id))?.reason).toBe('unreachable: ABSENT_SUBSCRIBER');
    expect((await messageOf(b.id))?.reason).toBe('expired');
    expect((await messageOf(c.id))?.reason).toBe('blocked: SPAM');
  });

  it('counts unknown ids as ignored: bad format, no such batch or index, another partner’s batch', async () => {
    const other = await send(api, 'putPartner', {
      params: { partnerId: 'wh-stranger' },
      json: {
        name: 'Stranger',
        webhookUrl: 'http://127.0.0.1:9/none',
        carriers: ['gmobile'],
        tps: 10,
        senderId: 'BOCONGAN',
      },
    });
    expectStatus(other, 201);
    const before = await allBatches();
    const answer = await post([
      { id: 'not-a-message-id', status: 'delivered' },
      { id: `${campaignId}.999999.0`, status: 'delivered' },
      { id: `${campaignId}.${pick(5).seq}.9999`, status: 'delivered' },
      { id: `NOSUCHCAMPAIGN.0.0`, status: 'delivered' },
      { id: pick(5).id, status: 'delivered' },
    ]);
    expect(answer.body).toEqual({ processed: 1, ignored: 4 });
    const stranger = await postReports(
      api.url,
      'wh-stranger',
      String(other.body.signingSecret),
      reports([{ id: pick(6).id, status: 'delivered' }]),
    );
    expect(stranger.body).toEqual({ processed: 0, ignored: 1 });
    expect(await messageOf(pick(6).id)).toMatchObject({ state: 'pending' });
    const after = await allBatches();
    expect(after.filter((b) => b.seq !== pick(5).seq)).toEqual(before.filter((b) => b.seq !== pick(5).seq));
  });

  it('answers a replayed webhook-id with the first answer and changes nothing', async () => {
    const [a, b] = [pick(7), pick(8)];
    const first = await post([{ id: a.id, status: 'failed' }], { webhookId: 'msg_replayed-1' });
    expect(first.body).toEqual({ processed: 1, ignored: 0 });
    const replay = await post(
      [
        { id: b.id, status: 'delivered' },
        { id: 'junk', status: 'delivered' },
      ],
      { webhookId: 'msg_replayed-1' },
    );
    expectStatus(replay, 200);
    expect(replay.body).toEqual({ processed: 1, ignored: 0 });
    expect(replay.headers.get('webhook-replayed')).toBe('true');
    expect(await messageOf(b.id)).toMatchObject({ state: 'pending' });
    expect(await messageOf(a.id)).toMatchObject({ state: 'failed', reason: 'other' });
  });

  it.each([`msg_${'x'.repeat(4996)}`])(
    'refuses a correctly signed webhook whose webhook-id is 5,000 characters long with 400, and changes nothing',
    async (webhookId) => {
      const a = pick(9);
      const before = await messageOf(a.id);
      for (const answer of [
        await post([{ id: a.id, status: 'delivered' }], { webhookId }),
        await postInbound(
          api.url,
          PARTNER,
          secret.current,
          [{ id: 'in-long-id', from: a.to, text: 'STOP', at: at(0) }],
          {
            webhookId,
          },
        ),
      ]) {
        expectStatus(answer, 400);
        expect(answer.body.error).toMatchObject({
          code: 'validation_failed',
          details: [{ path: 'webhook-id' }],
        });
      }
      expect(await messageOf(a.id)).toEqual(before);
    },
  );

  it('refuses a bad or missing signature with 401 invalid_signature, before the body, and changes nothing', async () => {
    const before = await allBatches();
    const m = pick(9);
    const wrong = `whsec_${Buffer.from('x'.repeat(32)).toString('base64')}`;
    const cases = [
      postReports(api.url, PARTNER, wrong, reports([{ id: m.id, status: 'delivered' }])),
      post([{ id: m.id, status: 'delivered' }], { headers: {} }),
      // Signed, but not the body that is sent.
      post([{ id: m.id, status: 'failed' }], {
        rawBody: JSON.stringify({ reports: reports([{ id: m.id, status: 'delivered' }]) }),
      }),
      // Five minutes and more off.
      post([{ id: m.id, status: 'delivered' }], { at: new Date(Date.now() - 6 * 60_000) }),
      // An invalid body with a bad signature is still a 401, not a 400.
      postReports(api.url, PARTNER, wrong, [{ nonsense: true }]),
      // An unknown partner.
      postReports(api.url, 'wh-nobody', secret.current, reports([{ id: m.id, status: 'delivered' }])),
    ];
    for (const answer of await Promise.all(cases)) {
      expectStatus(answer, 401);
      expect(answer.body.error.code).toBe('invalid_signature');
    }
    expect(await allBatches()).toEqual(before);
  });

  it('validates the body of a well-signed request (400 with the field)', async () => {
    const answer = await postReports(api.url, PARTNER, secret.current, [
      { messageId: pick(9).id, status: 'lost', at: at(0) },
    ]);
    expectStatus(answer, 400);
    expect(answer.body.error.details?.[0]?.path).toBe('reports.0.status');
  });

  it('verifies with the secret a rotation retired less than 24 h ago', async () => {
    const m = pick(10);
    const answer = await postReports(
      api.url,
      PARTNER,
      secret.retired,
      reports([{ id: m.id, status: 'delivered' }]),
    );
    expectStatus(answer, 200);
    expect(await messageOf(m.id)).toMatchObject({ state: 'delivered' });
  });

  it('learns a ported number’s carrier, and routes the next campaign to it by that carrier', async () => {
    const m = pick(11);
    const answer = await post([{ id: m.id, status: 'delivered', carrier: 'mobifone' }]);
    expect(answer.body).toEqual({ processed: 1, ignored: 0 });
    const { Item } = await dynamoDocumentClient().send(
      new GetCommand({ TableName: tableName(), Key: { pk: keys.ported(m.to).pk, sk: keys.ported(m.to).sk } }),
    );
    expect(Item).toMatchObject({ phone: m.to, carrier: 'mobifone' });
    // An older report arriving later does not overwrite the newer carrier.
    const older = new Date(Date.parse(String(Item?.at)) - 60_000).toISOString();
    await post([{ id: m.id, status: 'delivered', carrier: 'vinaphone', at: older }]);
    const { Item: after } = await dynamoDocumentClient().send(
      new GetCommand({ TableName: tableName(), Key: { pk: keys.ported(m.to).pk, sk: keys.ported(m.to).sk } }),
    );
    expect(after).toMatchObject({ carrier: 'mobifone', at: Item?.at });

    const next = await launchCampaignTo(api, 'Ported', [{ phone: m.to }, { phone: pick(12).to }], {
      partnerIds: [PARTNER, 'wh-mobifone'],
    });
    const batches = await completedBatches(api, String(next.id), 30_000);
    const ported = batches.find((b) => b.messages.some((x) => x.to === m.to)) as Batch;
    expect(ported.partnerId).toBe('wh-mobifone');
    expect(ported.messages.find((x) => x.to === m.to)?.carrier).toBe('mobifone');
    const other = batches.find((b) => b.messages.some((x) => x.to === pick(12).to)) as Batch;
    expect(other.partnerId).toBe(PARTNER);
  });

  it('processes 1,000 reports in one request', async () => {
    const list = sent.slice(100, 1100).map((m) => ({ id: m.id, status: 'delivered' }));
    const answer = await post(list);
    expectStatus(answer, 200);
    expect(answer.body).toEqual({ processed: 1000, ignored: 0 });
    const delivered = new Set(
      (await allBatches()).flatMap((b) =>
        b.messages.filter((x) => x.state === 'delivered').map((x) => messageId(campaignId, b.seq, x.index)),
      ),
    );
    expect(list.every((r) => delivered.has(r.id))).toBe(true);
  });
});

describe('reports only from the partners a batch was handed to', () => {
  it('ignores a `*` partner’s reports (and carrier) on a batch another partner took, and after a failover accepts both', async () => {
    const first = await stack.partner({ id: 'wh-first', carriers: ['viettel'], tps: 100 });
    const star = await stack.partner({ id: 'wh-star', carriers: ['*'], tps: 100 });
    // Our reports are signed with a secret of each; the simulators verify our hand-overs with the same one.
    const starSecret = await rotate('wh-star');
    const firstSecret = await rotate('wh-first');
    star.sim.setSecret(starSecret);
    first.sim.setSecret(firstSecret);
    const send = async (n: number) => {
      const campaign = await launchCampaignTo(api, `Handed ${n}`, subscribers('viettel', 5_000_000 + n, 1), {
        partnerIds: ['wh-first', 'wh-star'],
      });
      const [batch] = await completedBatches(api, String(campaign.id), 30_000);
      return batch as Batch;
    };

    const taken = await send(0);
    expect(taken).toMatchObject({
      routes: ['wh-first', 'wh-star'],
      partnerId: 'wh-first',
      handedTo: ['wh-first'],
    });
    const id = messageId(taken.campaignId, taken.seq, 0);
    const fromStar = await postReports(api.url, 'wh-star', starSecret, [
      { messageId: id, status: 'failed', at: at(0), errorCode: 'ABSENT_SUBSCRIBER', carrier: 'mobifone' },
    ]);
    expect(fromStar.body).toEqual({ processed: 0, ignored: 1 });
    expect(await messageOf(id)).toMatchObject({ state: 'pending' });
    const to = taken.messages[0]?.to ?? '';
    const { Item: ported } = await dynamoDocumentClient().send(
      new GetCommand({ TableName: tableName(), Key: { pk: keys.ported(to).pk, sk: keys.ported(to).sk } }),
    );
    expect(ported).toBeUndefined();
    const fromFirst = await postReports(api.url, 'wh-first', firstSecret, [
      { messageId: id, status: 'delivered', at: at(0) },
    ]);
    expect(fromFirst.body).toEqual({ processed: 1, ignored: 0 });

    // wh-first stops answering: after its retries the batch fails over to wh-star, which takes it.
    first.setMode('down');
    const failedOver = await send(1);
    expect(failedOver).toMatchObject({ partnerId: 'wh-star', handedTo: ['wh-first', 'wh-star'] });
    const next = messageId(failedOver.campaignId, failedOver.seq, 0);
    const both = await Promise.all([
      postReports(api.url, 'wh-star', starSecret, [{ messageId: next, status: 'accepted', at: at(0) }]),
      postReports(api.url, 'wh-first', firstSecret, [{ messageId: next, status: 'delivered', at: at(0) }]),
    ]);
    expect(both.map((r) => r.body)).toEqual([
      { processed: 1, ignored: 0 },
      { processed: 1, ignored: 0 },
    ]);
  }, 60_000);
});

describe('inbound messages', () => {
  it('opts out a recipient who answers "Từ chối" and lists it as a reply of the campaign', async () => {
    const m = pick(20);
    const local = `0${m.to.slice(3)}`;
    const answer = await postInbound(api.url, PARTNER, secret.current, [
      { id: 'in-1', from: local, text: 'Từ chối', at: at(0) },
    ]);
    expectStatus(answer, 200);
    expect(answer.body).toEqual({ processed: 1, duplicates: 0, optOuts: 1, optOutsRefused: [] });

    const optOut = await send(api, 'getOptOut', { params: { phone: encodeURIComponent(m.to) } });
    expectStatus(optOut, 200);
    expect(optOut.body).toMatchObject({ phone: m.to, source: 'sms' });

    const replies = await send(api, 'listCampaignReplies', { params: { campaignId }, as: 'officer' });
    expectStatus(replies, 200);
    expect(replies.body.items).toEqual([
      expect.objectContaining({
        partnerId: PARTNER,
        id: 'in-1',
        from: m.to,
        text: 'Từ chối',
        campaignId,
        optOut: true,
      }),
    ]);
    const masked = await send(api, 'listCampaignReplies', { params: { campaignId }, as: 'planner' });
    expect(bodyOf(masked, 200).items[0]?.from).toBe(`${m.to.slice(0, 5)}****${m.to.slice(-3)}`);
  });

  it('records a repeated inbound id once', async () => {
    const m = pick(21);
    const message = { id: 'in-2', from: m.to, text: 'Cảm ơn', at: at(0) };
    const first = await postInbound(api.url, PARTNER, secret.current, [message, message]);
    expect(first.body).toEqual({ processed: 1, duplicates: 1, optOuts: 0, optOutsRefused: [] });
    const again = await postInbound(api.url, PARTNER, secret.current, [message]);
    expect(again.body).toEqual({ processed: 0, duplicates: 1, optOuts: 0, optOutsRefused: [] });
    const replies = await send(api, 'listCampaignReplies', {
      params: { campaignId },
      query: { limit: '10' },
      as: 'officer',
    });
    expect(bodyOf(replies, 200).items.filter((r: { id: string }) => r.id === 'in-2')).toHaveLength(1);
    expect(
      await send(api, 'getOptOut', { params: { phone: encodeURIComponent(m.to) } }).then((r) => r.status),
    ).toBe(404);
  });

  it('counts a reply from a phone no campaign sent to under no campaign', async () => {
    const stranger = phone('viettel', 9_999_999);
    const answer = await postInbound(api.url, PARTNER, secret.current, [
      { id: 'in-3', from: stranger, text: 'STOP', at: at(0) },
    ]);
    expect(answer.body).toEqual({ processed: 1, duplicates: 0, optOuts: 1, optOutsRefused: [] });
    const replies = await send(api, 'listCampaignReplies', { params: { campaignId }, as: 'officer' });
    expect(bodyOf(replies, 200).items.map((r: { id: string }) => r.id)).not.toContain('in-3');
  });

  it('records but refuses the opt-out of a phone neither on the partner’s carriers nor handed to it', async () => {
    // wh-mobifone serves MobiFone only; this Viettel phone's message went to wh-viettel.
    const m = pick(22);
    const mobifoneSecret = await rotate('wh-mobifone');
    mobifone.sim.setSecret(mobifoneSecret);
    const answer = await postInbound(api.url, 'wh-mobifone', mobifoneSecret, [
      { id: 'in-foreign', from: m.to, text: 'TC', at: at(0) },
    ]);
    expectStatus(answer, 200);
    expect(answer.body).toEqual({
      processed: 1,
      duplicates: 0,
      optOuts: 0,
      optOutsRefused: [
        {
          id: 'in-foreign',
          reason:
            "a viettel number: not on this partner's carriers (mobifone) and not handed to it in the last 7 days",
        },
      ],
    });
    expect(
      await send(api, 'getOptOut', { params: { phone: encodeURIComponent(m.to) } }).then((r) => r.status),
    ).toBe(404);
    const replies = await send(api, 'listCampaignReplies', {
      params: { campaignId },
      query: { limit: '50' },
      as: 'officer',
    });
    expect(bodyOf(replies, 200).items.find((r: { id: string }) => r.id === 'in-foreign')).toMatchObject({
      partnerId: 'wh-mobifone',
      optOut: false,
      optOutRefused: expect.stringContaining('viettel number'),
    });
    // The partner it was handed to may opt it out.
    const handed = await postInbound(api.url, PARTNER, secret.current, [
      { id: 'in-own', from: m.to, text: 'TC', at: at(0) },
    ]);
    expect(handed.body).toMatchObject({ optOuts: 1, optOutsRefused: [] });
  });

  it('answers 404 for the replies of an unknown campaign, like its messages and report', async () => {
    const unknown = await send(api, 'listCampaignReplies', {
      params: { campaignId: 'no-such-campaign' },
      as: 'officer',
    });
    expectStatus(unknown, 404);
  });
});

describe('a settle and a delivery report racing for one batch', () => {
  it('keeps the report’s state for the message it moved and the settle’s for the others', async () => {
    const batches = store();
    const now = new Date();
    const queued = (i: number): BatchMessage => ({
      index: i,
      to: phone('viettel', 8_000_000 + i),
      carrier: 'viettel',
      state: 'queued',
    });
    // Queued for a partner nobody registered, so the running local dispatcher never claims it before we do.
    const race: Batch = {
      campaignId: 'RACE',
      seq: 0,
      partnerId: 'wh-unregistered',
      routes: ['wh-unregistered'],
      status: 'queued',
      attempt: 0,
      availableAt: new Date(now.getTime() - 1000).toISOString(),
      messages: [queued(0), queued(1)],
      createdAt: now.toISOString(),
      updatedAt: now.toISOString(),
    };
    await batches.putBatches([race]);
    const claimed = (await batches.claim(race, now, 60_000)) as Batch;
    expect(claimed).toBeDefined();

    // The partner's report lands first.
    const reportStore = dynamoReportBatchStore(dynamoDocumentClient(), tableName());
    const read = (await reportStore.read([race])).get('RACE.0') as Batch;
    const reported = read.messages.map((m) =>
      m.index === 0 ? { ...m, state: 'delivered' as const, at: at(0), sentAt: at(0) } : m,
    );
    expect(await reportStore.writeMessages(read, reported, now)).toBe(true);

    const t = now.toISOString();
    const settled = await batches.settle(
      claimed,
      'pending',
      claimed.messages.map((m) => ({ ...m, state: 'pending' as const, at: t, sentAt: t })),
      new Date(),
      { price: 250, currency: 'VND' },
    );
    expect(settled).toBe(true);
    const after = (await batches.get(race)) as Batch;
    expect(after).toMatchObject({ status: 'pending', ver: 2, price: 250, currency: 'VND' });
    expect(after.messages[0]).toMatchObject({ state: 'delivered' });
    expect(after.messages[1]).toMatchObject({ state: 'pending', sentAt: t });
    // A stale writer (the version it read is gone) is refused.
    expect(await reportStore.writeMessages(read, reported, now)).toBe(false);
  });
});

describe('the carrier simulators’ own delivery reports', () => {
  // Sent with no delay, some reports may reach the API before the dispatcher settles their batch, but this
  // test cannot see which; that race is checked step by step in 'a settle and a delivery report racing…'.
  it('are accepted and applied to every message', async () => {
    const sim = await createCarrierSimulator({
      partnerId: 'wh-sim',
      carriers: ['viettel'],
      tps: 500,
      successRate: 0.7,
      seed: 3,
      // Reports at once, as soon as the simulator accepts each message.
      reportDelayMs: 0,
      reportUrl: `${api.url}/v1/webhooks/wh-sim/delivery-reports`,
    });
    try {
      const registered = await send(api, 'putPartner', {
        params: { partnerId: 'wh-sim' },
        json: { name: 'Sim', webhookUrl: sim.url, carriers: ['viettel'], tps: 500, senderId: 'BOCONGAN' },
      });
      expectStatus(registered, 201);
      sim.setSecret(registered.body.signingSecret);
      const campaign = await launchCampaignTo(
        api,
        'Simulated reports',
        subscribers('viettel', 4_000_000, 300),
        {
          partnerIds: ['wh-sim'],
        },
      );
      await waitForStatus(api, String(campaign.id), 'completed', 30_000);
      await waitFor('the simulator to post every report', () => sim.counters().reportsPosted === 300);
      expect(sim.counters().reportsFailed).toBe(0);
      const messages = (await batchesOf(String(campaign.id))).flatMap((b) => b.messages);
      expect(messages).toHaveLength(300);
      expect(messages.filter((m) => m.state === 'pending' || m.state === 'queued')).toEqual([]);
      expect(messages.every((m) => typeof m.sentAt === 'string')).toBe(true);
      const failed = messages.filter((m) => m.state === 'failed');
      expect(failed.length).toBeGreaterThan(0);
      // Each keeps the simulator's code after a reason a planner reads (unreachable, blocked, ... other).
      expect(
        failed.every((m) =>
          /^(unreachable|invalid_number|blocked|expired|other): [A-Z_]+$/.test(m.reason ?? ''),
        ),
      ).toBe(true);
    } finally {
      await sim.close();
    }
  });
});
