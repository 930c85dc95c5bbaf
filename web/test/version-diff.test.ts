import { describe, expect, it } from 'vitest';
import { changedFields, diffWords, type DiffPart, type ReviewedVersion } from '../src/review/version-diff.js';

const textOf = (parts: DiffPart[], side: 'before' | 'after') =>
  parts
    .filter((p) => p.kind === 'same' || p.kind === (side === 'before' ? 'removed' : 'added'))
    .map((p) => p.text)
    .join('');

describe('diffWords', () => {
  it('marks an inserted word and keeps the rest as it was', () => {
    expect(diffWords('Gọi 111 để được hỗ trợ.', 'Gọi ngay 111 để được hỗ trợ.')).toEqual([
      { kind: 'same', text: 'Gọi ' },
      { kind: 'added', text: 'ngay ' },
      { kind: 'same', text: '111 để được hỗ trợ.' },
    ]);
  });

  it('shows a replaced phrase as one removal then one addition, spaces inside it included', () => {
    expect(diffWords('Cảnh giác việc nhẹ lương cao.', 'Cảnh giác lời mời đi nước ngoài.')).toEqual([
      { kind: 'same', text: 'Cảnh giác ' },
      { kind: 'removed', text: 'việc nhẹ lương cao.' },
      { kind: 'added', text: 'lời mời đi nước ngoài.' },
    ]);
  });

  it('marks a deleted word and keeps line breaks', () => {
    const before = 'Dòng một\nGọi 111 miễn phí';
    const after = 'Dòng một\nGọi 111';
    const parts = diffWords(before, after);
    expect(parts).toEqual([
      { kind: 'same', text: 'Dòng một\nGọi 111' },
      { kind: 'removed', text: ' miễn phí' },
    ]);
  });

  it('gives back both texts exactly, whatever changed', () => {
    const cases: [string, string][] = [
      ['', 'Gọi 111.'],
      ['Gọi 111.', ''],
      ['a b c d e', 'a x c y e z'],
      ['  hai  dấu   cách ', 'hai dấu cách'],
      ['{{link:https://a.gov.vn/1}} Gọi 111', 'Gọi 111 {{link:https://a.gov.vn/2}}'],
    ];
    for (const [before, after] of cases) {
      const parts = diffWords(before, after);
      expect(textOf(parts, 'before')).toBe(before);
      expect(textOf(parts, 'after')).toBe(after);
    }
  });

  it('finds nothing changed in equal texts', () => {
    expect(diffWords('Gọi 111.', 'Gọi 111.')).toEqual([{ kind: 'same', text: 'Gọi 111.' }]);
    expect(diffWords('', '')).toEqual([]);
  });
});

describe('changedFields', () => {
  const rejected: ReviewedVersion = {
    name: '30/7 Bắc Kạn',
    message: 'Gọi 111.',
    audienceIds: ['a', 'b'],
    filters: { provinces: ['Bắc Kạn'] },
    schedule: { sendAt: '2027-07-30T08:00:00+07:00' },
    sendingWindow: { start: '07:00', end: '22:00' },
    timeZone: 'Asia/Ho_Chi_Minh',
  };

  it('lists only the fields that differ, in the order the page shows them', () => {
    const now: ReviewedVersion = {
      ...rejected,
      message: 'Gọi 111 (miễn phí).',
      sendingWindow: null,
      partnerIds: ['viettel-bk'],
    };
    expect(changedFields(rejected, now)).toEqual([
      { field: 'message', before: 'Gọi 111.', after: 'Gọi 111 (miễn phí).' },
      { field: 'sendingWindow', before: { start: '07:00', end: '22:00' }, after: null },
      { field: 'partnerIds', before: undefined, after: ['viettel-bk'] },
    ]);
  });

  it('ignores the order of audiences and provinces, and of keys', () => {
    const now: ReviewedVersion = {
      ...rejected,
      audienceIds: ['b', 'a'],
      schedule: { sendAt: '2027-07-30T08:00:00+07:00' },
    };
    expect(changedFields(rejected, now)).toEqual([]);
  });

  it('sees a removed filter and a schedule moved to an occasion', () => {
    const { filters: _dropped, ...withoutFilters } = rejected;
    const now: ReviewedVersion = {
      ...withoutFilters,
      schedule: { occasion: 'anti-trafficking-day', year: 2027 },
    };
    expect(changedFields(rejected, now).map((c) => c.field)).toEqual(['filters', 'schedule']);
  });
});
