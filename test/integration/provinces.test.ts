import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestApi } from '#support/api.js';
import { startMetricsStack, type MetricsStack } from '#support/stack.js';
import { launchCampaign, waitForStatus } from '#support/sending.js';
import { audienceOf, importCsv, importedAudience, newAudience } from '#support/audiences.js';
import { bodyOf, expectStatus, send } from '#support/typed-api.js';

/** Issue #15 part A end to end: the registry, an officer's CSV with old and unknown names, a send. */

const PARTNER = 'prov-viettel';
let api: TestApi;
let stack: MetricsStack;

beforeAll(async () => {
  stack = await startMetricsStack({ id: PARTNER, carriers: ['viettel'], tps: 500 });
  api = stack.api;
}, 60_000);

afterAll(() => stack?.stop());

const importLines = (id: string, lines: string[], headers: Record<string, string> = {}) =>
  importCsv(api, id, lines.join('\r\n'), headers);

/** Former and current names in the spellings officers use, two unknown places and a row without one. */
const MIXED = [
  'phone,province,district',
  '0981000001,Bắc Kạn,Chợ Đồn',
  '0981000002,Bac Kan,',
  '0981000003,tỉnh Hà Giang,',
  '0981000004,Thái Nguyên,',
  '0981000005,TP. Hồ Chí Minh,',
  '0981000006,Bà Rịa - Vũng Tàu,',
  '0981000007,Atlantis,',
  '0981000008,,',
  '0981000009,Quận 1,',
  '0981000010,THỪA THIÊN HUẾ,',
];

describe('GET /v1/provinces', () => {
  it('lists the 34 units by code with their former provinces, cacheable, to any reader', async () => {
    const response = await send(api, 'listProvinces', { as: 'planner' });
    expectStatus(response, 200);
    expect(response.headers.get('cache-control')).toBe('private, max-age=86400');
    const items = response.body.items;
    expect(items).toHaveLength(34);
    expect(items.flatMap((p) => p.formerNames)).toHaveLength(63);
    expect(items.find((p) => p.code === '19')).toEqual({
      code: '19',
      name: 'Thái Nguyên',
      formerNames: ['Thái Nguyên', 'Bắc Kạn'],
    });
    expect(items.map((p) => p.code)).toEqual([...items.map((p) => p.code)].sort());
  });

  it('needs a token', async () => {
    const response = await fetch(`${api.url}/v1/provinces`);
    expect(response.status).toBe(401);
  });
});

describe('an import naming former, current and unknown provinces', () => {
  it('counts by current unit, warns about unknown places and says how many names were former ones', async () => {
    const { id, imported } = await importedAudience(api, MIXED.join('\r\n'), 'Biên giới phía Bắc');
    expect(imported).toEqual({
      accepted: 10,
      duplicates: 0,
      replaced: 0,
      rejected: [],
      rejectedCount: 0,
      notices: [{ code: 'legacy_district_column', message: expect.stringMatching(/no district level/) }],
      warnings: [
        {
          row: 7,
          field: 'province',
          value: 'Atlantis',
          code: 'unknown_province',
          message: expect.stringMatching(/names no province .*added without a province/),
        },
        {
          row: 9,
          field: 'province',
          value: 'Quận 1',
          code: 'unknown_province',
          message: expect.stringMatching(/names no province/),
        },
      ],
      warningCount: 2,
      mappedFromFormerName: 5,
      size: 10,
    });
    expect((await audienceOf(api, id)).byProvince).toEqual({
      'Thái Nguyên': 3,
      'Tuyên Quang': 1,
      'Thành phố Hồ Chí Minh': 2,
      Huế: 1,
    });
  });

  it('says the warnings in Vietnamese when asked', async () => {
    const id = await newAudience(api, 'vi');
    const response = await importLines(id, ['phone,province', '0981000001,Atlantis'], {
      'accept-language': 'vi',
    });
    expectStatus(response, 200);
    expect(response.body.warnings[0]?.message).toMatch(/không phải tên tỉnh, thành phố nào/);
  });

  it('lists at most 1000 warnings and counts them all', async () => {
    const id = await newAudience(api, 'many unknown');
    const lines = [
      'phone,province',
      ...Array.from({ length: 1200 }, (_, i) => `097${String(i).padStart(7, '0')},Nowhere ${i}`),
    ];
    const response = await importLines(id, lines);
    expectStatus(response, 200);
    expect(response.body).toMatchObject({ accepted: 1200, warningCount: 1200, size: 1200 });
    expect(response.body.warnings).toHaveLength(1000);
    expect(response.body.warnings[999]).toMatchObject({ row: 1000, value: 'Nowhere 999' });
  });

  it('targets a former province as the unit it is part of, and reports the send by current province', async () => {
    const id = await newAudience(api, 'gửi');
    const lines = [
      'phone,province',
      '0982000001,Bắc Kạn',
      '0982000002,Thái Nguyên',
      '0982000003,bac kan',
      '0982000004,Hà Giang',
      '0982000005,Atlantis',
    ];
    expect((await importLines(id, lines)).status).toBe(200);
    const campaign = await launchCampaign(api, {
      audienceIds: [id],
      partnerIds: [PARTNER],
      filters: { provinces: ['Bắc Kạn', 'Tuyên Quang'] },
    });
    const campaignId = campaign.id;
    await waitForStatus(api, campaignId, 'completed', 60_000);
    await stack.streams.drain();
    const metrics = bodyOf(
      await send(api, 'getCampaignMetrics', { params: { campaignId }, as: 'planner' }),
      200,
    );
    expect(metrics.sent).toBe(4);
    expect(Object.keys(metrics.byProvince).sort()).toEqual(['Thái Nguyên', 'Tuyên Quang']);
    expect(metrics.byProvince['Thái Nguyên']?.sent).toBe(3);
    expect(metrics.byProvince['Tuyên Quang']?.sent).toBe(1);
  }, 90_000);
});
