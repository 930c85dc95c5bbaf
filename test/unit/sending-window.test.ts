import { describe, expect, it } from 'vitest';
import { ValidationError } from '#core/errors.js';
import {
  DEFAULT_SENDING_WINDOW,
  isInsideWindow,
  nextWindowStart,
  parseHhMm,
  validateSendingWindow,
  windowEnd,
  type SendingWindow,
} from '#core/sending-window.js';
import { itMaps } from './cases.js';

const VN = 'Asia/Ho_Chi_Minh';
const overnight: SendingWindow = { start: '20:00', end: '06:00' };
/** An instant given as Vietnam local time (UTC+7). */
const vn = (dateTime: string): Date => new Date(`${dateTime}+07:00`);

describe('parseHhMm', () => {
  itMaps('reads %s as %i minutes', parseHhMm, [
    ['00:00', 0],
    ['07:00', 420],
    ['21:59', 1319],
    ['23:59', 1439],
  ]);

  it.each(['24:00', '23:60', '7:00', '07:0', '0700', '07:00:00', ' 07:00', '', 'ab:cd'])(
    'refuses %j',
    (value) => {
      expect(parseHhMm(value)).toBeNull();
    },
  );
});

describe('validateSendingWindow', () => {
  it('defaults to 07:00–22:00', () => {
    expect(DEFAULT_SENDING_WINDOW).toEqual({ start: '07:00', end: '22:00' });
  });

  it.each<SendingWindow>([DEFAULT_SENDING_WINDOW, overnight, { start: '00:00', end: '23:59' }, null])(
    'accepts %j',
    (window) => {
      expect(validateSendingWindow(window)).toBe(window);
    },
  );

  it.each([
    [{ start: '7:00', end: '22:00' }, 'start'],
    [{ start: '07:00', end: '24:00' }, 'end'],
    [{ start: '08:00', end: '08:00' }, 'end'],
  ])('rejects %j, naming %s', (window, path) => {
    expect(() => validateSendingWindow(window)).toThrow(
      expect.objectContaining({ details: [expect.objectContaining({ path })] }),
    );
  });

  it('is enforced by isInsideWindow too', () => {
    expect(() => isInsideWindow(vn('2027-07-30T12:00:00'), { start: '12:00', end: '12:00' }, VN)).toThrow(
      ValidationError,
    );
  });
});

describe('isInsideWindow', () => {
  it.each([
    ['06:59:59', false],
    ['07:00:00', true],
    ['12:00:00', true],
    ['21:59:59', true],
    ['22:00:00', false],
    ['23:30:00', false],
    ['00:00:00', false],
  ])('default window at %s Vietnam time → %s', (time, inside) => {
    expect(isInsideWindow(vn(`2027-07-30T${time}`), DEFAULT_SENDING_WINDOW, VN)).toBe(inside);
  });

  it('uses Asia/Ho_Chi_Minh when no zone is given', () => {
    expect(isInsideWindow(vn('2027-07-30T06:59:00'), DEFAULT_SENDING_WINDOW)).toBe(false);
    expect(isInsideWindow(vn('2027-07-30T07:00:00'), DEFAULT_SENDING_WINDOW)).toBe(true);
  });

  it.each([
    ['12:00', false],
    ['19:59', false],
    ['20:00', true],
    ['23:59', true],
    ['00:00', true],
    ['05:59', true],
    ['06:00', false],
  ])('window crossing midnight (20:00–06:00) at %s → %s', (time, inside) => {
    expect(isInsideWindow(vn(`2027-07-30T${time}:00`), overnight, VN)).toBe(inside);
  });

  it.each(['03:00', '12:00', '23:59'])('a null window is open at %s', (time) => {
    expect(isInsideWindow(vn(`2027-07-30T${time}:00`), null, VN)).toBe(true);
  });

  it('honours the zone: 05:30 in Vietnam is 07:30 in Tokyo', () => {
    const at = new Date('2027-07-29T22:30:00Z');
    expect(isInsideWindow(at, DEFAULT_SENDING_WINDOW, VN)).toBe(false);
    expect(isInsideWindow(at, DEFAULT_SENDING_WINDOW, 'Asia/Tokyo')).toBe(true);
  });

  it('rejects an unknown zone', () => {
    expect(() => isInsideWindow(vn('2027-07-30T12:00:00'), null, 'Asia/Nowhere')).toThrow(ValidationError);
  });
});

