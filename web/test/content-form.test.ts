import { describe, expect, it } from 'vitest';
import {
  addTreatment,
  addableLanguages,
  contentBody,
  contentPatch,
  contentOf,
  emptyContent,
  fieldsUsed,
  languageToAdd,
  fromTemplate,
  missingFields,
  templateLanguages,
  percentOf,
  removeTreatment,
  splitState,
  startTest,
  textProblems,
  withTreatment,
  withVariant,
  withoutVariant,
} from '../src/content-form.js';

describe('the editor’s message content', () => {
  it.each([
    ["H'Mông", { tag: 'hmn' }],
    ['tiếng Khmer', { tag: 'km' }],
    ['VI-X-KhongDau', { tag: 'vi-x-khongdau' }],
    ['fr-CA', { tag: 'fr-CA' }],
    ['Tiếng Việt', { problem: 'default' }],
    ['Thái', { problem: 'invalid' }],
  ])(
    'adds a language by tag or by the name officers write, and refuses vi and nonsense: %s',
    (typed, answer) => {
      expect(languageToAdd(emptyContent(), typed)).toEqual(answer);
    },
  );

  it('refuses a language the content has already, and no longer offers it', () => {
    const empty = emptyContent();
    const withHmong = withVariant(empty, 'hmn', 'Ceev faj');
    expect(languageToAdd(withHmong, 'hmong')).toEqual({ problem: 'duplicate' });
    expect(addableLanguages(withHmong, 'vi').map((l) => l.tag)).not.toContain('hmn');
    expect(addableLanguages(empty, 'vi')[0]).toEqual({ tag: 'vi-x-khongdau', name: 'Tiếng Việt không dấu' });
    expect(withoutVariant(withHmong, 'hmn').variants).toEqual([]);
  });

  it('lists the fields of every text, required unless every use has a fallback', () => {
    const content = withVariant(emptyContent(), 'hmn', 'Nyob zoo {{Tên|phooj ywg}}');
    expect(fieldsUsed('Chào {{Tên|bà con}}, xã {{Xã}}', content)).toEqual([
      { key: 'ten', name: 'Tên', required: false },
      { key: 'xa', name: 'Xã', required: true },
    ]);
    expect(fieldsUsed('Chào {{Tên}}', content)).toEqual([{ key: 'ten', name: 'Tên', required: true }]);
  });

  it('shows the parser’s problems in Vietnamese from the catalogue', () => {
    expect(textProblems('Chào {{Tên', 'vi')).toEqual(['{{Tên ở ký tự thứ 6 chưa được đóng bằng }}']);
    expect(textProblems('Xem {{link}}', 'vi')[0]).toContain('liên kết cần có địa chỉ');
    expect(textProblems('Chào {{Tên|bà con}} {{link:https://a.vn}}', 'vi')).toEqual([]);
  });

  it('splits evenly, keeps the live sum, and says when it is not 100', () => {
    let content = startTest({ ...emptyContent(), holdoutPercent: 10 }, 'Nội dung');
    expect(content.treatments).toEqual([
      { id: 'A', percent: 45, own: false, message: '' },
      { id: 'B', percent: 45, own: true, message: 'Nội dung' },
    ]);
    expect(splitState(content)).toEqual({ total: 100 });
    content = addTreatment(content, 'C text');
    expect(content.treatments.map((t) => [t.id, t.percent])).toEqual([
      ['A', 30],
      ['B', 30],
      ['C', 30],
    ]);
    content = withTreatment(content, 'C', { percent: 20 });
    expect(splitState(content)).toEqual({ total: 90, problem: { code: 'treatment_percent_sum', total: 90 } });
    content = removeTreatment(content, 'A');
    expect(content.treatments.map((t) => [t.id, t.percent, t.message])).toEqual([
      ['A', 45, 'Nội dung'],
      ['B', 45, 'C text'],
    ]);
    expect(splitState(withTreatment(content, 'A', { percent: percentOf('4x') })).problem).toEqual({
      code: 'not_whole_percent',
    });
    expect(splitState({ ...content, holdoutPercent: 60 }).problem?.code).toBe('holdout_too_large');
  });

  it('gives the API body, clearing variants and holdout on a PATCH, and reads it back', () => {
    const content = withTreatment(
      startTest(withVariant(emptyContent(), 'vi-x-khongdau', 'Canh giac'), 'B'),
      'B',
      { message: 'Cảnh giác B' },
    );
    const body = contentBody(content);
    expect(body).toEqual({
      variants: { 'vi-x-khongdau': 'Canh giac' },
      treatments: [
        { id: 'A', percent: 50 },
        { id: 'B', percent: 50, message: 'Cảnh giác B' },
      ],
    });
    expect(contentBody(emptyContent())).toEqual({});
    // A PATCH removes what the draft no longer has: the API takes null for each part.
    expect(contentPatch(emptyContent())).toEqual({ variants: null, treatments: null, holdoutPercent: null });
    expect(contentPatch({ ...content, holdoutPercent: 10 })).toEqual({ ...body, holdoutPercent: 10 });
    expect(contentOf({ ...body, holdoutPercent: 0 })).toEqual(content);
    // Variants read back in one order whatever the API's: unaccented Vietnamese, the known ones, the rest.
    expect(
      contentOf({ variants: { 'fr-CA': 'x', hmn: 'y', 'vi-x-khongdau': 'z' } }).variants.map(
        (v) => v.language,
      ),
    ).toEqual(['vi-x-khongdau', 'hmn', 'fr-CA']);
  });

  it('names the fields that block submit: required and missing, not those with a fallback', () => {
    const fields = [
      { key: 'ten', name: 'Tên', required: false, missing: 0 },
      { key: 'xa', name: 'Xã', required: true, missing: 3 },
      { key: 'so_ho', name: 'Số hộ', required: true, missing: 0 },
    ];
    expect(missingFields({ fields }).map((f) => f.key)).toEqual(['xa']);
    expect(missingFields({})).toEqual([]);
    expect(missingFields(undefined)).toEqual([]);
  });
});

describe('a template’s languages', () => {
  it('are named Vietnamese first, then in the same order as the tabs', () => {
    expect(templateLanguages({ variants: { hmn: 'a', 'vi-x-khongdau': 'b' } }, 'vi')).toEqual([
      'Tiếng Việt',
      'Tiếng Việt không dấu',
      "Tiếng H'Mông",
    ]);
  });
});

describe('a campaign from a template', () => {
  const template = { id: 't1', version: 2, message: 'Chào {{Tên|bà con}}', variants: { hmn: 'Nyob zoo' } };
  it('names the template while its texts are unchanged, and not once edited', () => {
    const content = withVariant(emptyContent(), 'hmn', 'Nyob zoo');
    expect(fromTemplate(template, 'Chào {{Tên|bà con}}', content)).toEqual({
      templateId: 't1',
      templateVersion: 2,
    });
    expect(fromTemplate(template, 'Chào bà con', content)).toBeUndefined();
    expect(fromTemplate(template, 'Chào {{Tên|bà con}}', withVariant(content, 'km', 'x'))).toBeUndefined();
    expect(fromTemplate(template, 'Chào {{Tên|bà con}}', emptyContent())).toBeUndefined();
  });
});
