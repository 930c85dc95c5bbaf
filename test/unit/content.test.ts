import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  attributeKey,
  fieldsOf,
  parseTemplate,
  renderTemplate,
  type TemplatePart,
} from '#core/content/template.js';
import {
  canonicalLanguageTag,
  chooseVariant,
  languageName,
  languageTagOf,
  KNOWN_LANGUAGES,
} from '#core/content/languages.js';
import { bucketOf, groupOf, splitProblem, BUCKETS, type Split } from '#core/content/assignment.js';
import { compareRates } from '#core/content/compare.js';
import { allTexts, chooseContent, contentFields, textsOf, type Content } from '#core/content/content.js';
import { estimateMessage } from '#core/sms-encoding.js';
import { itMaps } from './cases.js';

const values =
  (record: Record<string, string>) =>
  (key: string): string | undefined =>
    record[key];

describe('template language', () => {
  it('reads text, links and fields with and without fallbacks', () => {
    expect(
      parseTemplate('Chào {{Tên|bà con}}, xem {{link:https://111.gov.vn/a}} hoặc gọi 111').parts,
    ).toEqual([
      { kind: 'text', text: 'Chào ' },
      { kind: 'field', name: 'Tên', key: 'ten', fallback: 'bà con' },
      { kind: 'text', text: ', xem ' },
      { kind: 'link', url: 'https://111.gov.vn/a', index: 0 },
      { kind: 'text', text: ' hoặc gọi 111' },
    ] satisfies TemplatePart[]);
  });

  itMaps('the key of %j is %j', attributeKey, [
    ['Họ và tên', 'ho_va_ten'],
    ['HO_VA_TEN', 'ho_va_ten'],
    [' họ  và tên ', 'ho_va_ten'],
    ['Số ĐT', 'so_dt'],
    ['Xã/Phường', 'xa_phuong'],
    ['Hoàng Thị Thủy', 'hoang_thi_thuy'],
    ["H'Mông", 'h_mong'],
    ['---', ''],
  ]);

  it('fills a field from its key however its name is written', () => {
    const member = values({ ho_va_ten: 'Lò Văn Páo' });
    for (const written of ['{{Họ và tên}}', '{{ho va ten}}', '{{HO_VA_TEN}}', '{{ Họ và tên }}']) {
      expect(renderTemplate(`Chào ${written}!`, { value: member })).toEqual({
        text: 'Chào Lò Văn Páo!',
        missing: [],
      });
    }
  });

  it('uses the fallback only when the value is absent or empty', () => {
    const text = 'Chào {{Tên|bà con}}, gọi 111.';
    expect(renderTemplate(text, { value: values({ ten: 'Mai' }) }).text).toBe('Chào Mai, gọi 111.');
    expect(renderTemplate(text, { value: values({}) }).text).toBe('Chào bà con, gọi 111.');
    expect(renderTemplate(text, { value: values({ ten: '' }) }).text).toBe('Chào bà con, gọi 111.');
    expect(renderTemplate('A{{x|}}B', { value: values({}) })).toEqual({ text: 'AB', missing: [] });
  });

  it('names each required field a recipient lacks, once', () => {
    expect(renderTemplate('{{Tên}} {{xa}} {{ten}} {{tinh|}}', { value: values({ xa: 'Pả Vi' }) })).toEqual({
      text: ' Pả Vi  ',
      missing: ['ten'],
    });
  });

  it('keeps links as placeholders by default and makes them what the sender says otherwise', () => {
    const text = '{{Tên|Bạn}} ơi, xem {{link:https://a.vn/1}} và {{link:https://a.vn/2}}';
    expect(renderTemplate(text, { value: values({}) }).text).toBe(
      'Bạn ơi, xem {{link:https://a.vn/1}} và {{link:https://a.vn/2}}',
    );
    expect(
      renderTemplate(text, { value: values({ ten: 'Sùng' }), link: (url, i) => `s.vn/${i}${url.slice(-1)}` })
        .text,
    ).toBe('Sùng ơi, xem s.vn/01 và s.vn/12');
  });

  it('counts a personalised text with its link as the estimate does', () => {
    const text = 'Chao {{Ten|ban}}, xem {{link:https://a.vn/very/long/path/that/is/not/sent}}';
    const rendered = renderTemplate(text, { value: values({ ten: 'x'.repeat(100) }) }).text;
    expect(estimateMessage(rendered, { shortLinkLength: 36 }).characters).toBe(5 + 100 + 6 + 36);
  });

  it('reads \\{{ as a literal {{ and leaves lone braces alone', () => {
    expect(renderTemplate('a \\{{Tên}} b {x} }} {', { value: values({ ten: 'T' }) }).text).toBe(
      'a {{Tên}} b {x} }} {',
    );
    expect(parseTemplate('a \\{{Tên}}').problems).toEqual([]);
  });

  it('never reads a value as a placeholder', () => {
    fc.assert(
      fc.property(fc.string(), (value) => {
        const rendered = renderTemplate('<{{v}}>', { value: () => value });
        expect(rendered.text).toBe(value ? `<${value}>` : '<>');
      }),
    );
  });

  it('leaves a text without placeholders as it is', () => {
    fc.assert(
      fc.property(
        fc.string().filter((s) => !s.includes('{{')),
        (text) => {
          expect(parseTemplate(text).problems).toEqual([]);
          expect(renderTemplate(text, { value: () => undefined }).text).toBe(text);
        },
      ),
    );
  });

  it.each([
    ['Chào {{Tên', 'unclosed_placeholder', 5],
    ['Chào {{Tên {{link:https://a.vn}}', 'unclosed_placeholder', 5],
    ['{{}}', 'invalid_placeholder', 0],
    ['{{ | bà con }}', 'invalid_placeholder', 0],
    ['{{tên: x}}', 'invalid_placeholder', 0],
    ['{{link}}', 'reserved_placeholder', 0],
    ['{{ LINK |x}}', 'reserved_placeholder', 0],
    ['{{link: https://a.vn}}', 'invalid_placeholder', 0],
    [`{{${'a'.repeat(41)}}}`, 'placeholder_too_long', 0],
    [`{{a|${'b'.repeat(61)}}}`, 'placeholder_too_long', 0],
    ['x {{a|b\nc}}', 'invalid_placeholder', 2],
  ])('refuses %j as %s at %i', (text, code, at) => {
    expect(parseTemplate(text).problems[0]).toMatchObject({ code, at });
  });

  it('lists the fields once, required when any use has no fallback', () => {
    expect(fieldsOf('{{Tên|bạn}} {{xa}} {{TEN}} {{link:https://a.vn}} {{xa|}}')).toEqual([
      { key: 'ten', name: 'Tên', required: true },
      { key: 'xa', name: 'xa', required: true },
    ]);
    expect(fieldsOf('{{Tên|bạn}} {{ten|chị}}')).toEqual([{ key: 'ten', name: 'Tên', required: false }]);
  });
});

