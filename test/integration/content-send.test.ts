import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { groupOf, HOLDOUT } from '#core/content/assignment.js';
import { splitOf, textsOf, type Content } from '#core/content/content.js';
import { chooseVariant } from '#core/content/languages.js';
import { renderTemplate } from '#core/content/template.js';
import { messageId } from '#core/dispatch/batch.js';
import { startLocalDispatcher } from '#local/dispatcher.js';
import type { LocalStreams } from '#local/streams.js';
import { startTestApi, type TestApi } from '#support/api.js';
import { acceptedMessages, startSimulatedPartner, type SimulatedPartner } from '#support/partners.js';
import { batchesOf, phone, waitForStatus } from '#support/sending.js';
import { startTestStreams } from '#support/streams.js';
import { bodyOf, send } from '#support/typed-api.js';
import { postInbound, postReports } from '#support/webhooks.js';

/**
 * Issue #16 end to end, the send path: a campaign with three language variants (vi, vi-x-khongdau, hmn),
 * a `{{Tên|bà con}}` field, two treatments and a 20 % holdout, sent through the local dispatcher to a
 * simulated partner. What reached the partner is checked message by message: the right language, the
 * right name (or the fallback), the treatment's text; the holdout received nothing; the metrics split by
 * variant and treatment, with the holdout side by side.
 *
 * The members' language and name come from the import (a CSV with `language` and `Tên` columns), as an
 * officer would load them.
 */

const PARTNER = 'content-viettel';
const RECIPIENTS = 120;
const LINK = 'https://example.gov.vn/111';
const LANGUAGES = ['vi', 'vi-x-khongdau', 'hmn'] as const;

const content = {
  message: `Chào {{Tên|bà con}}, cảnh giác lừa đảo, gọi 111. {{link:${LINK}}}`,
  variants: {
    'vi-x-khongdau': `Chao {{Ten|ba con}}, canh giac lua dao, goi 111. {{link:${LINK}}}`,
    hmn: `Nyob zoo {{Tên|bà con}}, ceev faj, hu 111. {{link:${LINK}}}`,
  },
  treatments: [
    { id: 'A' as const, percent: 40 },
    { id: 'B' as const, percent: 40, message: `Kính gửi {{Tên|bà con}}: gọi 111 ngay. {{link:${LINK}}}` },
  ],
  holdoutPercent: 20,
} satisfies Content;

let api: TestApi;
let dispatcher: { stop(): Promise<void> };
let streams: LocalStreams;
let partner: SimulatedPartner;
let campaignId: string;
let audienceId: string;
const subscribers = Array.from({ length: RECIPIENTS }, (_, n) => ({
  phone: phone('viettel', 6_000_000 + n),
  language: LANGUAGES[n % 3] ?? 'vi',
  // Every seventh has no name: the fallback `bà con` is sent.
  name: n % 7 === 0 ? undefined : `Hoa ${n}`,
}));

const groupOfPhone = (to: string) => groupOf(splitOf(content), campaignId, to);
const shortLink = /https?:\/\/\S+\/l\/[0-9A-Za-z]+/g;

/** What a subscriber must read: their treatment's text in their language, their name or the fallback. */
const expectedText = (subscriber: (typeof subscribers)[number]) => {
  const group = groupOfPhone(subscriber.phone);
  if (group === HOLDOUT) return undefined;
  const texts = textsOf(content, group);
  const template = texts.get(chooseVariant(subscriber.language, new Set(texts.keys()))) ?? '';
  return renderTemplate(template, {
    value: (key) => (key === 'ten' ? subscriber.name : undefined),
    link: () => 'LINK',
  }).text;
};

const metrics = async () => {
  await streams.drain();
  return bodyOf(await send(api, 'getCampaignMetrics', { params: { campaignId }, as: 'planner' }), 200);
};

beforeAll(async () => {
  api = await startTestApi();
  dispatcher = await startLocalDispatcher({ pollMs: 50 });
  streams = await startTestStreams();
  partner = await startSimulatedPartner(api, { id: PARTNER, carriers: ['viettel'], tps: 500 });
  const created0 = await send(api, 'createAudience', {
    as: 'officer',
    json: { name: 'Bản Mông – Hà Giang' },
  });
  audienceId = String(bodyOf(created0, 201).id);
  const csv = [
    'phone,province,language,Tên',
    ...subscribers.map((s) => `${s.phone},Tuyên Quang,${s.language},${s.name ?? ''}`),
  ].join('\r\n');
  const imported = bodyOf(
    await send(api, 'importSubscribers', { params: { audienceId }, as: 'officer', csv }),
    200,
  );
  expect(imported).toMatchObject({ accepted: RECIPIENTS, rejectedCount: 0 });
  const created = await send(api, 'createCampaign', {
    as: 'officer',
    json: {
      name: 'Cảnh báo lừa đảo (ba ngôn ngữ)',
      ...content,
      // Clicks counted per variant and treatment need a code per recipient.
      clickTracking: 'recipient',
      audienceIds: [audienceId],
      partnerIds: [PARTNER],
      schedule: { asap: true },
      sendingWindow: null,
    },
  });
  campaignId = String(bodyOf(created, 201).id);
  bodyOf(
    await send(api, 'transitionCampaign', { params: { campaignId, action: 'submit' }, as: 'officer' }),
    200,
  );
  bodyOf(
    await send(api, 'transitionCampaign', { params: { campaignId, action: 'approve' }, as: 'approver' }),
    200,
  );
  await waitForStatus(api, campaignId, 'completed', 60_000);
}, 120_000);

