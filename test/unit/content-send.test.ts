import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { batchCodec } from '#adapters/table/batch.js';
import type { AudienceMember } from '#core/audience.js';
import type { Campaign } from '#core/campaign.js';
import { groupOf } from '#core/content/assignment.js';
import { splitOf } from '#core/content/content.js';
import { planBatches, type Batch, type BatchMessage } from '#core/dispatch/batch.js';
import { dispatchBatch, renderBatch, sendBody, type DispatchDeps } from '#core/dispatch/dispatcher.js';
import { materializeCampaign, type MaterializeDeps, type Progress } from '#core/dispatch/materialize.js';
import type { BatchStore, HandOverRequest } from '#core/dispatch/ports.js';
import { contributionOf, type Change } from '#core/metrics/changes.js';
import { emptyCounters, sumCounters, type Counters } from '#core/metrics/counters.js';
import { metricsView, treatmentComparison } from '#core/metrics/view.js';
import type { PartnerView } from '#core/partner.js';
import { rowStatusOf, toMessageRow } from '#core/reports.js';
import { queuedBatch, SEND_AT as AT, sendingCampaign, storedPartner } from './fixtures.js';

const partner = storedPartner('p1', { pricePerSegment: 0.01, currency: 'USD' });

const campaign = (extra: Partial<Campaign> = {}): Campaign =>
  sendingCampaign({
    id: 'c-content',
    name: 'Cảnh báo',
    message: 'Chào {{Tên|bà con}}, gọi 111.',
    variants: { 'vi-x-khongdau': 'Chao {{Ten|ba con}}, goi 111.', hmn: 'Nyob zoo {{Tên|bà con}}, hu 111.' },
    treatments: [
      { id: 'A', percent: 45 },
      { id: 'B', percent: 45, message: 'Kính gửi {{Tên|bà con}}: gọi 111 ngay.' },
    ],
    holdoutPercent: 10,
    audienceIds: ['a1'],
    ...extra,
  });

const LANGUAGES = ['vi', 'vi-x-khongdau', 'hmn'];
const members: AudienceMember[] = Array.from({ length: 200 }, (_, n) => ({
  phone: `+8498100${String(n).padStart(4, '0')}`,
  carrier: 'viettel',
  language: LANGUAGES[n % 3] ?? 'vi',
  ...(n % 5 === 0 ? {} : { attributes: { ten: `Người ${n}`, so_ho: String(n) } }),
}));

const progressStore = () => {
  let progress: Progress | undefined;
  return {
    get: () => Promise.resolve(progress),
    claimLease: () => Promise.resolve(true),
    renewLease: () => Promise.resolve(true),
    finish: (_id: string, totals: Omit<Progress, 'materialized' | 'lease'>) => {
      progress = { ...totals, materialized: true };
      return Promise.resolve(true);
    },
  };
};

const materialize = async (subject: Campaign, list: AudienceMember[] = members) => {
  const written: Batch[] = [];
  const queued: number[] = [];
  const deps: MaterializeDeps = {
    audiences: {
      getAudience: () => Promise.resolve(undefined),
      members: async function* () {
        yield list;
      },
    },
    batches: {
      putNewBatches: (batches) => {
        written.push(...batches);
        return Promise.resolve(batches.length);
      },
      listBatches: async function* () {
        yield [];
      },
    } as Partial<BatchStore> as BatchStore,
    queue: { enqueue: (refs) => Promise.resolve(void queued.push(...refs.map((r) => r.seq))) },
    progress: progressStore(),
    optedOut: () => Promise.resolve(new Set()),
    cappedPhones: () => Promise.resolve(new Set()),
    partners: () => Promise.resolve([partner as PartnerView]),
    shortCodes: () => Promise.resolve((seq) => `code${seq}`),
    aggregateCode: () => Promise.resolve('aggregate0zzzz'),
    hasLink: (text) => text.includes('{{link:'),
    portedCarriers: () => Promise.resolve(new Map()),
    indexRecipients: () => Promise.resolve(),
    recordSuppressed: () => Promise.resolve(),
    now: () => new Date(AT),
    leaseMs: 60_000,
    newLeaseOwner: () => 'run',
  };
  const result = await materializeCampaign(deps, subject);
  return { written, queued, result };
};

