import { describe, expect, it } from 'vitest';
import type { AudienceMember } from '#core/audience.js';
import {
  estimateCampaign,
  missingFieldValues,
  surveyCampaign,
  type EstimateInput,
  type MemberChunk,
} from '#core/campaign-estimate.js';
import { previewOf } from '#core/campaign-preview.js';
import { groupOf } from '#core/content/assignment.js';
import { chooseContent, contentChooser, splitOf, textsOf } from '#core/content/content.js';
import { chooseVariant } from '#core/content/languages.js';
import { estimateMessage, measureMessage } from '#core/sms-encoding.js';
import { partnerView as partner } from './fixtures.js';

async function* chunks(...lists: MemberChunk[]) {
  yield* lists;
}

const phone = (n: number) => `+8498${String(1_000_000 + n).padStart(7, '0')}`;

const member = (n: number, extra: Partial<AudienceMember> = {}): AudienceMember => ({
  phone: phone(n),
  carrier: 'viettel',
  ...extra,
});

const now = new Date('2027-07-01T00:00:00Z');
const viettel = [partner('v', ['viettel'], { pricePerSegment: 300 })];
const base = {
  shortLinkLength: 32,
  campaignId: '01JCAMPAIGN0000000000000000',
} satisfies Partial<EstimateInput>;

/** The estimate of `content` sent to `members` through one Viettel partner (300 a segment), nobody opted out unless said. */
const estimateOf = (
  content: Omit<EstimateInput, keyof typeof base>,
  members: AsyncIterable<MemberChunk>,
  optedOut = new Set<string>(),
) => estimateCampaign({ ...base, ...content }, members, optedOut, viettel, now);

/** 80 characters of accented Vietnamese: UCS-2, so 2 segments; without accents GSM-7, 1 segment. */
const VI = 'Cảnh giác với lời mời việc nhẹ lương cao ở nước ngoài. Gọi 111 miễn phí, 24/7.';
const KHONG_DAU = 'Canh giac voi loi moi viec nhe luong cao o nuoc ngoai. Goi 111 mien phi, 24/7.';

