import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { AudienceMember } from '#core/audience.js';
import {
  CampaignFilters,
  MAX_FILTER_COMMUNES,
  MAX_FILTER_PROVINCES,
  MAX_FILTER_TAGS,
  currentFilters,
  matchesFilters,
  type AudienceFilters,
} from '#core/audience-filters.js';
import { CampaignInput, type Campaign } from '#core/campaign.js';
import { estimateCampaign } from '#core/campaign-estimate.js';
import type { ErrorDetail } from '#core/errors.js';
import { detailMessage } from '#core/messages.js';
import type { PartnerView } from '#core/partner.js';
import { PROVINCES, canonicalProvinceName } from '#core/provinces.js';
import { issuesToDetails } from '#http/request.js';
import { campaignBody, materializeRun } from './fixtures.js';

const member = (extra: Partial<AudienceMember> = {}): AudienceMember => ({
  phone: '+84981000001',
  carrier: 'viettel',
  ...extra,
});

/** The details a 400 answer would carry for these filters. */
const problems = (filters: unknown): ErrorDetail[] => {
  const result = CampaignFilters.safeParse(filters, { reportInput: true });
  return result.success ? [] : issuesToDetails(result.error.issues, 'filters');
};

describe('the filter schema', () => {
  it('takes provinces by code or any accepted spelling and keeps the current canonical name, once', () => {
    expect(
      CampaignFilters.parse({ provinces: ['19', 'Bắc Kạn', 'bac kan', 'tỉnh Hà Giang', 'TP HCM'] }),
    ).toEqual({
      provinces: ['Thái Nguyên', 'Tuyên Quang', 'Thành phố Hồ Chí Minh'],
    });
    expect(CampaignFilters.parse({ provinces: ['Bắc Kạn'.normalize('NFD')] })).toEqual({
      provinces: ['Thái Nguyên'],
    });
  });

  it('accepts every current code and name', () => {
    for (const unit of PROVINCES) {
      expect(CampaignFilters.parse({ provinces: [unit.code] }).provinces).toEqual([unit.name]);
      expect(CampaignFilters.parse({ provinces: [unit.name] }).provinces).toEqual([unit.name]);
    }
  });

  it('keeps communes NFC and trimmed, tags as the import keeps them, each once', () => {
    expect(
      CampaignFilters.parse({
        provinces: ['19'],
        communes: ['  Bằng Vân '.normalize('NFD'), 'Bằng Vân'],
        tags: { any: [' vung-bien ', 'vung-bien'], all: ['dan-toc-thieu-so'], none: ['hoc-sinh-sinh-vien'] },
      }),
    ).toEqual({
      provinces: ['Thái Nguyên'],
      communes: ['Bằng Vân'],
      tags: { any: ['vung-bien'], all: ['dan-toc-thieu-so'], none: ['hoc-sinh-sinh-vien'] },
    });
    expect(CampaignFilters.parse({})).toEqual({});
    expect(CampaignFilters.parse({ tags: {} })).toEqual({ tags: {} });
  });

  const long = 'x'.repeat(101);
  const cases: [string, unknown, string, string, RegExp][] = [
    [
      'an unknown province',
      { provinces: ['19', 'Atlantis'] },
      'filters.provinces.1',
      'unknown_province_filter',
      /"Atlantis" names no province/,
    ],
    ['a code of no unit', { provinces: ['03'] }, 'filters.provinces.0', 'unknown_province_filter', /"03"/],
    ['a blank province', { provinces: ['  '] }, 'filters.provinces.0', 'empty', /must not be empty/],
    [
      'a province too long',
      { provinces: [long] },
      'filters.provinces.0',
      'too_big',
      /at most 100 characters/,
    ],
    [
      'a province not a string',
      { provinces: [19] },
      'filters.provinces.0',
      'invalid_type',
      /expected string/,
    ],
    ['no provinces', { provinces: [] }, 'filters.provinces', 'too_small', /at least 1/],
    [
      'too many provinces',
      { provinces: Array.from({ length: MAX_FILTER_PROVINCES + 1 }, () => '19') },
      'filters.provinces',
      'too_big',
      /at most 100 items/,
    ],
    [
      'communes without provinces',
      { communes: ['Bằng Vân'] },
      'filters.communes',
      'communes_need_provinces',
      /only be given with provinces/,
    ],
    [
      'a blank commune',
      { provinces: ['19'], communes: [' '] },
      'filters.communes.0',
      'empty',
      /must not be empty/,
    ],
    [
      'a commune too long',
      { provinces: ['19'], communes: [long] },
      'filters.communes.0',
      'too_big',
      /at most 100/,
    ],
    [
      'a commune with a line break',
      { provinces: ['19'], communes: ['Bằng\nVân'] },
      'filters.communes.0',
      'place_control_character',
      /commune contains a line break/,
    ],
    [
      'too many communes',
      { provinces: ['19'], communes: Array.from({ length: MAX_FILTER_COMMUNES + 1 }, (_, i) => `Xã ${i}`) },
      'filters.communes',
      'too_big',
      /at most 200 items/,
    ],
    ['a blank tag', { tags: { any: [''] } }, 'filters.tags.any.0', 'empty', /must not be empty/],
    [
      'a tag with a separator',
      { tags: { all: ['a;b'] } },
      'filters.tags.all.0',
      'invalid_tag',
      /tag "a;b" must be/,
    ],
    [
      'a tag too long',
      { tags: { none: ['t'.repeat(51)] } },
      'filters.tags.none.0',
      'invalid_tag',
      /at most 50 characters/,
    ],
    ['no tags in a list', { tags: { all: [] } }, 'filters.tags.all', 'too_small', /at least 1/],
    [
      'too many tags',
      { tags: { any: Array.from({ length: MAX_FILTER_TAGS + 1 }, (_, i) => `t${i}`) } },
      'filters.tags.any',
      'too_big',
      /at most 50 items/,
    ],
    [
      'a tag wanted and excluded',
      { tags: { any: ['vung-bien'], none: ['x', 'vung-bien'] } },
      'filters.tags.none.1',
      'tag_wanted_and_excluded',
      /"vung-bien" is both wanted/,
    ],
    [
      'an unknown tags field',
      { tags: { some: ['a'] } },
      'filters.tags.some',
      'unrecognized_keys',
      /not a known field/,
    ],
    [
      'an unknown filter',
      { districts: ['Chợ Đồn'] },
      'filters.districts',
      'unrecognized_keys',
      /not a known field/,
    ],
    ['tags as a list', { tags: ['a'] }, 'filters.tags', 'invalid_type', /expected object/],
  ];
  it.each(cases)('refuses %s, naming the field and the reason', (_name, filters, path, code, message) => {
    const found = problems(filters);
    expect(found).toHaveLength(1);
    expect(found[0]).toMatchObject({ path, code });
    expect(found[0]?.message).toMatch(message);
  });

  it('says each reason in Vietnamese too', () => {
    const [unknown] = problems({ provinces: ['Atlantis'] });
    const [communes] = problems({ communes: ['Bằng Vân'] });
    const [both] = problems({ tags: { all: ['a'], none: ['a'] } });
    expect(unknown && detailMessage(unknown, 'vi')).toBe(
      'Tỉnh, thành phố (mục 1): "Atlantis" không phải tên tỉnh, thành phố nào của Việt Nam, hiện nay (từ 1/7/2025) hay trước đây, cũng không phải mã hai chữ số: xem GET /v1/provinces',
    );
    expect(communes && detailMessage(communes, 'vi')).toMatch(
      /^Xã, phường: chỉ được chọn kèm tỉnh, thành phố/,
    );
    expect(both && detailMessage(both, 'vi')).toMatch(/^Nhóm \(loại trừ\) \(mục 1\): nhóm "a" vừa được chọn/);
  });

  it('is the campaign body’s filters field', () => {
    const body = { ...campaignBody, filters: { provinces: ['Bắc Kạn'], tags: { any: ['vung-bien'] } } };
    expect(CampaignInput.parse(body).filters).toEqual({
      provinces: ['Thái Nguyên'],
      tags: { any: ['vung-bien'] },
    });
  });
});

