import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dynamoDocumentClient, tableName } from '#adapters/clients.js';
import { keys } from '#adapters/table.js';
import type { TestApi } from '#support/api.js';
import { startMetricsStack, type MetricsStack } from '#support/stack.js';
import { acceptedMessages } from '#support/partners.js';
import { launchCampaign, waitForStatus } from '#support/sending.js';
import { bodyOf, expectError, send, type RouteJson } from '#support/typed-api.js';

/** Issue #15 part C end to end: an officer's CSV, estimates by province, commune and tag, a tag-filtered send. */

const PARTNER = 'target-viettel';
let api: TestApi;
let stack: MetricsStack;
let audienceId: string;

/** Former and current province names, communes in several spellings, the suggested group tags. */
const CSV = [
  'phone,province,commune,tags',
  '0983000001,Bắc Kạn,Bằng Vân,vung-bien;dan-toc-thieu-so',
  '0983000002,Thái Nguyên,xã bằng vân,vung-bien',
  '0983000003,bac kan,Thượng Quan,dan-toc-thieu-so;hoc-sinh-sinh-vien',
  '0983000004,tỉnh Hà Giang,Đồng Văn,vung-bien;dan-toc-thieu-so;lao-dong-di-nuoc-ngoai',
  '0983000005,Tuyên Quang,Phường Minh Xuân,hoc-sinh-sinh-vien',
  '0983000006,Cao Bằng,Bằng Vân,vung-bien',
  '0983000007,Atlantis,,lao-dong-di-nuoc-ngoai',
  '0983000008,,,',
];
const phone = (n: number) => `+8498300000${n}`;

beforeAll(async () => {
  stack = await startMetricsStack({ id: PARTNER, carriers: ['viettel'], tps: 500 });
  api = stack.api;
  const created = await send(api, 'createAudience', { as: 'officer', json: { name: 'Biên giới' } });
  audienceId = bodyOf(created, 201).id;
  const imported = await send(api, 'importSubscribers', {
    params: { audienceId },
    as: 'officer',
    csv: CSV.join('\r\n'),
  });
  expect(bodyOf(imported, 200)).toMatchObject({ accepted: 8, rejectedCount: 0, warningCount: 1 });
}, 60_000);

afterAll(() => stack?.stop());

type Filters = RouteJson<'createCampaign'>['filters'];

const draft = (filters?: Filters, headers: Record<string, string> = {}) =>
  send(api, 'createCampaign', {
    as: 'officer',
    headers,
    json: {
      name: '30/7 vùng biên',
      message: 'Canh giac voi loi moi viec nhe luong cao. Goi 111.',
      audienceIds: [audienceId],
      partnerIds: [PARTNER],
      schedule: { asap: true },
      ...(filters === undefined ? {} : { filters }),
    },
  });

const estimateOf = async (filters?: Filters) => bodyOf(await draft(filters), 201);

const getCampaign = async (campaignId: string) =>
  bodyOf(await send(api, 'getCampaign', { params: { campaignId }, as: 'planner' }), 200);

