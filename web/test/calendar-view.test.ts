import { describe, expect, it } from 'vitest';
import {
  campaignsByDay,
  dayName,
  daysInMonth,
  monthName,
  monthWeeks,
  moveWithinYear,
  occasionsOn,
  parseIsoDate,
  startTimeOn,
  todayIn,
  weekdayNames,
} from '../src/calendar-view.js';

const OCCASIONS = [
  { id: 'anti-trafficking-day', name: '30/7', date: '2027-07-30' },
  { id: 'peak-period', name: 'Cao điểm', start: '2027-07-01', end: '2027-09-30' },
];

describe('the calendar’s weeks', () => {
  it('starts each week on Monday and pads the month with empty days', () => {
    // 1 July 2027 is a Thursday; 31 July a Saturday.
    const weeks = monthWeeks(2027, 7);
    expect(weeks).toHaveLength(5);
    expect(weeks[0]).toEqual([null, null, null, '2027-07-01', '2027-07-02', '2027-07-03', '2027-07-04']);
    expect(weeks[4]).toEqual([
      '2027-07-26',
      '2027-07-27',
      '2027-07-28',
      '2027-07-29',
      '2027-07-30',
      '2027-07-31',
      null,
    ]);
    expect(weeks.every((week) => week.length === 7)).toBe(true);
  });

  it('fits February of a common year starting on Monday in four weeks, and knows leap years', () => {
    expect(monthWeeks(2021, 2)).toHaveLength(4);
    expect(monthWeeks(2021, 2)[0]?.[0]).toBe('2021-02-01');
    expect(daysInMonth(2028, 2)).toBe(29);
    expect(daysInMonth(2027, 2)).toBe(28);
    expect(monthWeeks(2028, 2).flat().filter(Boolean)).toHaveLength(29);
  });
});

describe('the occasions on a day', () => {
  it('marks 30/7 and shades the peak period from its first to its last day', () => {
    expect(occasionsOn('2027-07-30', OCCASIONS).map((o) => o.id)).toEqual([
      'anti-trafficking-day',
      'peak-period',
    ]);
    expect(occasionsOn('2027-07-01', OCCASIONS).map((o) => o.id)).toEqual(['peak-period']);
    expect(occasionsOn('2027-09-30', OCCASIONS).map((o) => o.id)).toEqual(['peak-period']);
    expect(occasionsOn('2027-06-30', OCCASIONS)).toEqual([]);
    expect(occasionsOn('2027-10-01', OCCASIONS)).toEqual([]);
  });
});

describe('campaigns per day', () => {
  it('puts a campaign on the day it sends in Vietnam, not in UTC, earliest first', () => {
    const byDay = campaignsByDay([
      { id: 'late', sendAt: '2027-07-30T10:00:00Z', timeZone: 'Asia/Ho_Chi_Minh' },
      // 23:30 UTC on 29/7 is 06:30 on 30/7 in Vietnam.
      { id: 'early', sendAt: '2027-07-29T23:30:00Z', timeZone: 'Asia/Ho_Chi_Minh' },
      // 17:00 UTC is midnight: the next day.
      { id: 'midnight', sendAt: '2027-07-30T17:00:00Z', timeZone: '' },
    ]);
    expect(byDay.get('2027-07-30')?.map((c) => c.id)).toEqual(['early', 'late']);
    expect(byDay.get('2027-07-31')?.map((c) => c.id)).toEqual(['midnight']);
    expect(byDay.has('2027-07-29')).toBe(false);
  });

  it('reads a campaign in another zone on its own local day', () => {
    const byDay = campaignsByDay([{ id: 'paris', sendAt: '2027-07-30T23:00:00Z', timeZone: 'Europe/Paris' }]);
    expect([...byDay.keys()]).toEqual(['2027-07-31']);
  });
});

describe('starting a campaign from a day', () => {
  // 10:15 on 20/7/2027 in Vietnam.
  const now = new Date('2027-07-20T03:15:00Z');

  it('sends at 08:00 on a coming day and offers no past day', () => {
    expect(todayIn(now)).toBe('2027-07-20');
    expect(startTimeOn('2027-07-30', now)).toBe('08:00');
    expect(startTimeOn('2027-07-21', now)).toBe('08:00');
    expect(startTimeOn('2027-07-19', now)).toBeUndefined();
  });

  it('on today picks the first whole hour at least half an hour ahead, none late at night', () => {
    expect(startTimeOn('2027-07-20', now)).toBe('11:00');
    expect(startTimeOn('2027-07-20', new Date('2027-07-20T03:45:00Z'))).toBe('12:00');
    expect(startTimeOn('2027-07-20', new Date('2027-07-19T23:00:00Z'))).toBe('08:00');
    // 23:40 in Vietnam: nothing left today.
    expect(startTimeOn('2027-07-20', new Date('2027-07-20T16:40:00Z'))).toBeUndefined();
  });
});

describe('moving through the year by keyboard', () => {
  it('moves by days and weeks across months and stops at the year’s ends', () => {
    expect(moveWithinYear('2027-07-31', 1, 2027)).toBe('2027-08-01');
    expect(moveWithinYear('2027-03-03', -7, 2027)).toBe('2027-02-24');
    expect(moveWithinYear('2027-12-29', 7, 2027)).toBe('2027-12-31');
    expect(moveWithinYear('2027-01-02', -7, 2027)).toBe('2027-01-01');
  });

  it('reads a date from the address only when it is a real day', () => {
    expect(parseIsoDate('2027-07-30')).toBe('2027-07-30');
    expect(parseIsoDate('2027-02-29')).toBeUndefined();
    expect(parseIsoDate('30/07/2027')).toBeUndefined();
    expect(parseIsoDate(null)).toBeUndefined();
  });
});

describe('the calendar’s words, from Intl', () => {
  it('names months, weekdays (Monday first) and days in Vietnamese and English', () => {
    expect(monthName(2027, 7, 'vi')).toBe('Tháng 7');
    expect(monthName(2027, 7, 'en')).toBe('July');
    expect(weekdayNames('vi').map((d) => d.long)).toEqual([
      'Thứ Hai',
      'Thứ Ba',
      'Thứ Tư',
      'Thứ Năm',
      'Thứ Sáu',
      'Thứ Bảy',
      'Chủ Nhật',
    ]);
    expect(weekdayNames('en')[0]).toEqual({ short: 'Mon', long: 'Monday' });
    expect(dayName('2027-07-30', 'vi')).toBe('30 tháng 7');
    expect(dayName('2027-07-30', 'en')).toBe('30 July');
  });
});
