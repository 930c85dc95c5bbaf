import { z } from 'zod';
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { dynamoDocumentClient, tableName } from '#adapters/clients.js';
import { keys } from '#adapters/table.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { campaignDeps } from '#adapters/campaign-deps.js';
import { completeCampaign, startCampaign } from '#core/campaign-service.js';
import type { UserAction } from '#core/campaign-status.js';
import { ErrorBody } from '#http/schemas.js';
import { startTestApi, type Caller, type TestApi } from '#support/api.js';
import { batchesOf, type CampaignView } from '#support/sending.js';
import { bodyOf, send, expectStatus, type RouteJson } from '#support/typed-api.js';

let api: TestApi;
let audienceA: string;
let audienceB: string;

const officer = { role: 'officer', user: 'officer-ha@bk.gov.vn' } as const;
const otherOfficer = { role: 'officer', user: 'officer-lan@bk.gov.vn' } as const;
const approver = { role: 'approver', user: 'approver-minh@bk.gov.vn' } as const;
const approverWhoCreates = { role: 'approver', user: 'approver-tuan@bk.gov.vn' } as const;
const approverWhoEdits = { role: 'approver', user: 'approver-dung@bk.gov.vn' } as const;
const approverWhoSubmits = { role: 'approver', user: 'approver-binh@bk.gov.vn' } as const;

const message =
  'Cảnh giác với lời mời "việc nhẹ lương cao" ở nước ngoài. Gọi 111 (miễn phí) để được hỗ trợ. {{link:https://bocongan.gov.vn/111}}';

const createAudience = async (name: string, subscribers: { phone: string; province?: string }[]) => {
  const created = await send(api, 'createAudience', { as: officer, json: { name } });
  expectStatus(created, 201);
  const imported = await send(api, 'importSubscribers', {
    params: { audienceId: created.body.id },
    as: officer,
    json: { subscribers },
  });
  expectStatus(imported, 200);
  return created.body.id;
};

const draft = (overrides: Partial<RouteJson<'createCampaign'>> = {}): RouteJson<'createCampaign'> => ({
  name: '30/7 Bắc Kạn',
  message,
  audienceIds: [audienceA, audienceB],
  schedule: { sendAt: '2099-07-30T08:00:00+07:00' },
  ...overrides,
});

const create = async (
  overrides: Partial<RouteJson<'createCampaign'>> = {},
  as: { role: 'officer' | 'approver'; user: string } = officer,
) => {
  const response = await send(api, 'createCampaign', { as, json: draft(overrides) });
  return bodyOf(response, 201);
};

const act = (
  id: string,
  action: UserAction,
  as: { role: 'officer' | 'approver' | 'admin' | 'planner'; user: string } = officer,
  json?: unknown,
) => send(api, 'transitionCampaign', { params: { campaignId: id, action }, as, ...(json ? { json } : {}) });

const update = (id: string, json: RouteJson<'updateCampaign'>, as: Caller = officer) =>
  send(api, 'updateCampaign', { params: { campaignId: id }, as, json });

const testSend = (id: string, phones: string[], as: Caller = officer) =>
  send(api, 'testCampaign', { params: { campaignId: id }, as, json: { phones } });

beforeAll(async () => {
  api = await startTestApi();
  for (const [partnerId, name, webhookUrl, carrier, pricePerSegment] of [
    ['viettel-bk', 'Viettel Bắc Kạn', 'https://viettel.example/sms', 'viettel', 300],
    ['vnpt-bk', 'VNPT Bắc Kạn', 'https://vnpt.example/sms', 'vinaphone', 250],
  ] as const) {
    const put = await send(api, 'putPartner', {
      params: { partnerId },
      json: {
        name,
        webhookUrl,
        carriers: [carrier],
        tps: 100,
        senderId: 'BOCONGAN',
        pricePerSegment,
      },
    });
    expectStatus(put, 201);
  }
  // A: 3 Viettel (2 in Bắc Kạn), 1 VinaPhone, 1 MobiFone (no partner: unroutable); B overlaps A by two phones.
  audienceA = await createAudience('Học sinh Chợ Đồn', [
    { phone: '0981000001', province: 'Bắc Kạn' },
    { phone: '0981000002', province: 'Bắc Kạn' },
    { phone: '0981000003', province: 'Hà Giang' },
    { phone: '0911000004', province: 'Bắc Kạn' },
    { phone: '0901000005', province: 'Bắc Kạn' },
  ]);
  audienceB = await createAudience('Xã biên giới', [
    { phone: '+84981000001', province: 'Bắc Kạn' },
    { phone: '84 911 000 004', province: 'Bắc Kạn' },
    { phone: '0971000006', province: 'Bắc Kạn' },
  ]);
  await send(api, 'createOptOut', { as: officer, json: { phone: '0971000006', reason: 'TU CHOI' } });
});
afterAll(() => api.close());