describe('stored filters read in today’s names', () => {
  it('maps former names to their unit, once, and leaves current ones (and unknown text) as they are', () => {
    expect(currentFilters({ provinces: ['Bắc Kạn', 'Thái Nguyên', 'Hà Giang'] })).toEqual({
      provinces: ['Thái Nguyên', 'Tuyên Quang'],
    });
    const current = { provinces: ['Thái Nguyên'], tags: { any: ['a'] } };
    expect(currentFilters(current)).toBe(current);
    expect(currentFilters({ provinces: ['Atlantis'] })).toEqual({ provinces: ['Atlantis'] });
  });
});

describe('matchesFilters', () => {
  it('targets everyone without filters', () => {
    expect(matchesFilters(member(), undefined)).toBe(true);
    expect(matchesFilters(member(), {})).toBe(true);
    expect(matchesFilters(member(), { tags: {} })).toBe(true);
  });

  it('matches a province by unit, a member stored under a former name included', () => {
    const filters = { provinces: ['Thái Nguyên'] };
    expect(matchesFilters(member({ province: 'Thái Nguyên' }), filters)).toBe(true);
    expect(matchesFilters(member({ province: 'Bắc Kạn' }), filters)).toBe(true);
    expect(matchesFilters(member({ province: 'Tuyên Quang' }), filters)).toBe(false);
    expect(matchesFilters(member(), filters)).toBe(false);
    expect(matchesFilters(member({ province: 'Thái Nguyên' }), { provinces: ['Bắc Kạn'] })).toBe(true);
  });

  it('matches communes inside the chosen provinces, ignoring case, accents, spacing and a shared-less prefix', () => {
    const filters = { provinces: ['Thái Nguyên'], communes: ['bang van', 'Phường Phan Đình Phùng'] };
    const at = (province: string | undefined, commune: string | undefined) =>
      matchesFilters(member({ ...(province ? { province } : {}), ...(commune ? { commune } : {}) }), filters);
    expect(at('Thái Nguyên', 'Bằng Vân')).toBe(true);
    expect(at('Thái Nguyên', 'Xã  BẰNG-VÂN')).toBe(true);
    expect(at('Thái Nguyên', 'Phan Đình Phùng')).toBe(true);
    expect(at('Thái Nguyên', 'phường phan dinh phung')).toBe(true);
    // A prefix given on both sides must agree: a xã is not the phường of the same name.
    expect(at('Thái Nguyên', 'Xã Phan Đình Phùng')).toBe(false);
    expect(at('Thái Nguyên', 'Thượng Quan')).toBe(false);
    expect(at('Thái Nguyên', undefined)).toBe(false);
    // The commune's province must be chosen too.
    expect(at('Cao Bằng', 'Bằng Vân')).toBe(false);
  });

  it('takes tags any = at least one, all = every one, none = none of them, compared as imported', () => {
    const tagged = (...tags: string[]) => member({ tags });
    const any = { tags: { any: ['vung-bien', 'vung-sau-vung-xa'] } };
    expect(matchesFilters(tagged('vung-bien'), any)).toBe(true);
    expect(matchesFilters(tagged('hoc-sinh-sinh-vien'), any)).toBe(false);
    expect(matchesFilters(member(), any)).toBe(false);
    const all = { tags: { all: ['vung-bien', 'dan-toc-thieu-so'] } };
    expect(matchesFilters(tagged('dan-toc-thieu-so', 'vung-bien', 'x'), all)).toBe(true);
    expect(matchesFilters(tagged('vung-bien'), all)).toBe(false);
    const none = { tags: { none: ['lao-dong-di-nuoc-ngoai'] } };
    expect(matchesFilters(member(), none)).toBe(true);
    expect(matchesFilters(tagged('vung-bien'), none)).toBe(true);
    expect(matchesFilters(tagged('lao-dong-di-nuoc-ngoai'), none)).toBe(false);
    const mixed = { provinces: ['Lào Cai'], tags: { any: ['a', 'b'], all: ['c'], none: ['d'] } };
    expect(matchesFilters(member({ province: 'Yên Bái', tags: ['b', 'c'] }), mixed)).toBe(true);
    expect(matchesFilters(member({ province: 'Yên Bái', tags: ['b', 'c', 'd'] }), mixed)).toBe(false);
    expect(matchesFilters(member({ province: 'Hà Giang', tags: ['b', 'c'] }), mixed)).toBe(false);
    // The import keeps case: a tag is compared exactly as it was normalised there.
    expect(matchesFilters(tagged('Vung-bien'), any)).toBe(false);
  });
});