describe('materialising a campaign with variants, treatments and a holdout', () => {
  it('puts each recipient in the group of the deterministic split, one treatment per batch, the holdout in held batches never queued', async () => {
    const subject = campaign();
    const { written, queued, result } = await materialize(subject);
    for (const batch of written)
      for (const message of batch.messages)
        expect(batch.treatment).toBe(groupOf(splitOf(subject), subject.id, message.to));
    const held = written.filter((b) => b.status === 'held');
    expect(held.length).toBeGreaterThan(0);
    expect(held.every((b) => b.treatment === 'holdout' && b.routes.length === 0)).toBe(true);
    expect(held.flatMap((b) => b.messages).every((m) => !m.code && !m.values && m.state === 'queued')).toBe(
      true,
    );
    expect(queued.sort()).toEqual(written.filter((b) => b.status === 'queued').map((b) => b.seq));
    // The held batches are settled from the start: the campaign can complete.
    expect(result).toMatchObject({
      status: 'finished',
      progress: { totalBatches: written.length, settledBatches: held.length },
    });
    expect(written.flatMap((b) => b.messages)).toHaveLength(members.length);
  });

  it('stores each sent message’s language, the values its text uses (only those keys) and its own segments when they differ', async () => {
    const subject = campaign({
      message: 'Chào {{Tên|bà con}}, gọi 111. ' + 'Cảnh giác lừa đảo. '.repeat(3),
      estimate: { encoding: 'UCS-2', segmentsPerMessage: 2 } as Campaign['estimate'],
    });
    const { written } = await materialize(subject);
    const sent = written.filter((b) => b.status === 'queued');
    const byPhone = new Map(members.map((m) => [m.phone, m]));
    for (const batch of sent)
      for (const message of batch.messages) {
        const member = byPhone.get(message.to);
        // Treatment B has its own text and no variants: everyone in it reads its vi text.
        expect(message.lang).toBe(batch.treatment === 'A' ? member?.language : 'vi');
        expect(message.values).toEqual(member?.attributes ? { ten: member.attributes.ten } : undefined);
      }
    // The unaccented variant is GSM-7: one segment where the batch (the vi estimate) says two.
    const khongdau = sent.flatMap((b) => b.messages).find((m) => m.lang === 'vi-x-khongdau');
    expect(khongdau?.segments).toBe(1);
    const long = sent.find((b) => b.treatment === 'A')?.messages.find((m) => m.lang === 'vi');
    expect(long?.segments).toBeUndefined();
  });

  it('stores no language, values or treatment for a campaign with one plain text', async () => {
    const { written } = await materialize(
      campaign({
        message: 'Gọi 111.',
        variants: undefined,
        treatments: undefined,
        holdoutPercent: undefined,
      }),
    );
    expect(written.every((b) => b.treatment === undefined)).toBe(true);
    expect(
      written.flatMap((b) => b.messages).every((m) => !m.lang && !m.values && m.segments === undefined),
    ).toBe(true);
  });

  it('keeps the new message attributes through the batch codec, and decodes an old batch without them', () => {
    const batch: Batch = {
      campaignId: 'c1',
      seq: 1,
      partnerId: 'p1',
      routes: ['p1'],
      status: 'queued',
      attempt: 0,
      availableAt: AT,
      treatment: 'B',
      messages: [
        {
          index: 0,
          to: '+84981000001',
          carrier: 'viettel',
          lang: 'hmn',
          values: { ten: 'Mai' },
          segments: 2,
          state: 'queued',
        },
      ],
      createdAt: AT,
      updatedAt: AT,
    };
    const item = batchCodec.toItem(batch);
    if (!(item.messages instanceof Uint8Array)) throw new Error('messages not packed');
    const stored: unknown = JSON.parse(gunzipSync(item.messages).toString('utf8'));
    expect(stored).toMatchObject([
      {
        lg: 'hmn',
        v: { ten: 'Mai' },
        sg: 2,
      },
    ]);
    expect(batchCodec.fromItem(item)).toEqual(batch);
    const { treatment: _t, ...old } = batch;
    const oldItem = batchCodec.toItem({
      ...old,
      messages: [{ index: 0, to: '+84981000001', carrier: 'viettel', state: 'queued' }],
    });
    expect(batchCodec.fromItem(oldItem).messages[0]).toEqual({
      index: 0,
      to: '+84981000001',
      carrier: 'viettel',
      state: 'queued',
    });
  });

  it('plans batches per treatment even for recipients on the same route', () => {
    const { batches } = planBatches(
      [
        { phone: '+84981000001', carrier: 'viettel', treatment: 'A' },
        { phone: '+84981000002', carrier: 'viettel', treatment: 'B' },
        { phone: '+84981000003', carrier: 'viettel', treatment: 'A' },
      ],
      () => [{ id: 'p1', maxBatchSize: 100, tps: 100 }],
    );
    expect(batches.map((b) => [b.treatment, b.recipients.map((r) => r.phone)])).toEqual([
      ['A', ['+84981000001', '+84981000003']],
      ['B', ['+84981000002']],
    ]);
  });
});