describe('campaign estimate', () => {
  it('counts a phone in two audiences once, suppresses opt-outs and flags unroutable carriers', async () => {
    const campaign = await create();
    expect(campaign.status).toBe('draft');
    expect(campaign.estimate).toMatchObject({
      recipients: 6,
      suppressed: 1,
      unroutable: 1,
      sendable: 4,
      byCarrier: { viettel: 3, vinaphone: 1 },
      encoding: 'UCS-2',
    });
    expect(campaign.estimate.segmentsPerMessage).toBeGreaterThanOrEqual(2);
    expect(campaign.estimate.totalSegments).toBe(4 * campaign.estimate.segmentsPerMessage);
    expect(campaign.estimate.cost).toBe((3 * 300 + 1 * 250) * campaign.estimate.segmentsPerMessage);
  });

  it('applies the province filter, whatever the case of the province name', async () => {
    const campaign = await create({ filters: { provinces: ['bắc kạn'] } });
    expect(campaign.estimate).toMatchObject({
      recipients: 5,
      suppressed: 1,
      unroutable: 1,
      byCarrier: { viettel: 2, vinaphone: 1 },
    });
  });

  it('uses only the partners the campaign names', async () => {
    const campaign = await create({ partnerIds: ['viettel-bk'] });
    expect(campaign.estimate).toMatchObject({
      recipients: 6,
      suppressed: 1,
      unroutable: 2,
      byCarrier: { viettel: 3 },
    });
  });

  it('prices unaccented text as GSM-7', async () => {
    const campaign = await create({
      message: 'Canh giac viec nhe luong cao o nuoc ngoai. Goi 111 mien phi.',
    });
    expect(campaign.estimate).toMatchObject({
      encoding: 'GSM-7',
      segmentsPerMessage: 1,
      totalSegments: 4,
      cost: 3 * 300 + 250,
    });
  });
});

describe('campaign scheduling input', () => {
  it('resolves the anti-trafficking day occasion to 08:00 in Hà Nội time', async () => {
    const campaign = await create({ schedule: { occasion: 'anti-trafficking-day', year: 2027 } });
    expect(campaign.sendAt).toBe('2027-07-30T01:00:00.000Z');
    expect(campaign.sendingWindow).toEqual({ start: '07:00', end: '22:00' });
    expect(campaign.timeZone).toBe('Asia/Ho_Chi_Minh');
  });

  it('resolves the peak period at a chosen local time and keeps an any-time window', async () => {
    const campaign = await create({
      schedule: { occasion: 'peak-period', year: 2028, localTime: '09:30' },
      sendingWindow: null,
    });
    expect(campaign.sendAt).toBe('2028-07-01T02:30:00.000Z');
    expect(campaign.sendingWindow).toBeNull();
  });

  it('stores sendAt in UTC', async () => {
    const campaign = await create({ schedule: { sendAt: '2027-07-30T08:00:00+07:00', repeat: 'yearly' } });
    expect(campaign.sendAt).toBe('2027-07-30T01:00:00.000Z');
  });

  const invalid: [string, Record<string, unknown>, string][] = [
    ['a missing name', { name: undefined }, 'name'],
    ['an empty message', { message: '' }, 'message'],
    ['no audiences', { audienceIds: [] }, 'audienceIds'],
    ['an unknown audience', { audienceIds: ['nope'] }, 'audienceIds.0'],
    ['a repeated audience', { audienceIds: ['x', 'x'] }, 'audienceIds'],
    ['an unknown partner', { partnerIds: ['nobody'] }, 'partnerIds.0'],
    ['a sendAt without offset', { schedule: { sendAt: '2027-07-30T08:00:00' } }, 'schedule.sendAt'],
    ['an unknown occasion', { schedule: { occasion: 'tet' } }, 'schedule'],
    ['a bad local time', { schedule: { occasion: 'peak-period', localTime: '25:00' } }, 'schedule.localTime'],
    ['a window with equal ends', { sendingWindow: { start: '07:00', end: '07:00' } }, 'sendingWindow.end'],
    ['a window with a bad hour', { sendingWindow: { start: '7h', end: '21:00' } }, 'sendingWindow.start'],
    ['an unknown time zone', { timeZone: 'Mars/Olympus' }, 'timeZone'],
    ['an unknown field', { priority: 'high' }, 'priority'],
    ['an empty province filter', { filters: { provinces: [] } }, 'filters.provinces'],
  ];
  it.each(invalid)('rejects %s with 400 naming the field', async (_case, overrides, path) => {
    const response = await send(api, 'createCampaign', { as: officer, json: draft(overrides) });
    expectStatus(response, 400);
    expect(response.body.error.code).toBe('validation_failed');
    expect(response.body.error.details?.map((d: { path: string }) => d.path)).toContain(path);
  });

  it('forbids a planner to create a campaign', async () => {
    const response = await send(api, 'createCampaign', { as: 'planner', json: draft() });
    expectStatus(response, 403);
  });
});