/**
 * The estimate and the send count the same people: for random audiences and filters, the estimate's
 * recipients are exactly the phones materialisation batches or suppresses.
 */
describe('the estimate and the send agree', () => {
  const partner = { id: 'p', carriers: ['*'], enabled: true, tps: 100, maxBatchSize: 100 } as PartnerView;
  const PLACES = ['Thái Nguyên', 'Bắc Kạn', 'Tuyên Quang', 'Hà Giang', 'Cao Bằng', 'Atlantis'];
  const COMMUNES = ['Bằng Vân', 'Xã Bằng Vân', 'Phường Bằng Vân', 'Thượng Quan', 'bang van'];
  const TAGS = ['vung-bien', 'dan-toc-thieu-so', 'hoc-sinh-sinh-vien', 'lao-dong-di-nuoc-ngoai'];
  const memberArb = fc.record(
    {
      phone: fc.integer({ min: 0, max: 40 }).map((n) => `+8498100${String(n).padStart(4, '0')}`),
      carrier: fc.constant('viettel' as const),
      province: fc.constantFrom(...PLACES),
      commune: fc.constantFrom(...COMMUNES),
      tags: fc.subarray(TAGS),
    },
    { requiredKeys: ['phone', 'carrier'] },
  );
  const filtersArb: fc.Arbitrary<AudienceFilters> = fc.record(
    {
      provinces: fc.subarray(['Thái Nguyên', 'Tuyên Quang', 'Cao Bằng'], { minLength: 1 }),
      communes: fc.subarray(COMMUNES, { minLength: 1 }),
      tags: fc.record(
        {
          any: fc.subarray(TAGS, { minLength: 1 }),
          all: fc.subarray(TAGS, { minLength: 1 }),
          none: fc.subarray(TAGS, { minLength: 1 }),
        },
        { requiredKeys: [] },
      ),
    },
    { requiredKeys: [] },
  );

  const materialized = async (
    audiences: AudienceMember[][],
    filters: AudienceFilters,
    optedOut: Set<string>,
  ) => {
    const campaign = {
      id: 'c',
      message: 'Gọi 111',
      audienceIds: audiences.map((_, i) => `a${i}`),
      filters,
      estimate: { segmentsPerMessage: 1 },
    } as Campaign;
    const { batches, suppressed } = await materializeRun(campaign, {
      members: (id) => audiences[Number(id.slice(1))] ?? [],
      partners: [partner],
      optedOut,
    });
    const byProvince: Record<string, number> = {};
    for (const message of batches.flatMap((b) => b.messages))
      if (message.province !== undefined) {
        const province = canonicalProvinceName(message.province);
        byProvince[province] = (byProvince[province] ?? 0) + 1;
      }
    const phones = [...batches.flatMap((b) => b.messages.map((m) => m.to)), ...suppressed.map((s) => s.to)];
    return { phones, byProvince };
  };

  it('for random members and filters, the estimate counts exactly the phones the send selects', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.array(memberArb, { maxLength: 30 }), { minLength: 1, maxLength: 3 }),
        filtersArb,
        fc.array(fc.integer({ min: 0, max: 40 }), { maxLength: 5 }),
        async (audiences, filters, opted) => {
          const optedOut = new Set(opted.map((n) => `+8498100${String(n).padStart(4, '0')}`));
          async function* chunks() {
            for (const audience of audiences) yield audience;
          }
          const estimate = await estimateCampaign(
            { message: 'Gọi 111', filters, shortLinkLength: 12 },
            chunks(),
            optedOut,
            [partner],
            new Date('2027-07-30T01:00:00Z'),
          );
          const selected = await materialized(audiences, filters, optedOut);
          expect(new Set(selected.phones).size).toBe(selected.phones.length);
          expect(estimate.recipients).toBe(selected.phones.length);
          expect(estimate.sendable).toBe(selected.phones.filter((p) => !optedOut.has(p)).length);
          expect(estimate.byProvince).toEqual(selected.byProvince);
        },
      ),
      { numRuns: 200 },
    );
  });
});
