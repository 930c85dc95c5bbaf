import { describe, expect, it } from 'vitest';
import {
  OCCASION_IDS,
  addDays,
  localToUtc,
  nextYearSchedule,
  occasions,
  resolveSendAt,
  utcToLocalParts,
  type Schedule,
} from '#core/calendar.js';
import { ValidationError } from '#core/errors.js';

const now = new Date('2027-01-15T00:00:00Z');

describe('occasions', () => {
  it.each([2027, 2030])('lists 30 July and the 1 July – 30 September peak for %i', (year) => {
    expect(occasions(year)).toEqual([
      {
        id: 'anti-trafficking-day',
        name: expect.stringContaining('Ngày Toàn dân phòng, chống mua bán người (30/7)'),
        date: `${year}-07-30`,
      },
      {
        id: 'peak-period',
        name: expect.stringContaining('Cao điểm tuyên truyền phòng, chống mua bán người'),
        start: `${year}-07-01`,
        end: `${year}-09-30`,
      },
    ]);
  });

  it('names the day in Vietnamese then English', () => {
    expect(occasions(2027)[0]?.name).toBe(
      'Ngày Toàn dân phòng, chống mua bán người (30/7) – World Day against Trafficking in Persons',
    );
  });

  it('exports the ids in the order occasions lists them', () => {
    expect(occasions(2027).map((o) => o.id)).toEqual([...OCCASION_IDS]);
  });

  it.each([2027.5, 999, 10_000, Number.NaN])('rejects the year %s', (year) => {
    expect(() => occasions(year)).toThrow(ValidationError);
  });
});

describe('localToUtc', () => {
  it.each([
    ['2027-07-30', '08:00', 'Asia/Ho_Chi_Minh', '2027-07-30T01:00:00.000Z'],
    ['2027-01-01', '00:00', 'Asia/Ho_Chi_Minh', '2026-12-31T17:00:00.000Z'],
    ['2027-07-30', '08:00', 'Asia/Tokyo', '2027-07-29T23:00:00.000Z'],
    ['2027-07-30', '08:00', 'Asia/Kolkata', '2027-07-30T02:30:00.000Z'],
    ['2027-07-30', '08:00', 'UTC', '2027-07-30T08:00:00.000Z'],
    ['2027-07-30', '08:00', 'America/New_York', '2027-07-30T12:00:00.000Z'],
    ['2027-01-15', '08:00', 'America/New_York', '2027-01-15T13:00:00.000Z'],
    // 02:30 does not exist on the spring-forward day: it becomes 03:30 EDT.
    ['2027-03-14', '02:30', 'America/New_York', '2027-03-14T07:30:00.000Z'],
    // 01:30 happens twice on the fall-back day: the earlier (EDT) one wins.
    ['2027-11-07', '01:30', 'America/New_York', '2027-11-07T05:30:00.000Z'],
  ])('%s %s in %s is %s', (date, time, zone, expected) => {
    expect(localToUtc(date, time, zone).toISOString()).toBe(expected);
  });

  it('defaults to Asia/Ho_Chi_Minh', () => {
    expect(localToUtc('2027-07-30', '08:00').toISOString()).toBe('2027-07-30T01:00:00.000Z');
  });

  it.each([
    ['2027-02-29', '08:00'],
    ['2027-13-01', '08:00'],
    ['27-07-30', '08:00'],
    ['2027-07-30', '24:00'],
    ['2027-07-30', '8:00'],
  ])('rejects %s %s in Asia/Ho_Chi_Minh', (date, time) => {
    expect(() => localToUtc(date, time, 'Asia/Ho_Chi_Minh')).toThrow(ValidationError);
  });

  it('rejects 2027-07-30 08:00 in Mars/Olympus_Mons', () => {
    expect(() => localToUtc('2027-07-30', '08:00', 'Mars/Olympus_Mons')).toThrow(ValidationError);
  });
});

describe('utcToLocalParts', () => {
  it.each([
    ['2027-07-30T01:00:00Z', 'Asia/Ho_Chi_Minh', '2027-07-30', '08:00', 8, 0, 5],
    ['2027-07-29T17:00:00Z', 'Asia/Ho_Chi_Minh', '2027-07-30', '00:00', 0, 0, 5],
    ['2027-07-29T16:59:59Z', 'Asia/Ho_Chi_Minh', '2027-07-29', '23:59', 23, 59, 4],
    ['2027-07-31T15:05:00Z', 'Asia/Tokyo', '2027-08-01', '00:05', 0, 5, 0],
    ['2027-01-01T03:00:00Z', 'America/New_York', '2026-12-31', '22:00', 22, 0, 4],
  ])('%s in %s is %s %s (hour %i, minute %i, weekday %i)', (iso, zone, date, time, hour, minute, weekday) => {
    expect(utcToLocalParts(new Date(iso), zone)).toEqual({ date, time, hour, minute, weekday });
  });

  it('round-trips with localToUtc', () => {
    const at = localToUtc('2028-02-29', '23:45', 'Asia/Kathmandu');
    expect(utcToLocalParts(at, 'Asia/Kathmandu')).toMatchObject({ date: '2028-02-29', time: '23:45' });
  });

  it('rejects an invalid Date', () => {
    expect(() => utcToLocalParts(new Date(Number.NaN))).toThrow(RangeError);
  });
});