describe('campaign lifecycle', () => {
  it('goes draft → pending_approval → scheduled, approved by someone else, with an audit trail', async () => {
    const campaign = await create();
    expect(bodyOf(await act(campaign.id, 'submit'), 200).status).toBe('pending_approval');
    const approved = await act(campaign.id, 'approve', approver);
    expectStatus(approved, 200);
    expect(approved.body).toMatchObject({ status: 'scheduled', approvedBy: approver.user });

    const audit = await send(api, 'listAudit', { query: { campaignId: campaign.id } });
    expectStatus(audit, 200);
    expect(audit.body.items.map((e) => [e.action, e.from ?? null, e.to, e.actor])).toEqual([
      ['approve', 'pending_approval', 'scheduled', approver.user],
      ['submit', 'draft', 'pending_approval', officer.user],
      ['create', null, 'draft', officer.user],
    ]);
  });

  it('forbids the creator to approve their own campaign, even as an approver', async () => {
    const campaign = await create({}, approverWhoCreates);
    await act(campaign.id, 'submit', approverWhoCreates);
    const response = await act(campaign.id, 'approve', approverWhoCreates);
    expectStatus(response, 403);
    expect(response.body.error.code).toBe('forbidden');
    expect(bodyOf(await send(api, 'getCampaign', { params: { campaignId: campaign.id } }), 200).status).toBe(
      'pending_approval',
    );
  });

  it('forbids an officer to approve', async () => {
    const campaign = await create();
    await act(campaign.id, 'submit');
    expect((await act(campaign.id, 'approve', otherOfficer)).status).toBe(403);
  });

  it('refuses a rejection reason holding a control character, naming the field, as for any free text', async () => {
    const campaign = await create();
    await act(campaign.id, 'submit');
    const refused = await act(campaign.id, 'reject', approver, { reason: 'Thiếu hotline\u0007' });
    expectStatus(refused, 400);
    expect(refused.body.error.code).toBe('validation_failed');
    expect(refused.body.error.details?.map((d: { path: string }) => d.path)).toEqual(['reason']);
    expect(
      bodyOf(await send(api, 'getCampaign', { params: { campaignId: campaign.id }, as: officer }), 200)
        .status,
    ).toBe('pending_approval');
  });

  it('rejects with a reason, allows editing, and resubmits', async () => {
    const campaign = await create();
    await act(campaign.id, 'submit');
    expect((await act(campaign.id, 'reject', approver)).status).toBe(400);
    const rejected = bodyOf(
      await act(campaign.id, 'reject', approver, { reason: 'Thiếu số hotline 111' }),
      200,
    );
    expect(rejected).toMatchObject({
      status: 'rejected',
      rejection: { reason: 'Thiếu số hotline 111', by: approver.user },
    });
    const edited = await update(campaign.id, { message: 'Gọi 111 nếu nghi ngờ mua bán người.' });
    expectStatus(edited, 200);
    expect(edited.body.message).toBe('Gọi 111 nếu nghi ngờ mua bán người.');
    expect(bodyOf(await act(campaign.id, 'submit'), 200).status).toBe('pending_approval');
  });

  it.each([
    ['approve a draft', 'approve', approver],
    ['reject a draft', 'reject', approver],
    ['pause a draft', 'pause', officer],
    ['resume a draft', 'resume', officer],
  ] as const)('answers 409 to %s', async (_case, action, as) => {
    const campaign = await create();
    const response = await act(campaign.id, action, as, action === 'reject' ? { reason: 'no' } : undefined);
    expectStatus(response, 409);
    expect(response.body.error.code).toBe('conflict');
  });

  it('refuses to edit a submitted campaign (409) and to act on an unknown one (404)', async () => {
    const campaign = await create();
    await act(campaign.id, 'submit');
    expect((await update(campaign.id, { name: 'Khác' })).status).toBe(409);
    expect((await act('no-such-campaign', 'submit')).status).toBe(404);
    expect((await api.sendRaw('POST', `/v1/campaigns/${campaign.id}/launch`, { as: officer })).status).toBe(
      400,
    );
  });

  it('pauses, resumes and cancels a scheduled campaign; a cancelled one stays cancelled', async () => {
    const campaign = await create();
    await act(campaign.id, 'submit');
    await act(campaign.id, 'approve', approver);
    expect(bodyOf(await act(campaign.id, 'pause'), 200).status).toBe('paused');
    expect(bodyOf(await act(campaign.id, 'resume'), 200).status).toBe('scheduled');
    expect(bodyOf(await act(campaign.id, 'cancel'), 200).status).toBe('cancelled');
    expect((await act(campaign.id, 'resume')).status).toBe(409);
    expect((await act(campaign.id, 'submit')).status).toBe(409);
  });

  it('lets exactly one of two racing approvals win', async () => {
    const campaign = await create();
    await act(campaign.id, 'submit');
    const results = await Promise.all([
      act(campaign.id, 'approve', approver),
      act(campaign.id, 'approve', { role: 'approver', user: 'approver-hoa@bk.gov.vn' }),
      act(campaign.id, 'approve', { role: 'admin', user: 'admin@bk.gov.vn' }),
    ]);
    expect(results.map((r) => r.status).sort()).toEqual([200, 409, 409]);
    const audit = await send(api, 'listAudit', { query: { campaignId: campaign.id } });
    expect(bodyOf(audit, 200).items.filter((e) => e.action === 'approve')).toHaveLength(1);
  });

  it('starts at once when approved after sendAt has passed', async () => {
    // Within the minute a past sendAt is still accepted; by the approval it has passed.
    const campaign = await create({ schedule: { sendAt: new Date(Date.now() - 30_000).toISOString() } });
    await act(campaign.id, 'submit');
    const approved = bodyOf(await act(campaign.id, 'approve', approver), 200);
    expect(approved.status).toBe('sending');
    expect(approved.startedAt).toBeDefined();
  });

  it("leaves next year's copy as a draft when a yearly campaign completes", async () => {
    const content = {
      variants: { 'vi-x-khongdau': 'Canh giac viec nhe luong cao. Goi 111.' },
      treatments: [
        { id: 'A' as const, percent: 45 },
        { id: 'B' as const, percent: 45, message: 'Phương án B: gọi 111 miễn phí.' },
      ],
      holdoutPercent: 10,
    };
    const campaign = await create({
      schedule: { occasion: 'anti-trafficking-day', year: 2098, repeat: 'yearly' },
      ...content,
      clickTracking: 'off',
    });
    await act(campaign.id, 'submit');
    expect(bodyOf(await act(campaign.id, 'approve', approver), 200).status).toBe('scheduled');
    // What the schedule does when it fires.
    expect((await startCampaign(campaignDeps(), campaign.id)).status).toBe('sending');

    const { completed, nextYear } = await completeCampaign(campaignDeps(), campaign.id);
    expect(completed.status).toBe('completed');
    expect(nextYear).toMatchObject({
      status: 'draft',
      previousCampaignId: campaign.id,
      schedule: { occasion: 'anti-trafficking-day', year: 2099, repeat: 'yearly' },
      sendAt: '2099-07-30T01:00:00.000Z',
      createdBy: officer.user,
      ...content,
      // Sent as the original was: its links not tracked.
      clickTracking: 'off',
    });
    expect(nextYear).toBeDefined();
    const copy = await send(api, 'getCampaign', {
      params: { campaignId: String(nextYear?.id) },
      as: 'planner',
    });
    expect(bodyOf(copy, 200).status).toBe('draft');
  });

  it('tracks clicks in aggregate unless told otherwise, takes a change while a draft, and reads a campaign stored without the field as per recipient', async () => {
    const campaign = await create();
    expect(campaign).toMatchObject({ clickTracking: 'aggregate', estimate: { clickTracking: 'aggregate' } });
    const patched = bodyOf(await update(campaign.id, { clickTracking: 'recipient' }), 200);
    expect(patched).toMatchObject({ clickTracking: 'recipient', estimate: { clickTracking: 'recipient' } });
    const refused = await update(campaign.id, { clickTracking: 'nobody' as 'off' });
    expectStatus(refused, 400);
    expect(JSON.stringify(refused.body)).toContain('clickTracking');
    // As a campaign written before the modes existed: the attribute absent.
    await dynamoDocumentClient().send(
      new UpdateCommand({
        TableName: tableName(),
        Key: keys.campaign(campaign.id),
        UpdateExpression: 'REMOVE clickTracking',
      }),
    );
    const read = await send(api, 'getCampaign', { params: { campaignId: campaign.id }, as: 'planner' });
    expect(bodyOf(read, 200).clickTracking).toBe('recipient');
  });

  it('refuses aggregate tracking when the texts link to different addresses, and takes it per recipient', async () => {
    const treatments = [
      { id: 'A' as const, percent: 50 },
      { id: 'B' as const, percent: 50, message: 'Gọi 111. {{link:https://example.gov.vn/b}}' },
    ];
    const json = draft({ message: 'Gọi 111. {{link:https://example.gov.vn/a}}', treatments });
    const refused = await send(api, 'createCampaign', { as: officer, json });
    expectStatus(refused, 400);
    expect(ErrorBody.parse(refused.body).error.details).toEqual([
      expect.objectContaining({
        path: 'clickTracking',
        code: 'aggregate_links_differ',
        message: expect.stringContaining('2 different addresses'),
      }),
    ]);
    const created = await send(api, 'createCampaign', {
      as: officer,
      json: { ...json, clickTracking: 'recipient' },
    });
    expectStatus(created, 201);
    // Nor may a PATCH turn it back to aggregate.
    expectStatus(await update(String(created.body.id), { clickTracking: 'aggregate' }), 400);
  });

  it('lists campaigns by status, newest first, page by page', async () => {
    const first = await create({ name: 'Đợt cao điểm 1' });
    const second = await create({ name: 'Đợt cao điểm 2' });
    const drafts = await send(api, 'listCampaigns', {
      query: { status: 'draft', limit: '2' },
      as: 'planner',
    });
    expectStatus(drafts, 200);
    expect(drafts.body.items.map((c) => c.id)).toEqual([second.id, first.id]);
    expect(drafts.body.items.every((c) => c.status === 'draft')).toBe(true);
    expect(drafts.body.nextCursor).toEqual(expect.any(String));
    const next = await send(api, 'listCampaigns', {
      query: { status: 'draft', limit: 2, cursor: drafts.body.nextCursor ?? undefined },
      as: 'planner',
    });
    expect(bodyOf(next, 200).items.map((c) => c.id)).not.toContain(second.id);
    expect(
      (await send(api, 'listCampaigns', { badQuery: { status: 'shipped' }, as: 'planner' })).status,
    ).toBe(400);
  });

  it('keeps the audit log for admins only', async () => {
    expect((await send(api, 'listAudit', { as: 'approver' })).status).toBe(403);
    expect(
      bodyOf(await send(api, 'listAudit', { query: { limit: '5' }, as: 'admin' }), 200).items,
    ).toHaveLength(5);
  });
});