const queuedMessage = (index: number, extra: Partial<BatchMessage> = {}): BatchMessage => ({
  index,
  to: `+8498100000${index}`,
  carrier: 'viettel',
  state: 'queued',
  ...extra,
});

const batchOf = (messages: BatchMessage[], extra: Partial<Batch> = {}): Batch =>
  queuedBatch(messages, { campaignId: 'c-content', ...extra });

describe('dispatching personalised messages', () => {
  it('renders each message from its treatment, language and values, with its own link, encoding and segments', () => {
    const subject = campaign({
      variants: { 'vi-x-khongdau': 'Chao {{Ten|ba con}}: {{link:https://bocongan.gov.vn}}' },
    });
    const batch = batchOf(
      [
        queuedMessage(0, { lang: 'vi-x-khongdau', values: { ten: 'Mai' }, code: 'k0' }),
        queuedMessage(1, { code: 'k1' }),
      ],
      { treatment: 'A' },
    );
    const { sendable, missing } = renderBatch(
      { shortLink: (code) => `https://s.vn/l/${code}` },
      batch,
      subject,
    );
    expect(missing.size).toBe(0);
    const body = JSON.parse(sendBody(batch, sendable, partner, new Date(AT))) as {
      data: { messages: { text: string; encoding: string; segments: number }[] };
    };
    expect(body.data.messages).toEqual([
      expect.objectContaining({ text: 'Chao Mai: https://s.vn/l/k0', encoding: 'GSM-7', segments: 1 }),
      expect.objectContaining({ text: 'Chào bà con, gọi 111.', encoding: 'UCS-2', segments: 1 }),
    ]);
    const b = renderBatch({ shortLink: () => '' }, { ...batch, treatment: 'B' }, subject);
    expect(b.sendable[1]?.rendered).toMatchObject({ text: 'Kính gửi bà con: gọi 111 ngay.' });
  });

  it('fails a message whose required value is missing as missing_field and sends the others', async () => {
    const subject = campaign({ message: 'Hộ {{Số hộ}}: gọi 111.', variants: undefined });
    let stored = batchOf([queuedMessage(0, { values: { so_ho: '12' } }), queuedMessage(1)], {
      treatment: 'A',
    });
    const sent: HandOverRequest[] = [];
    const store = {
      claim: () => Promise.resolve((stored = { ...stored, status: 'handing', leaseUntil: AT })),
      settle: (_b: Batch, status: Batch['status'], messages: BatchMessage[]) => {
        stored = { ...stored, status, messages };
        return Promise.resolve(true);
      },
    } as Partial<BatchStore> as BatchStore;
    const deps: DispatchDeps = {
      batches: store,
      queue: { enqueue: () => Promise.resolve() },
      limiter: {
        reserve: (_p, _s, _t, now) => Promise.resolve({ at: now, reserved: true, leadMs: 0 }),
        sentLate: () => Promise.resolve(),
        lateToleranceMs: 50,
        windowMs: 1000,
      },
      transportFor: () => ({
        send: (request) => {
          sent.push(request);
          return Promise.resolve({ status: 200, body: {} });
        },
      }),
      partner: () => Promise.resolve(partner),
      campaign: () => Promise.resolve(subject),
      onSettled: () => Promise.resolve(),
      shortLink: (code) => code,
      observe: () => undefined,
      now: () => new Date(AT),
      sleep: () => Promise.resolve(),
      random: () => 0.5,
      leaseMs: 60_000,
      webhookTimeoutMs: 1000,
    };
    expect(await dispatchBatch(deps, { campaignId: 'c-content', seq: 0 })).toBe('accepted');
    const body = JSON.parse(sent[0]?.body ?? '{}') as { data: { messages: { to: string; text: string }[] } };
    expect(body.data.messages).toEqual([expect.objectContaining({ text: 'Hộ 12: gọi 111.' })]);
    expect(stored.messages.map((m) => [m.state, m.reason ?? null])).toEqual([
      ['pending', null],
      ['failed', 'missing_field'],
    ]);
  });
});

const sentAt = '2027-07-30T01:10:00.000Z';
const change = (n: number, kind: Change['kind'], after: unknown): Change =>
  ({ id: `r${n}`, kind, event: 'INSERT', after }) as Change;

const countersOf = (changes: Change[]): Counters =>
  sumCounters(changes.map((c) => contributionOf(c)?.delta.counters ?? emptyCounters()));