describe('languages', () => {
  itMaps('reads %j as %j', languageTagOf, [
    ["H'Mông", 'hmn'],
    ['tiếng Khmer', 'km'],
    ['Ê Đê', 'rad'],
    ['Tày', 'tyz'],
    ['Thái Đen', 'blt'],
    ['thai trang', 'twh'],
    ['Không dấu', 'vi-x-khongdau'],
    ['Tiếng Việt', 'vi'],
    ['VI-X-KhongDau', 'vi-x-khongdau'],
    ['hmn', 'hmn'],
    ['zh-Hant-TW', 'zh-Hant-TW'],
    ['Thái', undefined],
    ['tiếng Thái', undefined],
    ['Klingon 1', undefined],
    ['', undefined],
  ]);

  it('knows every listed tag as canonical, with a Vietnamese name', () => {
    for (const language of KNOWN_LANGUAGES) {
      expect(canonicalLanguageTag(language.tag)).toBe(language.tag);
      expect(languageName(language.tag)).toMatch(/^Tiếng /);
    }
    expect(languageName('xx')).toBe('xx');
  });

  it.each([
    ['hmn', ['vi', 'hmn'], 'hmn'],
    ['hmn-Latn', ['vi', 'hmn'], 'hmn'],
    ['vi-x-khongdau', ['vi', 'vi-x-khongdau'], 'vi-x-khongdau'],
    ['vi-x-khongdau', ['vi', 'hmn'], 'vi'],
    ['km', ['vi', 'hmn'], 'vi'],
    [undefined, ['vi', 'hmn'], 'vi'],
    ['not a tag', ['vi'], 'vi'],
  ])('a recipient in %j with %j gets %j', (language, available, chosen) => {
    expect(chooseVariant(language, new Set(available))).toBe(chosen);
  });
});