describe('four-eyes approval', () => {
  it('forbids an approver who edited the text to approve or reject it, and audits every editor', async () => {
    const campaign = await create();
    const edited = await update(
      campaign.id,
      { message: 'Gọi 111 ngay. {{link:https://example.com/khac}}' },
      approverWhoEdits,
    );
    expectStatus(edited, 200);
    expect(edited.body).toMatchObject({ createdBy: officer.user, editedBy: [approverWhoEdits.user] });
    await update(campaign.id, { name: 'Đã sửa' });
    const submitted = await act(campaign.id, 'submit', approverWhoEdits);
    expect(submitted.body).toMatchObject({ status: 'pending_approval', submittedBy: approverWhoEdits.user });

    for (const [action, json] of [
      ['approve', undefined],
      ['reject', { reason: 'no' }],
    ] as const) {
      const response = await act(campaign.id, action, approverWhoEdits, json);
      expectStatus(response, 403);
      expect(response.body.error).toMatchObject({
        code: 'forbidden',
        message: expect.stringContaining('you edited it'),
      });
    }
    const view = await send(api, 'getCampaign', { params: { campaignId: campaign.id }, as: 'planner' });
    expect(view.body).toMatchObject({
      status: 'pending_approval',
      editedBy: [approverWhoEdits.user],
      submittedBy: approverWhoEdits.user,
    });

    const audit = await send(api, 'listAudit', { query: { campaignId: campaign.id } });
    expect(bodyOf(audit, 200).items.map((e) => [e.action, e.actor, e.fields ?? null])).toEqual([
      ['submit', approverWhoEdits.user, null],
      ['update', officer.user, ['name']],
      ['update', approverWhoEdits.user, ['message']],
      ['create', officer.user, null],
    ]);
    expect(bodyOf(await act(campaign.id, 'approve', approver), 200).status).toBe('scheduled');
  });

  it('forbids the approver who submitted the version under review to approve it', async () => {
    const campaign = await create();
    await act(campaign.id, 'submit', approverWhoSubmits);
    const response = await act(campaign.id, 'approve', approverWhoSubmits);
    expectStatus(response, 403);
    expect(response.body.error.message).toContain('you submitted it');
    expect((await act(campaign.id, 'approve', approver)).status).toBe(200);
  });

  it('keeps an editor of a rejected version barred after the fix and resubmission', async () => {
    const campaign = await create();
    await update(campaign.id, { name: 'v1' }, approverWhoEdits);
    await act(campaign.id, 'submit');
    await act(campaign.id, 'reject', approver, { reason: 'Thiếu hotline' });
    await update(campaign.id, { name: 'v2' });
    await act(campaign.id, 'submit');
    expect((await act(campaign.id, 'approve', approverWhoEdits)).status).toBe(403);
  });
});

