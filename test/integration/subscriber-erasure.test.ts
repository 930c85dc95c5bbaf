import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dynamoDocumentClient, tableName } from '#adapters/clients.js';
import { keys } from '#adapters/table.js';
import { messageId } from '#core/dispatch/batch.js';
import { startSendingStack, type SendingStack } from '#support/stack.js';
import { allItems, itemsHolding } from '#support/table-items.js';
import { batchesOf, createAudience, launchCampaign, phone, waitForStatus } from '#support/sending.js';
import { bodyOf, expectStatus, send } from '#support/typed-api.js';
import { postInbound, postReports } from '#support/webhooks.js';

/**
 * A subscriber's personal data end to end (Law 91/2025/QH15, docs/personal-data.md): every kind of item
 * that holds a phone is seeded through the real paths (imports into two audiences, one with attributes; a
 * send through the local dispatcher to a simulator; a delivery report that finds the number ported; a reply
 * that opts it out; a click on its short link), exported, erased, and then the whole table is searched for
 * the number's digits. The opt-out still suppresses the number when an officer imports it again.
 */

const PARTNER = 'erasure-viettel';
const TARGET = 'https://example.gov.vn/111';
const SUBJECT = phone('viettel', 5_500_042);
const OTHERS = Array.from({ length: 9 }, (_, n) => phone('viettel', 5_500_100 + n));
/** The nine digits after +84, which every form of the number contains (+84…, 84…, 0…). */
const DIGITS = SUBJECT.slice(3);

let stack: SendingStack;
const api = () => stack.api;
const subject = encodeURIComponent(SUBJECT);

let audienceA: string;
let audienceB: string;
let campaignId: string;

beforeAll(async () => {
  stack = await startSendingStack({ id: PARTNER, carriers: ['*'], tps: 200 });
  audienceA = await createAudience(
    api(),
    'Xã Cốc Đán',
    [SUBJECT, ...OTHERS].map((p) => ({ phone: p })),
  );
  const created = await send(api(), 'createAudience', { as: 'officer', json: { name: 'Xã Thượng Quan' } });
  expectStatus(created, 201);
  audienceB = created.body.id;
  const csv = ['phone,Họ và tên', `0${DIGITS},Nguyễn Thị Lan`, `0${OTHERS[0]?.slice(3)},Hoàng Văn Nam`].join(
    '\n',
  );
  const imported = await send(api(), 'importSubscribers', {
    params: { audienceId: audienceB },
    as: 'officer',
    rawBody: csv,
    headers: { 'content-type': 'text/csv' },
  });
  expectStatus(imported, 200);
  expect(imported.body.accepted).toBe(2);

  const campaign = await launchCampaign(api(), {
    audienceIds: [audienceA, audienceB],
    partnerIds: [PARTNER],
    message: `Canh giac mua ban nguoi. Goi 111. {{link:${TARGET}}}`,
    clickTracking: 'recipient',
  });
  campaignId = campaign.id;
  await waitForStatus(api(), campaignId, 'completed', 60_000);
}, 180_000);

afterAll(() => stack?.stop());

