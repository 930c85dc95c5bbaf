import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chunkMembers } from '#adapters/audience-store.js';
import { dynamoDocumentClient, tableName } from '#adapters/clients.js';
import { audienceChunkCodec } from '#adapters/table/audience-records.js';
import type { AudienceMember } from '#core/audience.js';
import { startTestApi, type TestApi } from '#support/api.js';
import { startSimulatedPartner, type SimulatedPartner } from '#support/partners.js';
import { bodyOf, expectError, send } from '#support/typed-api.js';

/**
 * Issue #16: the estimate with each recipient's own values and language, a submit refused while some lack
 * a value the text needs, and the preview of what they read. Members are put in the store as the import
 * leaves them (language and attributes on each), so this test does not depend on the import's columns.
 */

const PARTNER = 'content-viettel';
let api: TestApi;
let partner: SimulatedPartner;
let border: string;
let lowland: string;

const phone = (n: number) => `+8498700000${n}`;
const member = (n: number, extra: Partial<AudienceMember> = {}): AudienceMember => ({
  phone: phone(n),
  carrier: 'viettel',
  ...extra,
});

const newAudience = async (name: string, members: AudienceMember[]) => {
  const id = bodyOf(await send(api, 'createAudience', { as: 'officer', json: { name } }), 201).id;
  for (const [seq, text] of chunkMembers(members).entries()) {
    await dynamoDocumentClient().send(
      new PutCommand({ TableName: tableName(), Item: audienceChunkCodec.toItem(id, 'TEST', seq, text) }),
    );
  }
  return id;
};

beforeAll(async () => {
  api = await startTestApi();
  partner = await startSimulatedPartner(api, { id: PARTNER, carriers: ['viettel'], tps: 100 });
  border = await newAudience('Điện Biên – bản', [
    member(1, { language: 'hmn', attributes: { ho_va_ten: 'Giàng A Páo' } }),
    member(2, { language: 'hmn' }),
    member(3, { attributes: { ho_va_ten: 'Lò Thị Mai' } }),
    member(4),
  ]);
  lowland = await newAudience('Thái Nguyên', [
    // Also in the first audience: counted there, once.
    member(4),
    member(5, { language: 'vi-x-khongdau', attributes: { ho_va_ten: 'Nguyen Van An' } }),
    member(6, { language: 'vi-x-khongdau' }),
    member(7),
  ]);
}, 60_000);

afterAll(async () => {
  await partner?.close();
  await api?.close();
});

const VI = 'Kính gửi {{Họ và tên}}: cảnh giác việc nhẹ lương cao. Gọi 111.';
const KHONG_DAU = 'Kinh gui {{Ho va ten|ba con}}: canh giac viec nhe luong cao. Goi 111.';
const HMONG = 'Nyob zoo {{Họ và tên}}. Hu 111.';