describe('PATCH changes only what it is sent', () => {
  const full = () =>
    draft({
      filters: { provinces: ['Bắc Kạn'] },
      schedule: { occasion: 'peak-period', year: 2098, localTime: '09:30' },
      sendingWindow: { start: '08:00', end: '20:00' },
      partnerIds: ['viettel-bk', 'vnpt-bk'],
      timeZone: 'Asia/Tokyo',
    });
  // Thunks: the audiences exist only once beforeAll has run.
  const patches: [string, () => RouteJson<'updateCampaign'>][] = [
    ['name', () => ({ name: 'Tên khác' })],
    ['message', () => ({ message: 'Gọi 111.' })],
    ['audienceIds', () => ({ audienceIds: [audienceA] })],
    ['filters', () => ({ filters: { provinces: ['Hà Giang'] } })],
    ['schedule', () => ({ schedule: { sendAt: '2098-08-01T10:00:00+09:00' } })],
    ['sendingWindow', () => ({ sendingWindow: null })],
    ['partnerIds', () => ({ partnerIds: ['viettel-bk'] })],
    ['timeZone', () => ({ timeZone: 'Asia/Bangkok' })],
  ];
  // What a PATCH may move besides the field itself.
  const derived = ['updatedAt', 'estimate', 'editedBy', 'sendAt'];
  const rest = (campaign: CampaignView, field: string) =>
    Object.fromEntries(Object.entries(campaign).filter(([k]) => k !== field && !derived.includes(k)));

  it.each(patches)('PATCH %s alone leaves every other field as it was', async (field, patchOf) => {
    const patch = patchOf();
    const created = await send(api, 'createCampaign', { as: officer, json: full() });
    expectStatus(created, 201);
    const updated = await update(created.body.id, patch);
    expectStatus(updated, 200);
    expect(rest(updated.body, field)).toEqual(rest(created.body, field));
    if (field !== 'schedule' && field !== 'timeZone') expect(updated.body.sendAt).toBe(created.body.sendAt);
    expect(updated.body.timeZone).toBe(field === 'timeZone' ? 'Asia/Bangkok' : 'Asia/Tokyo');
    const stored = await send(api, 'getCampaign', { params: { campaignId: created.body.id }, as: 'planner' });
    expect(stored.body).toEqual(updated.body);
  });

  it('moves sendAt with the time zone for an occasion at a local time', async () => {
    const created = await create({
      schedule: { occasion: 'peak-period', year: 2098 },
      timeZone: 'Asia/Tokyo',
    });
    expect(created.sendAt).toBe('2098-06-30T23:00:00.000Z');
    const updated = await update(created.id, { timeZone: 'Asia/Ho_Chi_Minh' });
    expect(bodyOf(updated, 200).sendAt).toBe('2098-07-01T01:00:00.000Z');
  });
});