describe('the estimate of a filtered campaign', () => {
  const cases: [string, Filters, number, Record<string, number>][] = [
    ['no filters', undefined, 8, { 'Thái Nguyên': 3, 'Tuyên Quang': 2, 'Cao Bằng': 1 }],
    ['a province by code', { provinces: ['19'] }, 3, { 'Thái Nguyên': 3 }],
    ['a province by its former name', { provinces: ['Bắc Kạn'] }, 3, { 'Thái Nguyên': 3 }],
    ['a province by a former name, unaccented', { provinces: ['ha giang'] }, 2, { 'Tuyên Quang': 2 }],
    [
      'a commune within two provinces',
      { provinces: ['19', 'Cao Bằng'], communes: ['Bằng Vân'] },
      3,
      { 'Thái Nguyên': 2, 'Cao Bằng': 1 },
    ],
    ['a commune with its prefix', { provinces: ['19'], communes: ['Xã Bằng Vân'] }, 2, { 'Thái Nguyên': 2 }],
    [
      'tags any',
      { tags: { any: ['hoc-sinh-sinh-vien', 'lao-dong-di-nuoc-ngoai'] } },
      4,
      { 'Thái Nguyên': 1, 'Tuyên Quang': 2 },
    ],
    [
      'tags all',
      { tags: { all: ['vung-bien', 'dan-toc-thieu-so'] } },
      2,
      { 'Thái Nguyên': 1, 'Tuyên Quang': 1 },
    ],
    ['tags none', { tags: { none: ['vung-bien'] } }, 4, { 'Thái Nguyên': 1, 'Tuyên Quang': 1 }],
    [
      'provinces and tags together',
      {
        provinces: ['Thái Nguyên', 'Tuyên Quang'],
        tags: { any: ['dan-toc-thieu-so'], none: ['lao-dong-di-nuoc-ngoai'] },
      },
      2,
      { 'Thái Nguyên': 2 },
    ],
  ];
  it.each(cases)('counts exactly with %s', async (_name, filters, recipients, byProvince) => {
    const campaign = await estimateOf(filters);
    expect(campaign.estimate).toMatchObject({
      recipients,
      sendable: recipients,
      byCarrier: { viettel: recipients },
    });
    expect(campaign.estimate?.byProvince).toEqual(byProvince);
  });

  it('stores provinces by their current canonical name, each once', async () => {
    const campaign = await estimateOf({ provinces: ['Bắc Kạn', '19', 'tỉnh Hà Giang'] });
    expect(campaign.filters).toEqual({ provinces: ['Thái Nguyên', 'Tuyên Quang'] });
    expect((await getCampaign(campaign.id)).filters).toEqual({ provinces: ['Thái Nguyên', 'Tuyên Quang'] });
  });

  it('refuses an unknown province naming it, in English and Vietnamese', async () => {
    const en = await draft({ provinces: ['19', 'Atlantis'] });
    expectError(en, 400, 'validation_failed');
    expect(en.body.error.details).toEqual([
      {
        path: 'filters.provinces.1',
        code: 'unknown_province_filter',
        message: expect.stringMatching(/^"Atlantis" names no province/),
      },
    ]);
    const vi = await draft({ provinces: ['Atlantis'] }, { 'accept-language': 'vi' });
    expectError(vi, 400, 'validation_failed');
    expect(vi.body.error.details?.[0]?.message).toMatch(
      /^Tỉnh, thành phố \(mục 1\): "Atlantis" không phải tên tỉnh/,
    );
  });

  it('refuses communes without provinces and a tag both wanted and excluded', async () => {
    const communes = await draft({ communes: ['Bằng Vân'] });
    expectError(communes, 400, 'validation_failed');
    expect(communes.body.error.details).toMatchObject([
      { path: 'filters.communes', code: 'communes_need_provinces' },
    ]);
    const tags = await draft({ tags: { all: ['vung-bien'], none: ['vung-bien'] } });
    expectError(tags, 400, 'validation_failed');
    expect(tags.body.error.details).toMatchObject([
      { path: 'filters.tags.none.0', code: 'tag_wanted_and_excluded' },
    ]);
  });

  it('reads a campaign stored with former province names in today’s names, and sends as before', async () => {
    const campaign = await estimateOf({ provinces: ['19'] });
    // As a campaign saved before the province registry holds them.
    await dynamoDocumentClient().send(
      new UpdateCommand({
        TableName: tableName(),
        Key: keys.campaign(campaign.id),
        UpdateExpression: 'SET filters = :filters',
        ExpressionAttributeValues: { ':filters': { provinces: ['Bắc Kạn', 'Thái Nguyên'] } },
      }),
    );
    expect((await getCampaign(campaign.id)).filters).toEqual({ provinces: ['Thái Nguyên'] });
    const submitted = await send(api, 'transitionCampaign', {
      params: { campaignId: campaign.id, action: 'submit' },
      as: 'officer',
    });
    expect(bodyOf(submitted, 200).estimate).toMatchObject({
      recipients: 3,
      byProvince: { 'Thái Nguyên': 3 },
    });
  });
});

describe('a tag-filtered send', () => {
  it('reaches exactly the matching phones, and its metrics count them by current province', async () => {
    const campaign = await launchCampaign(api, {
      audienceIds: [audienceId],
      partnerIds: [PARTNER],
      filters: { tags: { all: ['vung-bien'], none: ['lao-dong-di-nuoc-ngoai'] } },
    });
    const campaignId = String(campaign.id);
    expect(campaign.estimate).toMatchObject({
      recipients: 3,
      byProvince: { 'Thái Nguyên': 2, 'Cao Bằng': 1 },
    });
    await waitForStatus(api, campaignId, 'completed', 60_000);
    await stack.streams.drain();
    const received = [...acceptedMessages([stack.partner]).values()].map((m) => m.to).sort();
    expect(received).toEqual([phone(1), phone(2), phone(6)]);
    const metrics = bodyOf(
      await send(api, 'getCampaignMetrics', { params: { campaignId }, as: 'planner' }),
      200,
    );
    expect(metrics).toMatchObject({ targeted: 3, sent: 3 });
    expect(Object.keys(metrics.byProvince).sort()).toEqual(['Cao Bằng', 'Thái Nguyên']);
    expect(metrics.byProvince['Thái Nguyên']?.sent).toBe(2);
    expect(metrics.byProvince['Cao Bằng']?.sent).toBe(1);
  }, 90_000);
});