describe('addDays', () => {
  it.each([
    ['2027-07-31', 1, '2027-08-01'],
    ['2027-12-31', 1, '2028-01-01'],
    ['2028-03-01', -1, '2028-02-29'],
  ])('%s plus %i day is %s', (date, days, expected) => {
    expect(addDays(date, days)).toBe(expected);
  });
});

describe('resolveSendAt', () => {
  it('sends on 30 July 2027 at 08:00 Vietnam time, 01:00 UTC', () => {
    const at = resolveSendAt({ occasion: 'anti-trafficking-day', year: 2027 }, { now });
    expect(at.toISOString()).toBe('2027-07-30T01:00:00.000Z');
  });

  it.each<[string, Schedule, string | undefined, string]>([
    [
      'the peak period on its first day',
      { occasion: 'peak-period', year: 2027 },
      undefined,
      '2027-07-01T01:00:00.000Z',
    ],
    [
      'the day in 2030',
      { occasion: 'anti-trafficking-day', year: 2030 },
      undefined,
      '2030-07-30T01:00:00.000Z',
    ],
    [
      'the day at a chosen local time',
      { occasion: 'anti-trafficking-day', year: 2027, localTime: '19:30' },
      undefined,
      '2027-07-30T12:30:00.000Z',
    ],
    [
      'the day at midnight local, the evening before in UTC',
      { occasion: 'anti-trafficking-day', year: 2027, localTime: '00:00' },
      undefined,
      '2027-07-29T17:00:00.000Z',
    ],
    [
      'the day in another zone',
      { occasion: 'anti-trafficking-day', year: 2027 },
      'Asia/Tokyo',
      '2027-07-29T23:00:00.000Z',
    ],
    [
      'an explicit year even when it has passed',
      { occasion: 'anti-trafficking-day', year: 2026 },
      undefined,
      '2026-07-30T01:00:00.000Z',
    ],
  ])('resolves %s', (_name, schedule, timeZone, expected) => {
    expect(resolveSendAt(schedule, { now, timeZone }).toISOString()).toBe(expected);
  });

  it.each([
    ['2027-07-30T08:00:00+07:00', '2027-07-30T01:00:00.000Z'],
    ['2027-07-30T08:00+07:00', '2027-07-30T01:00:00.000Z'],
    ['2027-07-30T08:00:00.250+07:00', '2027-07-30T01:00:00.250Z'],
    ['2027-07-30T01:00:00Z', '2027-07-30T01:00:00.000Z'],
    ['2027-07-30T08:00:00-05:00', '2027-07-30T13:00:00.000Z'],
  ])('takes sendAt %s as the instant %s, whatever the zone', (sendAt, expected) => {
    expect(resolveSendAt({ sendAt }, { now, timeZone: 'Asia/Tokyo' }).toISOString()).toBe(expected);
  });

  it.each([
    '2027-07-30T08:00:00',
    '2027-07-30 08:00:00+07:00',
    '2027-02-30T08:00:00+07:00',
    '2027-07-30T24:00:00+07:00',
    '30/07/2027 08:00',
    '',
  ])('rejects sendAt %j', (sendAt) => {
    expect(() => resolveSendAt({ sendAt }, { now })).toThrow(ValidationError);
  });

  it.each<[string, string, Schedule, string]>([
    [
      'early in the year',
      '2027-03-01T00:00:00Z',
      { occasion: 'anti-trafficking-day' },
      '2027-07-30T01:00:00.000Z',
    ],
    [
      'a millisecond before the moment',
      '2027-07-30T00:59:59.999Z',
      { occasion: 'anti-trafficking-day' },
      '2027-07-30T01:00:00.000Z',
    ],
    [
      'exactly at the moment',
      '2027-07-30T01:00:00.000Z',
      { occasion: 'anti-trafficking-day' },
      '2027-07-30T01:00:00.000Z',
    ],
    [
      'a millisecond after the moment',
      '2027-07-30T01:00:00.001Z',
      { occasion: 'anti-trafficking-day' },
      '2028-07-30T01:00:00.000Z',
    ],
    [
      'before a late local time on the day',
      '2027-07-30T05:00:00Z',
      { occasion: 'anti-trafficking-day', localTime: '20:00' },
      '2027-07-30T13:00:00.000Z',
    ],
    [
      'during the peak, after it began',
      '2027-08-15T00:00:00Z',
      { occasion: 'peak-period' },
      '2028-07-01T01:00:00.000Z',
    ],
  ])('without a year, %s (now %s) picks the next one', (_name, nowIso, schedule, expected) => {
    expect(resolveSendAt(schedule, { now: new Date(nowIso) }).toISOString()).toBe(expected);
  });

  it.each(['00:00', '23:59'])('accepts localTime %s', (localTime) => {
    expect(() => resolveSendAt({ occasion: 'peak-period', year: 2027, localTime }, { now })).not.toThrow();
  });

  it.each(['24:00', '23:60', '8:00', '08:0', '08:00:00', '0800', ' 08:00', ''])(
    'rejects localTime %j',
    (localTime) => {
      expect(() => resolveSendAt({ occasion: 'peak-period', year: 2027, localTime }, { now })).toThrow(
        expect.objectContaining({ details: [expect.objectContaining({ path: 'localTime' })] }),
      );
    },
  );

  it('rejects a fractional year', () => {
    expect(() => resolveSendAt({ occasion: 'peak-period', year: 2027.5 }, { now })).toThrow(ValidationError);
  });

  it('rejects an unknown occasion', () => {
    const schedule = { occasion: 'new-year' } as unknown as Schedule;
    expect(() => resolveSendAt(schedule, { now })).toThrow(ValidationError);
  });

  it('rejects an unknown time zone', () => {
    expect(() =>
      resolveSendAt({ occasion: 'peak-period', year: 2027 }, { now, timeZone: 'Asia/Saigon_City' }),
    ).toThrow(ValidationError);
  });
});