describe('past and as-soon-as-approved schedules', () => {
  const pastDetail = (body: unknown) =>
    ErrorBody.parse(body).error.details?.find((d) => d.path === 'schedule.sendAt');

  it('refuses a sendAt more than a minute in the past, on create and on edit', async () => {
    const past = new Date(Date.now() - 5 * 60_000).toISOString();
    const created = await send(api, 'createCampaign', {
      as: officer,
      json: draft({ schedule: { sendAt: past } }),
    });
    expectStatus(created, 400);
    expect(created.body.error.code).toBe('validation_failed');
    expect(pastDetail(created.body)).toEqual({
      path: 'schedule.sendAt',
      code: 'past_send_at',
      message: 'must not be in the past',
    });

    const campaign = await create();
    const edited = await update(campaign.id, { schedule: { sendAt: '2020-07-30T08:00:00+07:00' } });
    expectStatus(edited, 400);
    expect(pastDetail(edited.body)?.message).toBe('must not be in the past');
  });

  it('answers in Vietnamese with the same codes when the request says Accept-Language: vi', async () => {
    const past = new Date(Date.now() - 5 * 60_000).toISOString();
    const response = await send(api, 'createCampaign', {
      as: officer,
      json: draft({ schedule: { sendAt: past } }),
      headers: { 'accept-language': 'vi' },
    });
    expectStatus(response, 400);
    expect(response.body.error).toEqual({
      code: 'validation_failed',
      message: 'Dữ liệu gửi lên không hợp lệ',
      details: [{ path: 'schedule.sendAt', code: 'past_send_at', message: 'Lịch gửi: thời điểm đã qua' }],
    });
  });

  it('names each bad field in Vietnamese, with zod’s codes, for a body that fails its schema', async () => {
    const response = await send(api, 'createCampaign', {
      as: officer,
      badJson: { ...draft(), name: '', message: '', colour: 'red' },
      headers: { 'accept-language': 'vi-VN,vi;q=0.9' },
    });
    expectStatus(response, 400);
    expect(response.body.error.details).toEqual(
      expect.arrayContaining([
        { path: 'name', code: 'too_small', message: 'Tên: phải từ 1 ký tự trở lên' },
        { path: 'message', code: 'empty', message: 'Nội dung tin nhắn: không được để trống' },
        {
          path: 'colour',
          code: 'unrecognized_keys',
          message: 'colour: không phải là trường dữ liệu được hỗ trợ',
        },
      ]),
    );
  });

  it('accepts a sendAt within the last minute (clock skew)', async () => {
    const campaign = await create({ schedule: { sendAt: new Date(Date.now() - 20_000).toISOString() } });
    expect(campaign.status).toBe('draft');
  });

  it('refuses an occasion of a past year, and takes an occasion without a year as its next date', async () => {
    const response = await send(api, 'createCampaign', {
      as: officer,
      json: draft({ schedule: { occasion: 'anti-trafficking-day', year: 2025 } }),
    });
    expectStatus(response, 400);
    expect(response.body.error.details).toEqual([
      {
        path: 'schedule.year',
        code: 'past_occasion',
        message: expect.stringMatching(/^must not be in the past/),
      },
    ]);
    const next = await create({ schedule: { occasion: 'anti-trafficking-day' } });
    expect(Date.parse(next.sendAt)).toBeGreaterThan(Date.now());
  });

  it('sends an asap campaign the moment it is approved', async () => {
    const campaign = await create({ schedule: { asap: true } });
    expect(campaign.schedule).toEqual({ asap: true });
    await act(campaign.id, 'submit');
    const approved = await act(campaign.id, 'approve', approver);
    expectStatus(approved, 200);
    expect(approved.body).toMatchObject({ status: 'sending', schedule: { asap: true } });
    expect(approved.body.sendAt).toBe(approved.body.approvedAt);
    expect(approved.body.startedAt).toBeDefined();
  });

  it('documents the asap schedule in the OpenAPI document', async () => {
    const doc = await send(api, 'openapi');
    const { components } = z
      .object({ components: z.object({ schemas: z.record(z.string(), z.unknown()) }) })
      .parse(bodyOf(doc, 200));
    expect(JSON.stringify(components.schemas.Schedule)).toContain('asap');
  });
});