describe('nextWindowStart', () => {
  it.each<[string, string, SendingWindow, string, string]>([
    [
      'before opening resumes the same day',
      VN,
      DEFAULT_SENDING_WINDOW,
      '2027-07-30T05:00:00',
      '2027-07-30T07:00:00',
    ],
    ['a second before opening', VN, DEFAULT_SENDING_WINDOW, '2027-07-30T06:59:59', '2027-07-30T07:00:00'],
    [
      'at closing resumes the next day',
      VN,
      DEFAULT_SENDING_WINDOW,
      '2027-07-30T22:00:00',
      '2027-07-31T07:00:00',
    ],
    [
      'after closing on the last day of the month',
      VN,
      DEFAULT_SENDING_WINDOW,
      '2027-07-31T23:00:00',
      '2027-08-01T07:00:00',
    ],
    [
      'after closing on new year’s eve',
      VN,
      DEFAULT_SENDING_WINDOW,
      '2027-12-31T22:30:00',
      '2028-01-01T07:00:00',
    ],
    ['overnight window, at midday', VN, overnight, '2027-07-30T12:00:00', '2027-07-30T20:00:00'],
    ['overnight window, at its closing', VN, overnight, '2027-07-30T06:00:00', '2027-07-30T20:00:00'],
  ])('%s', (_name, zone, window, localAt, localExpected) => {
    expect(nextWindowStart(vn(localAt), window, zone)).toEqual(vn(localExpected));
  });

  it.each<[string, SendingWindow, string]>([
    ['inside the default window', DEFAULT_SENDING_WINDOW, '2027-07-30T07:00:00'],
    ['inside an overnight window after midnight', overnight, '2027-07-30T02:00:00'],
    ['with a null window', null, '2027-07-30T03:00:00'],
  ])('returns the same moment %s', (_name, window, localAt) => {
    expect(nextWindowStart(vn(localAt), window, VN)).toEqual(vn(localAt));
  });

  it('honours the zone: 06:00 in Tokyo resumes at 07:00 Tokyo time', () => {
    expect(nextWindowStart(new Date('2027-07-29T21:00:00Z'), DEFAULT_SENDING_WINDOW, 'Asia/Tokyo')).toEqual(
      new Date('2027-07-29T22:00:00Z'),
    );
  });

  it('honours daylight saving: resumes at 07:00 EDT after the spring-forward night', () => {
    expect(
      nextWindowStart(new Date('2027-03-14T04:00:00Z'), DEFAULT_SENDING_WINDOW, 'America/New_York'),
    ).toEqual(new Date('2027-03-14T11:00:00Z'));
  });
});

describe('windowEnd', () => {
  it.each<[string, SendingWindow, string, string]>([
    [
      'inside the default window closes at 22:00',
      DEFAULT_SENDING_WINDOW,
      '2027-07-30T12:00:00',
      '2027-07-30T22:00:00',
    ],
    ['at opening closes at 22:00', DEFAULT_SENDING_WINDOW, '2027-07-30T07:00:00', '2027-07-30T22:00:00'],
    ['a second before closing', DEFAULT_SENDING_WINDOW, '2027-07-30T21:59:59', '2027-07-30T22:00:00'],
    [
      'overnight window, before midnight, closes next morning',
      overnight,
      '2027-07-30T23:00:00',
      '2027-07-31T06:00:00',
    ],
    [
      'overnight window, after midnight, closes this morning',
      overnight,
      '2027-07-30T01:00:00',
      '2027-07-30T06:00:00',
    ],
    [
      'outside, before opening: the coming window closes today',
      DEFAULT_SENDING_WINDOW,
      '2027-07-30T05:00:00',
      '2027-07-30T22:00:00',
    ],
    [
      'outside, after closing: the next window closes tomorrow',
      DEFAULT_SENDING_WINDOW,
      '2027-07-30T22:30:00',
      '2027-07-31T22:00:00',
    ],
    [
      'outside an overnight window: it closes next morning',
      overnight,
      '2027-07-30T12:00:00',
      '2027-07-31T06:00:00',
    ],
  ])('%s', (_name, window, localAt, localExpected) => {
    expect(windowEnd(vn(localAt), window, VN)).toEqual(vn(localExpected));
  });

  it('is null for an always-open window', () => {
    expect(windowEnd(vn('2027-07-30T12:00:00'), null, VN)).toBeNull();
  });

  it('honours the zone: closes at 22:00 Tokyo time', () => {
    expect(windowEnd(new Date('2027-07-30T03:00:00Z'), DEFAULT_SENDING_WINDOW, 'Asia/Tokyo')).toEqual(
      new Date('2027-07-30T13:00:00Z'),
    );
  });
});