describe('the estimate per variant', () => {
  it('measures the unaccented variant as GSM-7 and the vi text as UCS-2, each with its own segments', async () => {
    expect(estimateMessage(VI)).toMatchObject({ encoding: 'UCS-2', segments: 2 });
    expect(estimateMessage(KHONG_DAU)).toMatchObject({ encoding: 'GSM-7', segments: 1 });
    const estimate = await estimateOf(
      { message: VI, variants: { 'vi-x-khongdau': KHONG_DAU, hmn: 'Ceev faj. Hu 111.' } },
      chunks([
        member(1),
        member(2, { language: 'vi' }),
        member(3, { language: 'vi-x-khongdau' }),
        member(4, { language: 'vi-x-khongdau' }),
        member(5, { language: 'vi-x-khongdau' }),
        // No variant in Khmer: the vi text.
        member(6, { language: 'km' }),
      ]),
    );
    // vi first, then by tag.
    expect(estimate.byVariant).toEqual([
      {
        language: 'vi',
        recipients: 3,
        encoding: 'UCS-2',
        segmentsPerMessage: 2,
        totalSegments: 6,
        cost: 1800,
        nonGsmCharacters: expect.arrayContaining(['ả', 'á', 'ờ']),
      },
      // Nobody reads H'Mông here: measured as written, costing nothing.
      {
        language: 'hmn',
        recipients: 0,
        encoding: 'GSM-7',
        segmentsPerMessage: 1,
        totalSegments: 0,
        cost: 0,
        nonGsmCharacters: [],
      },
      {
        language: 'vi-x-khongdau',
        recipients: 3,
        encoding: 'GSM-7',
        segmentsPerMessage: 1,
        totalSegments: 3,
        cost: 900,
        nonGsmCharacters: [],
      },
    ]);
    expect(estimate).toMatchObject({
      sendable: 6,
      holdout: 0,
      encoding: 'UCS-2',
      segmentsPerMessage: 2,
      totalSegments: 9,
      cost: 2700,
      fields: [],
    });
    expect(estimate.byTreatment).toBeUndefined();
  });

  it('counts segments with each recipient’s own value: the longest one present makes the most', async () => {
    // 150 GSM characters around the name: a short name stays in one part, a long one needs two.
    const text = `Kinh gui {{Ho va ten}}, ${'x'.repeat(126)}. Goi 111.`;
    const longName = 'Nguyen Thi Thu Huong Lan Anh';
    const estimate = await estimateOf(
      { message: text },
      chunks([
        member(1, { attributes: { ho_va_ten: 'Lan' } }),
        member(2, { attributes: { ho_va_ten: 'Mai' } }),
        member(3, { attributes: { ho_va_ten: longName } }),
      ]),
    );
    expect(estimateMessage(text.replace('{{Ho va ten}}', 'Lan')).segments).toBe(1);
    expect(estimateMessage(text.replace('{{Ho va ten}}', longName)).segments).toBe(2);
    expect(estimate).toMatchObject({ segmentsPerMessage: 2, totalSegments: 4, cost: 1200 });
    expect(estimate.fields).toEqual([
      {
        key: 'ho_va_ten',
        name: 'Ho va ten',
        required: true,
        present: 3,
        missing: 0,
        missingByAudience: {},
        longest: longName.length,
      },
    ]);
  });

  it('a value with accents turns a GSM-7 variant into UCS-2 for that recipient', async () => {
    const estimate = await estimateOf(
      { message: VI, variants: { 'vi-x-khongdau': 'Kinh gui {{Ten}}. Goi 111.' } },
      chunks([
        member(1, { language: 'vi-x-khongdau', attributes: { ten: 'Lan' } }),
        member(2, { language: 'vi-x-khongdau', attributes: { ten: 'Hương' } }),
      ]),
    );
    expect(estimate.byVariant?.find((v) => v.language === 'vi-x-khongdau')).toMatchObject({
      recipients: 2,
      encoding: 'UCS-2',
      nonGsmCharacters: ['ư', 'ơ'],
      totalSegments: 2,
    });
  });

  it('counts the holdout among the recipients but not as sendable, and it costs nothing', async () => {
    const members = Array.from({ length: 400 }, (_, i) => member(i));
    const split = splitOf({ holdoutPercent: 20 });
    const heldOut = members.filter((m) => groupOf(split, base.campaignId, m.phone) === 'holdout').length;
    expect(heldOut).toBeGreaterThan(40);
    expect(heldOut).toBeLessThan(120);
    const estimate = await estimateOf(
      { message: 'Goi 111', holdoutPercent: 20 },
      chunks(members),
      new Set([phone(0)]),
    );
    const heldOutAndOptedIn = heldOut - (groupOf(split, base.campaignId, phone(0)) === 'holdout' ? 1 : 0);
    expect(estimate).toMatchObject({
      recipients: 400,
      suppressed: 1,
      holdout: heldOutAndOptedIn,
      sendable: 399 - heldOutAndOptedIn,
      totalSegments: 399 - heldOutAndOptedIn,
      cost: (399 - heldOutAndOptedIn) * 300,
      byCarrier: { viettel: 399 - heldOutAndOptedIn },
    });
  });

  it('splits recipients, segments and cost per treatment as the send assigns them', async () => {
    const members = Array.from({ length: 300 }, (_, i) => member(i));
    const content = {
      message: 'Goi 111',
      treatments: [
        { id: 'A' as const, percent: 45 },
        { id: 'B' as const, percent: 45, message: VI },
      ],
      holdoutPercent: 10,
    };
    const split = splitOf(content);
    const count = (group: string) =>
      members.filter((m) => groupOf(split, base.campaignId, m.phone) === group).length;
    const estimate = await estimateOf(content, chunks(members));
    expect(estimate.byTreatment).toEqual([
      { treatment: 'A', recipients: count('A'), totalSegments: count('A'), cost: count('A') * 300 },
      { treatment: 'B', recipients: count('B'), totalSegments: 2 * count('B'), cost: 2 * count('B') * 300 },
    ]);
    expect(estimate.holdout).toBe(count('holdout'));
    expect(estimate.totalSegments).toBe(count('A') + 2 * count('B'));
  });
});