describe('test sends', () => {
  it('queues the message at once for up to 5 phones, routed by carrier, marked as a test', async () => {
    const campaign = await create();
    const response = await testSend(campaign.id, ['0981234567', '0911234567', '0551234567']);
    expectStatus(response, 202);
    expect(response.body.messages).toEqual([
      {
        phone: '+84981234567',
        messageId: expect.stringMatching(new RegExp(`^${campaign.id}\\.9\\d{8}\\.0$`)),
        partnerId: 'viettel-bk',
        status: 'queued',
      },
      { phone: '+84911234567', messageId: expect.any(String), partnerId: 'vnpt-bk', status: 'queued' },
      { phone: '+84551234567', messageId: '', partnerId: null, status: 'unroutable' },
    ]);
    const batches = await batchesOf(campaign.id);
    expect(batches.map((b) => [b.test, b.status, b.messages.length])).toEqual([
      [true, 'queued', 1],
      [true, 'queued', 1],
    ]);
  });

  it.each([
    [
      'six phones',
      { phones: ['0981000001', '0981000002', '0981000003', '0981000004', '0981000005', '0981000006'] },
      'phones',
    ],
    ['no phones', { phones: [] }, 'phones'],
    ['a landline', { phones: ['0981000001', '02438251234'] }, 'phones.1'],
    ['a foreign number', { phones: ['+12025550123'] }, 'phones.0'],
  ])('rejects %s', async (_case, json, path) => {
    const campaign = await create();
    const response = await testSend(campaign.id, json.phones);
    expectStatus(response, 400);
    expect(response.body.error.details?.map((d: { path: string }) => d.path)).toContain(path);
  });

  it('refuses an opted-out phone with 409 naming it, and sends nothing', async () => {
    const campaign = await create();
    const response = await testSend(campaign.id, ['0981234500', '0971 000 006']);
    expectStatus(response, 409);
    expect(response.body.error.code).toBe('conflict');
    expect(response.body.error.details).toEqual([
      { path: 'phones.1', code: 'opted_out', message: '+84971000006 is opted out' },
    ]);
    const batches = await batchesOf(campaign.id);
    expect(batches).toEqual([]);
    const audit = await send(api, 'listAudit', { query: { campaignId: campaign.id } });
    expect(bodyOf(audit, 200).items.map((e) => e.action)).toEqual(['create']);
  });

  it('audits each test send: who, the phones masked, the text', async () => {
    const campaign = await create();
    expect((await testSend(campaign.id, ['0981234567', '+84 91 123 4567'])).status).toBe(202);
    const audit = await send(api, 'listAudit', { query: { campaignId: campaign.id } });
    expect(bodyOf(audit, 200).items[0]).toMatchObject({
      action: 'test',
      actor: officer.user,
      to: 'draft',
      phones: ['+8498****567', '+8491****567'],
      message,
    });
  });

  it('allows 5 test sends per user and campaign an hour, then answers 429 with Retry-After', async () => {
    const campaign = await create();
    const statuses = [];
    for (let n = 0; n < 5; n++) statuses.push((await testSend(campaign.id, ['0981234567'])).status);
    expect(statuses).toEqual([202, 202, 202, 202, 202]);
    const over = await testSend(campaign.id, ['0981234567']);
    expectStatus(over, 429);
    expect(over.body.error.code).toBe('rate_limited');
    const retryAfter = Number(over.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(3600);
    // Another user, or another campaign, has a quota of its own.
    expect((await testSend(campaign.id, ['0981234567'], otherOfficer)).status).toBe(202);
    expect((await testSend((await create()).id, ['0981234567'])).status).toBe(202);
    const audit = await send(api, 'listAudit', { query: { campaignId: campaign.id, limit: '100' } });
    expect(bodyOf(audit, 200).items.filter((e) => e.action === 'test')).toHaveLength(6);
  });

  it('answers 404 for an unknown campaign and 403 for a planner', async () => {
    expect((await testSend('nope', ['0981000001'])).status).toBe(404);
    const campaign = await create();
    expect((await testSend(campaign.id, ['0981000001'], 'planner')).status).toBe(403);
  });
});

describe('messages, calendar and settings', () => {
  it('estimates accented Vietnamese as UCS-2 and offers the unaccented alternative', async () => {
    const response = await send(api, 'estimateMessage', {
      as: 'planner',
      json: { text: 'Cảnh giác việc nhẹ lương cao. Gọi 111.' },
    });
    expectStatus(response, 200);
    expect(response.body).toMatchObject({
      encoding: 'UCS-2',
      segments: 1,
      charactersPerSegment: 70,
      gsmAlternative: { text: 'Canh giac viec nhe luong cao. Goi 111.', encoding: 'GSM-7', segments: 1 },
    });
  });

  it('rejects an empty text', async () => {
    expect((await send(api, 'estimateMessage', { json: { text: '' } })).status).toBe(400);
  });

  it('lists 30/7 and the peak period for a year', async () => {
    const response = await send(api, 'getCalendar', { query: { year: '2027' }, as: 'planner' });
    expect(bodyOf(response, 200).occasions).toEqual([
      expect.objectContaining({ id: 'anti-trafficking-day', date: '2027-07-30' }),
      expect.objectContaining({ id: 'peak-period', start: '2027-07-01', end: '2027-09-30' }),
    ]);
    expect((await send(api, 'getCalendar', { query: { year: '1999' }, as: 'planner' })).status).toBe(400);
  });

  it('keeps the frequency cap setting, admin only, validated', async () => {
    expect(bodyOf(await send(api, 'getSettings', { as: 'planner' }), 200).frequencyCap).toEqual({
      messages: 3,
      hours: 24,
    });
    const saved = await send(api, 'putSettings', {
      json: { frequencyCap: { messages: 2, hours: 48 } },
    });
    expect(saved.body).toMatchObject({ frequencyCap: { messages: 2, hours: 48 }, updatedBy: 'admin@test' });
    expect(bodyOf(await send(api, 'getSettings', { as: 'officer' }), 200).frequencyCap).toEqual({
      messages: 2,
      hours: 48,
    });
    expect(
      (
        await send(api, 'putSettings', {
          as: 'approver',
          json: { frequencyCap: { messages: 1, hours: 1 } },
        })
      ).status,
    ).toBe(403);
    const bad = await send(api, 'putSettings', { json: { frequencyCap: { messages: 0, hours: 24 } } });
    expectStatus(bad, 400);
    expect(bad.body.error.details?.[0]?.path).toBe('frequencyCap.messages');
  });
});

describe('a rejection keeps the version it rejected', () => {
  it('snapshots the reviewed fields at rejection, so the next review can show what changed', async () => {
    const campaign = await create({
      filters: { provinces: ['Bắc Kạn'] },
      sendingWindow: { start: '07:00', end: '21:00' },
      partnerIds: ['viettel-bk'],
    });
    await act(campaign.id, 'submit');
    const rejected = bodyOf(
      await act(campaign.id, 'reject', approver, { reason: 'Thiếu số hotline 111' }),
      200,
    );
    const version = {
      name: '30/7 Bắc Kạn',
      message,
      audienceIds: [audienceA, audienceB],
      // Bắc Kạn has been part of Thái Nguyên since 1 July 2025: stored, and reviewed, by the current name.
      filters: { provinces: ['Thái Nguyên'] },
      schedule: { sendAt: '2099-07-30T08:00:00+07:00' },
      sendingWindow: { start: '07:00', end: '21:00' },
      partnerIds: ['viettel-bk'],
      timeZone: 'Asia/Ho_Chi_Minh',
      // Reviewed with the content: the default for a new campaign.
      clickTracking: 'aggregate',
    };
    expect(rejected.rejection).toEqual({
      reason: 'Thiếu số hotline 111',
      by: approver.user,
      at: expect.any(String),
      version,
    });

    await update(campaign.id, { message: `${message} Gọi 111.`, sendingWindow: null });
    const resubmitted = await act(campaign.id, 'submit');
    expect(resubmitted.body).toMatchObject({
      status: 'pending_approval',
      message: `${message} Gọi 111.`,
      sendingWindow: null,
      rejection: { reason: 'Thiếu số hotline 111', version },
    });
    const read = await send(api, 'getCampaign', { params: { campaignId: campaign.id }, as: approver });
    expect(bodyOf(read, 200).rejection?.version).toEqual(version);
  });

  it('snapshots a campaign with no filters, partners or window as exactly that', async () => {
    const campaign = await create({ sendingWindow: null });
    await act(campaign.id, 'submit');
    const rejected = bodyOf(await act(campaign.id, 'reject', approver, { reason: 'Sai lịch' }), 200);
    expect(rejected.rejection?.version).toEqual({
      name: '30/7 Bắc Kạn',
      message,
      audienceIds: [audienceA, audienceB],
      schedule: { sendAt: '2099-07-30T08:00:00+07:00' },
      sendingWindow: null,
      timeZone: 'Asia/Ho_Chi_Minh',
      clickTracking: 'aggregate',
    });
  });
});