describe('metrics by variant and treatment', () => {
  const delivered = (index: number, lang: string, segments?: number): BatchMessage =>
    queuedMessage(index, { lang, state: 'delivered', sentAt, at: sentAt, ...(segments ? { segments } : {}) });
  const changes: Change[] = [
    change(
      1,
      'batch',
      batchOf([delivered(0, 'vi'), delivered(1, 'hmn', 3)], { treatment: 'A', segments: 1, price: 0.01 }),
    ),
    change(
      2,
      'batch',
      batchOf(
        [delivered(0, 'vi'), queuedMessage(1, { lang: 'vi', state: 'failed', reason: 'missing_field' })],
        {
          seq: 1,
          treatment: 'B',
          segments: 1,
          price: 0.01,
        },
      ),
    ),
    change(
      3,
      'batch',
      batchOf([queuedMessage(0), queuedMessage(1), queuedMessage(2)], {
        seq: 2,
        status: 'held',
        treatment: 'holdout',
        routes: [],
      }),
    ),
    change(4, 'click', {
      code: 'x',
      campaignId: 'c-content',
      seq: 0,
      index: 1,
      carrier: 'viettel',
      lang: 'hmn',
      treatment: 'A',
      clicks: 2,
      firstAt: sentAt,
      lastAt: sentAt,
    }),
    change(5, 'inbound', {
      partnerId: 'p1',
      id: 'm1',
      from: '+84981000000',
      text: 'Cảm ơn',
      at: sentAt,
      receivedAt: sentAt,
      campaignId: 'c-content',
      lang: 'vi',
      treatment: 'B',
      optOut: false,
    }),
  ];

  it('counts each variant and treatment side by side, the holdout as targeted only, and segments per message', () => {
    const c = countersOf(changes);
    expect(c.byVariant).toEqual({
      vi: { targeted: 3, sent: 2, delivered: 2, failed: 1, clicks: 0, uniqueClicks: 0, replies: 1 },
      hmn: { targeted: 1, sent: 1, delivered: 1, failed: 0, clicks: 2, uniqueClicks: 1, replies: 0 },
    });
    expect(c.byTreatment).toEqual({
      A: { targeted: 2, sent: 2, delivered: 2, failed: 0, clicks: 2, uniqueClicks: 1, replies: 0 },
      B: { targeted: 2, sent: 1, delivered: 1, failed: 1, clicks: 0, uniqueClicks: 0, replies: 1 },
      holdout: { targeted: 3, sent: 0, delivered: 0, failed: 0, clicks: 0, uniqueClicks: 0, replies: 0 },
    });
    expect(c).toMatchObject({ targeted: 4, heldOut: 3, sent: 3, segments: 5, cost: 0.05 });
    expect(c.failureReasons).toEqual({ missing_field: 1 });
  });

  it('compares each treatment’s unique-click rate with A on read, from the counters alone', () => {
    const view = metricsView({
      campaign: { id: 'c-content', name: 'x', status: 'sending', sendAt: AT },
      counters: countersOf(changes),
      granularity: 'hour',
      query: {},
    });
    expect(view.heldOut).toBe(3);
    expect(view.treatmentComparison).toEqual([
      expect.objectContaining({
        treatment: 'B',
        against: 'A',
        metric: 'uniqueClickRate',
        a: { successes: 1, trials: 2 },
        b: { successes: 0, trials: 1 },
        difference: -0.5,
        reliable: false,
        test: expect.stringContaining('two-proportion'),
      }),
    ]);
    const big = treatmentComparison({
      A: { targeted: 0, sent: 0, delivered: 1000, failed: 0, clicks: 0, uniqueClicks: 100, replies: 0 },
      B: { targeted: 0, sent: 0, delivered: 1000, failed: 0, clicks: 0, uniqueClicks: 150, replies: 0 },
      holdout: { targeted: 200, sent: 0, delivered: 0, failed: 0, clicks: 0, uniqueClicks: 0, replies: 0 },
    });
    expect(big).toHaveLength(1);
    expect(big[0]).toMatchObject({ difference: 0.05, reliable: true });
    expect(big[0]?.low).toBeGreaterThan(0);
    expect(big[0]?.pValue).toBeLessThan(0.01);
  });

  it('shows holdout recipients in the report with status holdout, and each row’s treatment and language', () => {
    const held = batchOf([queuedMessage(0)], {
      status: 'held',
      treatment: 'holdout',
      partnerId: '-',
      routes: [],
    });
    const message = held.messages[0] as BatchMessage;
    expect(rowStatusOf(held, message)).toBe('holdout');
    expect(toMessageRow(held, message, (p) => p)).toMatchObject({
      status: 'holdout',
      partnerId: null,
      treatment: 'holdout',
    });
    const sentBatch = batchOf([delivered(0, 'hmn')], { treatment: 'B' });
    expect(toMessageRow(sentBatch, sentBatch.messages[0] as BatchMessage, (p) => p)).toMatchObject({
      status: 'delivered',
      treatment: 'B',
      language: 'hmn',
    });
  });
});