describe('nextYearSchedule', () => {
  it('an occasion moves to the next year and keeps its time', () => {
    const schedule: Schedule = {
      occasion: 'anti-trafficking-day',
      year: 2027,
      localTime: '09:15',
      repeat: 'yearly',
    };
    expect(nextYearSchedule(schedule)).toEqual({ ...schedule, year: 2028 });
  });

  it.each([
    ['keeps its local date, time and offset', '2027-07-30T08:00:00+07:00', '2028-07-30T08:00:00+07:00'],
    ['on 29 February falls back to 28 February', '2028-02-29T08:00:00+07:00', '2029-02-28T08:00:00+07:00'],
    [
      'on 28 February stays on 28 February in a leap year',
      '2027-02-28T08:00:00+07:00',
      '2028-02-28T08:00:00+07:00',
    ],
    ['in UTC with milliseconds', '2027-12-31T23:59:59.500Z', '2028-12-31T23:59:59.500Z'],
  ])('sendAt %s', (_name, sendAt, expected) => {
    expect(nextYearSchedule({ sendAt, repeat: 'yearly' })).toEqual({ sendAt: expected, repeat: 'yearly' });
  });

  it('resolves a repeated schedule exactly one year later', () => {
    const next = nextYearSchedule({ occasion: 'anti-trafficking-day', year: 2027, repeat: 'yearly' });
    expect(next && resolveSendAt(next, { now }).toISOString()).toBe('2028-07-30T01:00:00.000Z');
  });

  it.each<Schedule>([
    { occasion: 'anti-trafficking-day', year: 2027 },
    { sendAt: '2027-07-30T08:00:00+07:00' },
  ])('returns null for a schedule that does not repeat: %j', (schedule) => {
    expect(nextYearSchedule(schedule)).toBeNull();
  });

  it.each([
    ['at the moment it fires', '2027-07-30T01:00:00Z', 2028],
    ['after this year’s has passed', '2027-08-01T00:00:00Z', 2029],
  ])('pins the year of an occasion without one, using now %s', (_name, nowIso, expectedYear) => {
    const schedule: Schedule = { occasion: 'anti-trafficking-day', repeat: 'yearly' };
    expect(nextYearSchedule(schedule, { now: new Date(nowIso) })).toEqual({
      ...schedule,
      year: expectedYear,
    });
  });

  it('needs a context for an occasion without a year', () => {
    expect(() => nextYearSchedule({ occasion: 'peak-period', repeat: 'yearly' })).toThrow(ValidationError);
  });

  it('rejects an invalid sendAt', () => {
    expect(() => nextYearSchedule({ sendAt: '2027-07-30T08:00:00', repeat: 'yearly' })).toThrow(
      ValidationError,
    );
  });
});