describe('missing field values', () => {
  const twoAudiences = () =>
    chunks(
      {
        audienceId: 'AUD1',
        members: [
          member(1, { attributes: { ten: 'Lan' } }),
          member(2),
          member(3, { attributes: { xa: 'Bản Phố' } }),
        ],
      },
      {
        audienceId: 'AUD2',
        // Member 2 is held in both: counted once, under the first audience.
        members: [
          member(2),
          member(4, { attributes: { ten: '' } }),
          member(5, { attributes: { ten: 'Hoa' } }),
        ],
      },
    );

  it('counts who lacks a required value by the audience that holds them; a fallback is never missing', async () => {
    const estimate = await estimateOf({ message: 'Chào {{Tên}} ở {{Xã|bà con}}. Gọi 111.' }, twoAudiences());
    expect(estimate.fields).toEqual([
      {
        key: 'ten',
        name: 'Tên',
        required: true,
        present: 2,
        missing: 3,
        missingByAudience: { AUD1: 2, AUD2: 1 },
        longest: 3,
      },
      { key: 'xa', name: 'Xã', required: false, present: 1, missing: 0, missingByAudience: {}, longest: 7 },
    ]);
    const refusal = missingFieldValues(estimate, ['AUD1', 'AUD2']);
    expect(refusal).toMatchObject({ status: 409, code: 'conflict' });
    expect(refusal?.details).toEqual([
      expect.objectContaining({
        path: 'audienceIds.0',
        code: 'missing_field_values',
        params: { field: 'Tên', missing: 2, audienceId: 'AUD1' },
      }),
      expect.objectContaining({
        path: 'audienceIds.1',
        code: 'missing_field_values',
        params: { field: 'Tên', missing: 1, audienceId: 'AUD2' },
      }),
    ]);
  });

  it('refuses nothing when every required value is there or every field has a fallback', async () => {
    const estimate = await estimateOf({ message: 'Chào {{Tên|bà con}}. Gọi 111.' }, twoAudiences());
    expect(estimate.fields?.[0]).toMatchObject({ required: false, present: 2, missing: 0 });
    expect(missingFieldValues(estimate, ['AUD1', 'AUD2'])).toBeUndefined();
  });

  it('counts only recipients whose own text needs the field', async () => {
    const estimate = await estimateOf(
      { message: 'Gọi 111.', variants: { hmn: 'Nyob zoo {{Tên}}. Hu 111.' } },
      chunks({
        audienceId: 'AUD1',
        members: [
          member(1),
          member(2, { language: 'hmn' }),
          member(3, { language: 'hmn', attributes: { ten: 'Pao' } }),
        ],
      }),
    );
    expect(estimate.fields?.[0]).toMatchObject({ present: 1, missing: 1, missingByAudience: { AUD1: 1 } });
  });
});

describe('the preview', () => {
  it('shows a real recipient per treatment and language, phone masked, and the worst case', async () => {
    const input = {
      ...base,
      message: 'Kính gửi {{Tên|bà con}}: gọi 111.',
      variants: { 'vi-x-khongdau': 'Kinh gui {{Ten|ba con}}: goi 111.' },
    };
    const survey = await surveyCampaign(
      input,
      chunks([
        member(1, { attributes: { ten: 'Lan' } }),
        member(2, { attributes: { ten: 'Nguyễn Thị Thu Hương Lan Anh Mai Hoa Đào' } }),
        member(3),
      ]),
      new Set(),
      viettel,
    );
    const preview = previewOf('C1', survey, 32, now);
    expect(preview.texts).toEqual([
      {
        treatment: 'A',
        language: 'vi',
        recipients: 3,
        example: {
          phone: '+8498****001',
          text: 'Kính gửi Lan: gọi 111.',
          truncated: false,
          encoding: 'UCS-2',
          characters: 22,
          segments: 1,
          missing: [],
        },
        worst: expect.objectContaining({
          phone: '+8498****002',
          text: 'Kính gửi Nguyễn Thị Thu Hương Lan Anh Mai Hoa Đào: gọi 111.',
          segments: 1,
        }),
      },
      {
        treatment: 'A',
        language: 'vi-x-khongdau',
        recipients: 0,
        // Nobody reads it: the text with its fallback, no phone.
        example: {
          text: 'Kinh gui ba con: goi 111.',
          truncated: false,
          encoding: 'GSM-7',
          characters: 25,
          segments: 1,
          missing: [],
        },
      },
    ]);
    expect(JSON.stringify(preview)).not.toContain(phone(1));
  });
});

describe('the chooser the estimate goes through', () => {
  it('picks for each recipient what groupOf and chooseVariant pick, one phone at a time', () => {
    const content = {
      message: 'vi A',
      variants: { hmn: 'hmn A', 'vi-x-khongdau': 'khong dau A' },
      treatments: [
        { id: 'A' as const, percent: 40 },
        { id: 'B' as const, percent: 40, message: 'vi B', variants: { km: 'km B' } },
      ],
      holdoutPercent: 20,
    };
    const choose = contentChooser(content, 'C1');
    const languages = [undefined, 'hmn', 'km', 'vi-x-khongdau', 'HMN-Latn', 'fr'];
    for (let i = 0; i < 600; i++) {
      const language = languages[i % languages.length];
      const group = groupOf(splitOf(content), 'C1', phone(i));
      const expected =
        group === 'holdout'
          ? { group }
          : (() => {
              const texts = textsOf(content, group);
              const chosen = chooseVariant(language, new Set(texts.keys()));
              return { group, language: chosen, text: texts.get(chosen) };
            })();
      expect(choose(phone(i), language)).toEqual(expected);
      expect(chooseContent(content, 'C1', phone(i), language)).toEqual(expected);
    }
  });

  it('measures a text as estimateMessage does, without the unaccented alternative', () => {
    for (const text of [VI, KHONG_DAU, `${VI} {{link:https://x.gov.vn/a}} €`, '']) {
      const { gsmAlternative: _alternative, ...estimate } = estimateMessage(text, { shortLinkLength: 32 });
      expect(measureMessage(text, { shortLinkLength: 32 })).toEqual(estimate);
    }
  });
});