const CAMPAIGN = '01JCAMPAIGN0000000000000000';
const AB_HOLDOUT: Split = {
  holdoutPercent: 10,
  treatments: [
    { id: 'A', percent: 45 },
    { id: 'B', percent: 45 },
  ],
};

describe('assignment', () => {
  it('puts a fixed fixture of phones in fixed groups (a change here would move people)', () => {
    const phones = Array.from(
      { length: 12 },
      (_, i) => `+8498${String(1234560 + i * 7919).padStart(7, '0')}`,
    );
    expect(phones.map((phone) => groupOf(AB_HOLDOUT, CAMPAIGN, phone))).toEqual([
      'A',
      'B',
      'A',
      'B',
      'B',
      'A',
      'A',
      'A',
      'B',
      'A',
      'B',
      'holdout',
    ]);
    expect(bucketOf(CAMPAIGN, '+84981321669')).toBe(151);
  });

  it('gives the same phone the same group every time, and another campaign another draw', () => {
    const phone = '+84912345678';
    const group = groupOf(AB_HOLDOUT, CAMPAIGN, phone);
    for (let i = 0; i < 5; i++) expect(groupOf(AB_HOLDOUT, CAMPAIGN, phone)).toBe(group);
    const buckets = new Set(Array.from({ length: 50 }, (_, i) => bucketOf(`campaign-${i}`, phone)));
    expect(buckets.size).toBeGreaterThan(45);
  });

  it('meets the percentages within 0.5 points over 100,000 consecutive phones', () => {
    const split: Split = {
      holdoutPercent: 5,
      treatments: [
        { id: 'A', percent: 50 },
        { id: 'B', percent: 30 },
        { id: 'C', percent: 15 },
      ],
    };
    const counts: Record<string, number> = {};
    const n = 100_000;
    for (let i = 0; i < n; i++) {
      const group = groupOf(split, CAMPAIGN, `+8497${String(i).padStart(7, '0')}`);
      counts[group] = (counts[group] ?? 0) + 1;
    }
    const share = (group: string) => ((counts[group] ?? 0) / n) * 100;
    expect(Math.abs(share('holdout') - 5)).toBeLessThan(0.5);
    expect(Math.abs(share('A') - 50)).toBeLessThan(0.5);
    expect(Math.abs(share('B') - 30)).toBeLessThan(0.5);
    expect(Math.abs(share('C') - 15)).toBeLessThan(0.5);
  });

  it('keeps buckets in range', () => {
    fc.assert(
      fc.property(fc.string(), fc.string(), (campaign, phone) => {
        const bucket = bucketOf(campaign, phone);
        expect(bucket >= 0 && bucket < BUCKETS && Number.isInteger(bucket)).toBe(true);
      }),
    );
  });

  it('holds out no one without a holdout, and everyone is in treatment A without treatments', () => {
    for (let i = 0; i < 1000; i++) {
      expect(groupOf({ holdoutPercent: 0, treatments: [] }, CAMPAIGN, `+849${i}`)).toBe('A');
    }
  });

  it.each([
    [
      {
        holdoutPercent: 10,
        treatments: [
          { id: 'A', percent: 50 },
          { id: 'B', percent: 50 },
        ],
      },
      'treatment_percent_sum',
    ],
    [
      {
        holdoutPercent: 0,
        treatments: [
          { id: 'A', percent: 50 },
          { id: 'A', percent: 50 },
        ],
      },
      'duplicate_treatment',
    ],
    [{ holdoutPercent: 60, treatments: [] }, 'holdout_too_large'],
  ] satisfies [Split, string][])('refuses a split: %j → %s', (split, code) => {
    expect(splitProblem(split)?.code).toBe(code);
  });

  it('accepts splits that add up to 100, and a holdout alone', () => {
    expect(splitProblem(AB_HOLDOUT)).toBeUndefined();
    expect(splitProblem({ holdoutPercent: 20, treatments: [] })).toBeUndefined();
  });
});