describe('a campaign whose texts use a field', () => {
  let campaignId: string;

  it('estimates each variant with the values present and counts who lacks one by audience', async () => {
    const created = await send(api, 'createCampaign', {
      as: 'officer',
      json: {
        name: 'Gửi theo tên',
        message: VI,
        variants: { 'vi-x-khongdau': KHONG_DAU, hmn: HMONG },
        audienceIds: [border, lowland],
        partnerIds: [PARTNER],
        schedule: { asap: true },
        sendingWindow: null,
      },
    });
    const campaign = bodyOf(created, 201);
    campaignId = campaign.id;
    expect(campaign.estimate).toMatchObject({ recipients: 7, sendable: 7, holdout: 0 });
    expect(campaign.estimate.byVariant?.map((v) => [v.language, v.recipients, v.encoding])).toEqual([
      ['vi', 3, 'UCS-2'],
      ['hmn', 2, 'UCS-2'],
      ['vi-x-khongdau', 2, 'GSM-7'],
    ]);
    expect(campaign.estimate.fields).toEqual([
      {
        key: 'ho_va_ten',
        name: 'Họ và tên',
        required: true,
        present: 3,
        // Members 2 and 4 (border), 7 (lowland); member 6 reads the unaccented text, which has a fallback.
        missing: 3,
        missingByAudience: { [border]: 2, [lowland]: 1 },
        longest: 'Nguyen Van An'.length,
      },
    ]);
  });

  it('refuses the submit, per field and audience, in English and Vietnamese', async () => {
    const refused = await send(api, 'transitionCampaign', {
      params: { campaignId, action: 'submit' },
      as: 'officer',
    });
    expectError(refused, 409, 'conflict');
    expect(refused.body.error.details).toEqual([
      {
        path: 'audienceIds.0',
        code: 'missing_field_values',
        message: `2 recipients of audience ${border} have no value for the field Họ và tên`,
      },
      {
        path: 'audienceIds.1',
        code: 'missing_field_values',
        message: `1 recipients of audience ${lowland} have no value for the field Họ và tên`,
      },
    ]);
    const inVietnamese = await send(api, 'transitionCampaign', {
      params: { campaignId, action: 'submit' },
      as: 'officer',
      headers: { 'accept-language': 'vi' },
    });
    expectError(inVietnamese, 409, 'conflict');
    expect(inVietnamese.body.error.message).toContain('Một số người nhận chưa có giá trị cho 1 trường');
    expect(inVietnamese.body.error.details?.[0]?.message).toContain(
      `2 người nhận trong danh sách ${border} chưa có giá trị cho trường Họ và tên`,
    );
    const unchanged = bodyOf(await send(api, 'getCampaign', { params: { campaignId }, as: 'planner' }), 200);
    expect(unchanged.status).toBe('draft');
  });

  it('previews a real recipient per language with a masked phone, and the worst case', async () => {
    const preview = bodyOf(
      await send(api, 'previewCampaign', { params: { campaignId }, as: 'planner' }),
      200,
    );
    expect(preview.sendable).toBe(7);
    const byLanguage = Object.fromEntries(preview.texts.map((t) => [t.language, t]));
    expect(byLanguage.vi).toMatchObject({
      treatment: 'A',
      recipients: 3,
      example: { phone: '+8498****003', text: 'Kính gửi Lò Thị Mai: cảnh giác việc nhẹ lương cao. Gọi 111.' },
      worst: { phone: '+8498****003', segments: 1 },
    });
    expect(byLanguage['vi-x-khongdau']?.example).toMatchObject({
      phone: '+8498****005',
      text: 'Kinh gui Nguyen Van An: canh giac viec nhe luong cao. Goi 111.',
      encoding: 'GSM-7',
    });
    expect(byLanguage.hmn?.example).toMatchObject({
      phone: '+8498****001',
      text: 'Nyob zoo Giàng A Páo. Hu 111.',
    });
    expect(JSON.stringify(preview)).not.toMatch(/\+849870000\d/);
    const missing = await send(api, 'previewCampaign', { params: { campaignId: 'NOPE' }, as: 'planner' });
    expectError(missing, 404, 'not_found');
  });

  it('lets the campaign through once every use of the field has a fallback', async () => {
    const patched = await send(api, 'updateCampaign', {
      params: { campaignId },
      as: 'officer',
      json: {
        message: 'Kính gửi {{Họ và tên|bà con}}: cảnh giác. Gọi 111.',
        variants: { 'vi-x-khongdau': KHONG_DAU, hmn: 'Nyob zoo {{Họ và tên|phooj ywg}}. Hu 111.' },
      },
    });
    expect(bodyOf(patched, 200).estimate.fields?.[0]).toMatchObject({ required: false, missing: 0 });
    const submitted = await send(api, 'transitionCampaign', {
      params: { campaignId, action: 'submit' },
      as: 'officer',
    });
    expect(bodyOf(submitted, 200).status).toBe('pending_approval');
  });
});