describe('a subscriber’s personal data', () => {
  it('exports every kind of item held about the number, then erases it from all of them', async () => {
    const batches = await batchesOf(campaignId);
    const batch = batches.find((b) => b.messages.some((m) => m.to === SUBJECT));
    const message = batch?.messages.find((m) => m.to === SUBJECT);
    if (!batch || !message?.code) throw new Error('the subject’s message was not sent with a link');
    // A materialisation run that indexed this slice and then crashed (or lost the slice to another run)
    // left an index item of its own naming the same batch: the number's message is still one message.
    const [indexed] = (await allItems()).filter(
      (item) => item.pk === keys.recipientIndexPk(SUBJECT.slice(-2)) && item.campaignId === campaignId,
    );
    if (!indexed) throw new Error('the subject is not in the recipient index');
    await dynamoDocumentClient().send(
      new PutCommand({
        TableName: tableName(),
        Item: { ...indexed, sk: String(indexed.sk).replace(/#[^#]+$/, '#crashed-run') },
      }),
    );

    // A delivery report that finds the number at another carrier (a ported record), a reply that opts it
    // out (an inbound record and an opt-out), and a click on its short link.
    const rotated = await send(api(), 'rotatePartnerSecret', { params: { partnerId: PARTNER } });
    expectStatus(rotated, 200);
    const secret = String(rotated.body.signingSecret);
    const at = new Date().toISOString();
    const reported = await postReports(api().url, PARTNER, secret, [
      {
        messageId: messageId(campaignId, batch.seq, message.index),
        status: 'delivered',
        at,
        carrier: 'mobifone',
      },
    ]);
    expectStatus(reported, 200);
    const replied = await postInbound(api().url, PARTNER, secret, [
      { id: 'erasure-in-1', from: `0${DIGITS}`, text: 'TUCHOI', at },
    ]);
    expectStatus(replied, 200);
    expect(replied.body.optOuts).toBe(1);
    expect((await fetch(`${api().url}/l/${message.code}`, { redirect: 'manual' })).status).toBe(302);

    const exported = bodyOf(
      await send(api(), 'exportSubscriber', { params: { phone: subject }, as: 'admin' }),
      200,
    );
    expect(exported.phone).toBe(SUBJECT);
    expect(exported.audiences.map((a) => a.audienceId).sort()).toEqual([audienceA, audienceB].sort());
    expect(exported.audiences.find((a) => a.audienceId === audienceB)?.member.attributes).toEqual({
      ho_va_ten: 'Nguyễn Thị Lan',
    });
    expect(exported.messages).toEqual([
      expect.objectContaining({
        campaignId,
        seq: batch.seq,
        state: 'delivered',
        code: message.code,
        clicks: 1,
      }),
    ]);
    expect(exported.inbound).toEqual([
      expect.objectContaining({ text: 'TUCHOI', from: SUBJECT, optOut: true }),
    ]);
    expect(exported.optOut).toMatchObject({ phone: SUBJECT, source: 'sms', hashed: false });
    expect(exported.ported).toMatchObject({ carrier: 'mobifone' });
    expect(await itemsHolding(DIGITS)).not.toEqual([]);

    const sizesBefore = await Promise.all(
      [audienceA, audienceB].map(async (id) =>
        bodyOf(await send(api(), 'getAudience', { params: { audienceId: id }, as: 'officer' }), 200),
      ),
    );
    const erased = await send(api(), 'eraseSubscriber', { params: { phone: subject }, as: 'admin' });
    expectStatus(erased, 200);
    expect(erased.body).toEqual({
      phone: '+8498****042',
      audiences: 2,
      messages: 1,
      inbound: 1,
      ported: 1,
      suppressed: 0,
      optOutKept: true,
    });

    // Nowhere in clear: not in any item of the table, whatever its kind.
    expect(await itemsHolding(DIGITS)).toEqual([]);
    const after = bodyOf(
      await send(api(), 'exportSubscriber', { params: { phone: subject }, as: 'admin' }),
      200,
    );
    expect(after).toMatchObject({ audiences: [], messages: [], inbound: [], optOut: { hashed: true } });
    expect(after.ported).toBeUndefined();

    // The audiences lost one member each, counters included; the campaign's batch keeps its counts.
    for (const [n, id] of [audienceA, audienceB].entries()) {
      const audience = bodyOf(
        await send(api(), 'getAudience', { params: { audienceId: id }, as: 'officer' }),
        200,
      );
      const before = sizesBefore[n];
      expect(audience.size).toBe((before?.size ?? 0) - 1);
      expect(audience.byCarrier.viettel).toBe((before?.byCarrier.viettel ?? 0) - 1);
    }
    const erasedBatch = (await batchesOf(campaignId)).find((b) => b.seq === batch.seq);
    expect(erasedBatch?.messages.find((m) => m.index === message.index)).toMatchObject({
      to: 'erased',
      state: 'delivered',
      code: message.code,
    });
    expect(erasedBatch?.messages.length).toBe(batch.messages.length);

    // Both were audited: who, when, the number masked.
    const audit = (await allItems()).filter((item) => item.pk === keys.subscriberAuditPk);
    expect(audit.map((entry) => entry.action).sort()).toEqual(['erase', 'export', 'export']);
    expect(audit.every((entry) => entry.phone === '+8498****042' && entry.actor === 'admin@test')).toBe(true);

    // Imported again, the number stays suppressed: the hashed opt-out still holds.
    const optOut = await send(api(), 'getOptOut', { params: { phone: subject }, as: 'officer' });
    expectStatus(optOut, 200);
    const again = await createAudience(api(), 'Nhập lại', [{ phone: SUBJECT }, { phone: OTHERS[1] ?? '' }]);
    const later = await launchCampaign(api(), { audienceIds: [again], partnerIds: [PARTNER] });
    expect(later.estimate).toMatchObject({ recipients: 2, suppressed: 1, sendable: 1 });
    await waitForStatus(api(), later.id, 'completed', 60_000);
    const sentLater = (await batchesOf(later.id)).flatMap((b) => b.messages.map((m) => m.to));
    expect(sentLater).toEqual([OTHERS[1]]);
  });

  it('exports and erases the number where a campaign suppressed it (SUPPRESSED# items)', async () => {
    const suppressedPhone = phone('viettel', 5_600_077);
    const suppressedDigits = suppressedPhone.slice(3);
    const sendable = phone('viettel', 5_600_100);
    const optedOut = await send(api(), 'createOptOut', {
      as: 'officer',
      json: { phone: suppressedPhone, reason: 'asked by phone' },
    });
    expectStatus(optedOut, 201);
    const audience = await createAudience(api(), 'Xã Bằng Lũng', [
      { phone: suppressedPhone },
      { phone: sendable },
    ]);
    const campaign = await launchCampaign(api(), { audienceIds: [audience], partnerIds: [PARTNER] });
    await waitForStatus(api(), campaign.id, 'completed', 60_000);
    const suppressedItems = (await allItems()).filter(
      (item) =>
        item.pk === keys.campaign(campaign.id).pk && String(item.sk).startsWith(keys.suppressedPrefix),
    );
    expect(JSON.stringify(suppressedItems)).toContain(suppressedDigits);

    const exported = bodyOf(
      await send(api(), 'exportSubscriber', {
        params: { phone: encodeURIComponent(suppressedPhone) },
        as: 'admin',
      }),
      200,
    );
    expect(exported.suppressed).toEqual([
      expect.objectContaining({ campaignId: campaign.id, reason: 'opted_out' }),
    ]);

    const erased = await send(api(), 'eraseSubscriber', {
      params: { phone: encodeURIComponent(suppressedPhone) },
      as: 'admin',
    });
    expectStatus(erased, 200);
    expect(erased.body).toMatchObject({ audiences: 1, messages: 0, suppressed: 1, optOutKept: true });
    expect(await itemsHolding(suppressedDigits)).toEqual([]);
    // The campaign's suppressed list keeps its length and reasons: the report still adds up.
    const afterItems = (await allItems()).filter(
      (item) =>
        item.pk === keys.campaign(campaign.id).pk && String(item.sk).startsWith(keys.suppressedPrefix),
    );
    expect(JSON.stringify(afterItems)).toContain('"to":"erased"');
    expect(JSON.stringify(afterItems)).toContain('opted_out');
  });

  it('refuses a phone that is not a Vietnamese mobile with 400 on the field', async () => {
    const answer = await send(api(), 'eraseSubscriber', { params: { phone: '12345' }, as: 'admin' });
    expectStatus(answer, 400);
    expect(JSON.stringify(answer.body)).toContain('phone');
  });

  it('is for admins only', async () => {
    const answer = await send(api(), 'exportSubscriber', { params: { phone: subject }, as: 'officer' });
    expectStatus(answer, 403);
  });
});
