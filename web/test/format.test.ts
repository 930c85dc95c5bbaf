import { describe, expect, it } from 'vitest';
import {
  formatDate,
  formatDateTime,
  formatIsoDate,
  formatMoney,
  formatNumber,
  formatTime,
} from '../src/i18n/format.js';

describe('vi-VN formats', () => {
  it.each([
    [3000, '3.000'],
    [9_000_000, '9.000.000'],
    [0, '0'],
  ])('groups thousands with dots: %d is %s', (value, text) => {
    expect(formatNumber(value)).toBe(text);
  });

  it('writes VND as whole đồng followed by ₫, joined by a no-break space', () => {
    expect(formatMoney(3_150_000)).toBe('3.150.000\u00a0₫');
    expect(formatMoney(1049.6)).toBe('1.050\u00a0₫');
    expect(formatMoney(12, 'USD')).toBe('12\u00a0USD');
  });

  // 01:00 UTC is 08:00 in Vietnam (UTC+7); 20:00 UTC on the 29th is already the 30th there.
  it.each([
    ['2027-07-30T01:00:00Z', '30/07/2027', '08:00'],
    ['2027-07-29T20:00:00Z', '30/07/2027', '03:00'],
    ['2027-07-30T15:30:00Z', '30/07/2027', '22:30'],
  ])(
    'writes dates and 24-hour times in Asia/Ho_Chi_Minh, whatever the instant’s zone: %s',
    (instant, day, time) => {
      expect(formatDate(instant)).toBe(day);
      expect(formatTime(instant)).toBe(time);
    },
  );

  it('writes the approval sentence’s moment as “08:00 ngày 30/07/2027”', () => {
    expect(formatDateTime('2027-07-30T01:00:00Z')).toBe('08:00 ngày 30/07/2027');
    expect(formatDateTime('2027-07-30T01:00:00Z', undefined, 'en')).toBe('08:00 on 30/07/2027');
  });

  it('writes a calendar date of the awareness calendar as dd/mm/yyyy', () => {
    expect(formatIsoDate('2027-07-01')).toBe('01/07/2027');
  });

  it('writes English numbers with commas when the user switches', () => {
    expect(formatNumber(3000, 'en')).toBe('3,000');
    expect(formatMoney(3_150_000, 'VND', 'en')).toBe('3,150,000\u00a0₫');
  });
});