afterAll(async () => {
  await streams?.stop();
  await dispatcher?.stop();
  await partner?.close();
  await api?.close();
});

describe('a campaign with language variants, a name field, two treatments and a holdout', () => {
  it('keeps the content on the campaign as created', async () => {
    const campaign = bodyOf(await send(api, 'getCampaign', { params: { campaignId }, as: 'planner' }), 200);
    expect(campaign).toMatchObject({
      variants: content.variants,
      treatments: content.treatments,
      holdoutPercent: 20,
    });
  });

  it('gives every recipient outside the holdout, at the partner, their treatment’s text in their language with their name', () => {
    const atPartner = new Map(
      partner.handOvers.flatMap((h) =>
        h.messages.map((m) => [m.to, m.text.replace(shortLink, 'LINK')] as const),
      ),
    );
    const sent = subscribers.filter((s) => groupOfPhone(s.phone) !== HOLDOUT);
    expect(new Set(sent.map((s) => groupOfPhone(s.phone)))).toEqual(new Set(['A', 'B']));
    for (const subscriber of sent) expect(atPartner.get(subscriber.phone)).toBe(expectedText(subscriber));
    // Spot checks of what that means, in words.
    const hmnA = sent.find((s) => s.language === 'hmn' && s.name && groupOfPhone(s.phone) === 'A');
    expect(atPartner.get(hmnA?.phone ?? '')).toBe(`Nyob zoo ${hmnA?.name}, ceev faj, hu 111. LINK`);
    const unnamed = sent.find(
      (s) => !s.name && s.language === 'vi-x-khongdau' && groupOfPhone(s.phone) === 'A',
    );
    if (unnamed) expect(atPartner.get(unnamed.phone)).toBe('Chao ba con, canh giac lua dao, goi 111. LINK');
    expect(acceptedMessages([partner]).size).toBe(sent.length);
  });

  it('sends nothing to the holdout, and records it in held batches that the report lists as holdout', async () => {
    const held = subscribers.filter((s) => groupOfPhone(s.phone) === HOLDOUT).map((s) => s.phone);
    expect(held.length).toBeGreaterThan(RECIPIENTS * 0.1);
    expect(held.length).toBeLessThan(RECIPIENTS * 0.3);
    const reached = new Set(partner.handOvers.flatMap((h) => h.messages.map((m) => m.to)));
    expect(held.filter((p) => reached.has(p))).toEqual([]);
    const batches = await batchesOf(campaignId);
    expect(
      batches
        .filter((b) => b.status === 'held')
        .flatMap((b) => b.messages.map((m) => m.to))
        .sort(),
    ).toEqual([...held].sort());
    const rows = bodyOf(
      await send(api, 'listCampaignMessages', {
        params: { campaignId },
        query: { status: 'holdout', limit: 500 },
        as: 'officer',
      }),
      200,
    );
    expect(rows.items.map((r) => r.phone).sort()).toEqual([...held].sort());
    expect(rows.items.every((r) => r.treatment === 'holdout' && r.partnerId === null)).toBe(true);
  });

  it('counts the metrics per variant and per treatment, the holdout side by side, clicks and replies where they belong', async () => {
    const groups = subscribers.map((s) => ({ ...s, group: groupOfPhone(s.phone) }));
    const inGroup = (g: string) => groups.filter((s) => s.group === g);
    const sentLanguage = (s: (typeof groups)[number]) => (s.group === 'A' ? s.language : 'vi');
    const inLanguage = (lang: string) =>
      groups.filter((s) => s.group !== HOLDOUT && sentLanguage(s) === lang);

    // Delivery reports for every message, a click from an H'Mông recipient of A, a reply from one of B.
    const batches = (await batchesOf(campaignId)).filter((b) => b.status !== 'held');
    const all = batches.flatMap((b) => b.messages.map((m) => ({ batch: b, message: m })));
    const rotated = await send(api, 'rotatePartnerSecret', { params: { partnerId: PARTNER } });
    const secret = String(bodyOf(rotated, 200).signingSecret);
    const at = new Date().toISOString();
    const reports = all.map(({ batch, message }) => ({
      messageId: messageId(campaignId, batch.seq, message.index),
      status: 'delivered',
      at,
    }));
    expect((await postReports(api.url, PARTNER, secret, reports)).body).toEqual({
      processed: all.length,
      ignored: 0,
    });
    const clicked = all.find(({ batch, message }) => batch.treatment === 'A' && message.lang === 'hmn');
    expect((await fetch(`${api.url}/l/${clicked?.message.code}`, { redirect: 'manual' })).status).toBe(302);
    const replier = all.find(({ batch }) => batch.treatment === 'B')?.message.to;
    await postInbound(api.url, PARTNER, secret, [
      { id: 'content-reply-1', from: replier, text: 'Cảm ơn', at },
    ]);

    const body = await metrics();
    expect(body).toMatchObject({
      targeted: RECIPIENTS - inGroup(HOLDOUT).length,
      heldOut: inGroup(HOLDOUT).length,
      delivered: all.length,
      uniqueClicks: 1,
      replies: 1,
    });
    const tally = (n: number, extra: Record<string, number> = {}) => ({
      targeted: n,
      sent: n,
      delivered: n,
      failed: 0,
      clicks: 0,
      uniqueClicks: 0,
      replies: 0,
      ...extra,
    });
    expect(body.byTreatment).toEqual({
      A: tally(inGroup('A').length, { clicks: 1, uniqueClicks: 1 }),
      B: tally(inGroup('B').length, { replies: 1 }),
      holdout: { ...tally(0), targeted: inGroup(HOLDOUT).length },
    });
    expect(body.byVariant).toEqual({
      vi: tally(inLanguage('vi').length, { replies: 1 }),
      'vi-x-khongdau': tally(inLanguage('vi-x-khongdau').length),
      hmn: tally(inLanguage('hmn').length, { clicks: 1, uniqueClicks: 1 }),
    });
    expect(body.treatmentComparison).toEqual([
      expect.objectContaining({
        treatment: 'B',
        against: 'A',
        metric: 'uniqueClickRate',
        a: { successes: 1, trials: inGroup('A').length },
        b: { successes: 0, trials: inGroup('B').length },
        reliable: false,
      }),
    ]);
  });
});