describe('content', () => {
  const content: Content = {
    message: 'Chào {{Tên|bà con}}, cảnh giác việc nhẹ lương cao. Gọi 111.',
    variants: {
      'vi-x-khongdau': 'Chao {{Ten|ba con}}, canh giac. Goi 111.',
      hmn: 'Nyob zoo {{ten}}. Hu 111.',
    },
    treatments: [
      { id: 'A', percent: 45 },
      { id: 'B', percent: 45, message: 'B: {{Tên|bạn}} ơi, gọi 111 miễn phí.' },
    ],
    holdoutPercent: 10,
  };

  it('gives treatment A the campaign texts and B its own', () => {
    expect([...textsOf(content, 'A').keys()]).toEqual(['vi', 'vi-x-khongdau', 'hmn']);
    expect([...textsOf(content, 'B')]).toEqual([['vi', 'B: {{Tên|bạn}} ơi, gọi 111 miễn phí.']]);
    expect(allTexts(content).map((t) => `${t.treatment}/${t.language}`)).toEqual([
      'A/vi',
      'A/vi-x-khongdau',
      'A/hmn',
      'B/vi',
    ]);
  });

  it('lists the fields of every text: required where one text has no fallback', () => {
    expect(contentFields(content)).toEqual([{ key: 'ten', name: 'Tên', required: true }]);
    expect(contentFields({ message: '{{Tên|bà con}}' })).toEqual([
      { key: 'ten', name: 'Tên', required: false },
    ]);
  });

  it('chooses group, then language, for a recipient', () => {
    const phones = Array.from({ length: 400 }, (_, i) => `+8491${String(i).padStart(7, '0')}`);
    const choices = phones.map((phone) => chooseContent(content, CAMPAIGN, phone, 'hmn'));
    const byGroup = (group: string) => choices.filter((c) => c.group === group);
    expect(byGroup('holdout').every((c) => c.text === undefined && c.language === undefined)).toBe(true);
    expect(byGroup('A').every((c) => c.language === 'hmn' && c.text === 'Nyob zoo {{ten}}. Hu 111.')).toBe(
      true,
    );
    // B has no hmn text: its recipients fall back to B's vi text.
    expect(byGroup('B').every((c) => c.language === 'vi' && c.text?.startsWith('B: '))).toBe(true);
    expect(byGroup('holdout').length).toBeGreaterThan(10);
    expect(byGroup('B').length).toBeGreaterThan(100);
  });
});

describe('two-proportion comparison', () => {
  it('matches a worked example (10 % vs 13 % of 1,000)', () => {
    const result = compareRates({ successes: 100, trials: 1000 }, { successes: 130, trials: 1000 });
    // Pooled p = 0.115, SE = sqrt(0.115 · 0.885 · 0.002) = 0.014267; z = 0.03 / 0.014267 = 2.1027.
    expect(result?.z).toBeCloseTo(2.1027, 3);
    expect(result?.pValue).toBeCloseTo(0.0355, 3);
    // Unpooled SE = sqrt(0.09/1000 + 0.1131/1000) = 0.014251; 0.03 ± 1.96 · SE.
    expect(result?.low).toBeCloseTo(0.00207, 4);
    expect(result?.high).toBeCloseTo(0.05793, 4);
    expect(result?.reliable).toBe(true);
  });

  it('says no difference for equal rates, and unreliable for tiny groups', () => {
    expect(compareRates({ successes: 50, trials: 500 }, { successes: 50, trials: 500 })).toMatchObject({
      difference: 0,
      z: 0,
      pValue: 1,
    });
    expect(compareRates({ successes: 1, trials: 10 }, { successes: 3, trials: 10 })?.reliable).toBe(false);
    expect(compareRates({ successes: 0, trials: 0 }, { successes: 3, trials: 10 })).toBeUndefined();
  });

  it('keeps the interval around the difference and the p-value in [0, 1]', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 5000 }),
        fc.integer({ min: 1, max: 5000 }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        (na, nb, ra, rb) => {
          const result = compareRates(
            { successes: Math.floor(na * ra), trials: na },
            { successes: Math.floor(nb * rb), trials: nb },
          );
          expect(result).toBeDefined();
          if (!result) return;
          expect(result.low).toBeLessThanOrEqual(result.difference + 1e-6);
          expect(result.high).toBeGreaterThanOrEqual(result.difference - 1e-6);
          expect(result.pValue).toBeGreaterThanOrEqual(0);
          expect(result.pValue).toBeLessThanOrEqual(1);
        },
      ),
    );
  });
});
