import { describe, expect, it } from 'vitest';
import { liveEstimate, nonGsmRuns, previewParts, pricingOf, withFallbacks } from '../src/message-estimate.js';

const BASE = 'http://localhost:3000';
const ACCENTED = 'Cảnh giác với việc nhẹ lương cao! Gọi 111 để được hỗ trợ miễn phí. ';

describe('the editor’s live estimate', () => {
  it('counts a short GSM-7 text and the characters left in its one segment', () => {
    expect(liveEstimate('Goi 111', BASE)).toMatchObject({
      encoding: 'GSM-7',
      characters: 7,
      segments: 1,
      left: 153,
    });
    expect(liveEstimate('', BASE)).toMatchObject({ segments: 0, left: 160 });
  });

  it('counts what is left in the last part of a multipart text', () => {
    // 200 GSM characters: 153 + 47, so 106 left in the second part.
    expect(liveEstimate('a'.repeat(200), BASE)).toMatchObject({ segments: 2, left: 106 });
    // 100 UCS-2 characters: 67 + 33, so 34 left.
    expect(liveEstimate('ạ'.repeat(100), BASE)).toMatchObject({ encoding: 'UCS-2', segments: 2, left: 34 });
  });

  it('prices the text and its unaccented alternative once the server has priced the campaign', () => {
    const pricing = pricingOf({ sendable: 3000, totalSegments: 9000, cost: 3_150_000, currency: 'VND' });
    expect(pricing).toEqual({ sendable: 3000, pricePerSegment: 350, currency: 'VND' });
    const text = `${ACCENTED.repeat(2)}Tổng đài 111.`; // 147 UCS-2 characters: 3 parts; unaccented: 1 part
    const live = liveEstimate(text, BASE, pricing);
    expect(live).toMatchObject({ encoding: 'UCS-2', segments: 3, cost: 3_150_000 });
    expect(live.alternative).toMatchObject({ segments: 1, cost: 1_050_000, saving: 2_100_000 });
    expect(live.alternative?.text).toMatch(/^Canh giac voi viec nhe luong cao!/);
  });

  it('has no cost before the server priced anything, and no alternative for GSM-7 text', () => {
    expect(pricingOf({ sendable: 0, totalSegments: 0, cost: 0, currency: 'VND' })).toBeUndefined();
    const live = liveEstimate(ACCENTED, BASE);
    expect(live.cost).toBeUndefined();
    expect(live.alternative?.cost).toBeUndefined();
    expect(liveEstimate('Goi 111', BASE).alternative).toBeUndefined();
  });

  it('counts a link as the short link of this runtime', () => {
    const withLink = liveEstimate('Xem {{link:https://example.gov.vn/a-very-long-path}}', BASE);
    expect(withLink.characters).toBe(4 + `${BASE}/l/`.length + 12);
  });
});

describe('highlighting and the phone preview', () => {
  it('marks the runs of characters that force UCS-2', () => {
    expect(nonGsmRuns('Gọi 111', ['ọ'])).toEqual([
      { text: 'G', nonGsm: false },
      { text: 'ọ', nonGsm: true },
      { text: 'i 111', nonGsm: false },
    ]);
  });

  it('shows the parts with the link as a short link', () => {
    expect(previewParts('Goi 111 {{link:https://example.gov.vn}}', BASE)).toEqual([
      'Goi 111 http://localhost:3000/l/Ab3dE5fG7hJ9',
    ]);
    expect(previewParts('a'.repeat(200), BASE).map((part) => part.length)).toEqual([153, 47]);
  });
});

describe('withFallbacks', () => {
  it('shows each field as a recipient without it reads it: the fallback, or the field to be filled', () => {
    expect(withFallbacks('Chào {{Tên|bà con}} ở {{Xã}}: gọi 111 {{link:https://example.gov.vn/111}}')).toBe(
      'Chào bà con ở {{Xã}}: gọi 111 {{link:https://example.gov.vn/111}}',
    );
    expect(withFallbacks('Chào {{ Tên | bà con }}!')).toBe('Chào bà con!');
  });

  it('leaves a text with a malformed placeholder as written', () => {
    expect(withFallbacks('Chào {{Tên|bà con')).toBe('Chào {{Tên|bà con');
  });
});