describe('the A/B split of a campaign', () => {
  const draft = (extra: Record<string, unknown>) =>
    send(api, 'createCampaign', {
      as: 'officer',
      json: {
        name: 'Chia nhóm',
        message: 'Gọi 111.',
        audienceIds: [audienceId],
        schedule: { asap: true },
        sendingWindow: null,
        ...extra,
      },
    });

  it('refuses treatments and holdout that do not add up to 100, on create and after a PATCH of either side', async () => {
    const refused = await draft({
      treatments: [
        { id: 'A', percent: 50 },
        { id: 'B', percent: 40 },
      ],
    });
    expect(refused.status).toBe(400);
    expect(JSON.stringify(refused.body)).toContain('"path":"treatments"');
    expect(JSON.stringify(refused.body)).toContain('"code":"treatment_percent_sum"');

    const created = await draft({
      treatments: [
        { id: 'A', percent: 50 },
        { id: 'B', percent: 50 },
      ],
    });
    const id = String(bodyOf(created, 201).id);
    const patched = await send(api, 'updateCampaign', {
      params: { campaignId: id },
      as: 'officer',
      json: { holdoutPercent: 10 },
    });
    expect(patched.status).toBe(400);
    expect(JSON.stringify(patched.body)).toContain('"code":"treatment_percent_sum"');
    const fixed = await send(api, 'updateCampaign', {
      params: { campaignId: id },
      as: 'officer',
      json: {
        holdoutPercent: 10,
        treatments: [
          { id: 'A', percent: 45 },
          { id: 'B', percent: 45 },
        ],
      },
    });
    expect(bodyOf(fixed, 200)).toMatchObject({
      holdoutPercent: 10,
      treatments: [{ percent: 45 }, { percent: 45 }],
    });
    // null turns the A/B test and the holdout off; the campaign keeps the rest.
    const off = await send(api, 'updateCampaign', {
      params: { campaignId: id },
      as: 'officer',
      json: { treatments: null, holdoutPercent: null },
    });
    const turnedOff = bodyOf(off, 200);
    expect(turnedOff.treatments).toBeUndefined();
    expect(turnedOff.holdoutPercent).toBeUndefined();
    expect(turnedOff.estimate.holdout ?? 0).toBe(0);
    const read = bodyOf(await send(api, 'getCampaign', { params: { campaignId: id }, as: 'officer' }), 200);
    expect(read).not.toHaveProperty('treatments');
  });
});
