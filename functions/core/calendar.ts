import { detail, ValidationError } from './errors.js';
import type { DetailCode, MessageParams } from './messages.js';

/**
 * Awareness calendar and campaign schedules. Pure: no clock, no AWS, no date library.
 * Time zones are handled with `Intl.DateTimeFormat`, so any IANA zone works (DST included).
 */

export const DEFAULT_TIME_ZONE = 'Asia/Ho_Chi_Minh';
export const DEFAULT_LOCAL_TIME = '08:00';

export const OCCASION_IDS = ['anti-trafficking-day', 'peak-period'] as const;
export type OccasionId = (typeof OCCASION_IDS)[number];

/** A single day or a period; dates are local calendar dates `YYYY-MM-DD`. */
export type Occasion =
  | { id: 'anti-trafficking-day'; name: string; date: string }
  | { id: 'peak-period'; name: string; start: string; end: string };

/** `sendAt` is an ISO 8601 date-time with `Z` or an offset, e.g. `2027-07-30T08:00:00+07:00`. */
export type Schedule = ({ sendAt: string } | { occasion: OccasionId; year?: number; localTime?: string }) & {
  repeat?: 'yearly';
};

export interface ResolveContext {
  now: Date;
  /** IANA zone the occasion's local date and time are in; default `Asia/Ho_Chi_Minh`. */
  timeZone?: string;
}

export interface LocalParts {
  /** `YYYY-MM-DD` */
  date: string;
  /** `HH:MM` */
  time: string;
  hour: number;
  minute: number;
  /** 0 = Sunday … 6 = Saturday */
  weekday: number;
}

const DAY_MS = 24 * 60 * 60 * 1000;
const HH_MM = /^([01]\d|2[0-3]):([0-5]\d)$/;
const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const ISO_DATE_TIME_WITH_OFFSET =
  /^(\d{4}-\d{2}-\d{2})T([01]\d|2[0-3]):[0-5]\d(:[0-5]\d(\.\d{1,9})?)?(Z|[+-]([01]\d|2[0-3]):[0-5]\d)$/;

export function occasions(year: number): Occasion[] {
  const y = String(checkYear(year, 'year'));
  return [
    {
      id: 'anti-trafficking-day',
      name: 'Ngày Toàn dân phòng, chống mua bán người (30/7) – World Day against Trafficking in Persons',
      date: `${y}-07-30`,
    },
    {
      id: 'peak-period',
      name: 'Cao điểm tuyên truyền phòng, chống mua bán người (1/7–30/9)',
      start: `${y}-07-01`,
      end: `${y}-09-30`,
    },
  ];
}

/** Minutes since midnight for a strict `HH:MM` (00:00–23:59), or null when the value is not one. */
export function parseHhMm(value: string): number | null {
  const match = HH_MM.exec(value);
  return match ? Number(match[1]) * 60 + Number(match[2]) : null;
}

/**
 * The instant at which the wall clock in `timeZone` shows `date` `time`.
 * A time skipped by a DST jump moves forward by the jump; a repeated time picks the earlier instant.
 */
export function localToUtc(date: string, time: string, timeZone: string = DEFAULT_TIME_ZONE): Date {
  const day = parseIsoDate(date);
  if (!day) throw invalid('date', 'invalid_date');
  const minutes = requireHhMm(time, 'time');
  const wall = Date.UTC(day.year, day.month - 1, day.day, 0, minutes);
  // Offsets either side of any transition near this wall time; keep the candidates that land on it.
  const before = offsetMs(wall - DAY_MS, timeZone);
  const after = offsetMs(wall + DAY_MS, timeZone);
  const matching = [wall - before, wall - after].filter((t) => t + offsetMs(t, timeZone) === wall);
  return new Date(matching.length > 0 ? Math.min(...matching) : wall - before);
}

export function utcToLocalParts(d: Date, timeZone: string = DEFAULT_TIME_ZONE): LocalParts {
  const wall = wallClock(d.getTime(), timeZone);
  const date = `${pad(wall.year, 4)}-${pad(wall.month)}-${pad(wall.day)}`;
  return {
    date,
    time: `${pad(wall.hour)}:${pad(wall.minute)}`,
    hour: wall.hour,
    minute: wall.minute,
    weekday: new Date(Date.UTC(wall.year, wall.month - 1, wall.day)).getUTCDay(),
  };
}

/** `date` (`YYYY-MM-DD`) moved by whole calendar days. */
export function addDays(date: string, days: number): string {
  const day = parseIsoDate(date);
  if (!day) throw invalid('date', 'invalid_date');
  return new Date(Date.UTC(day.year, day.month - 1, day.day + days)).toISOString().slice(0, 10);
}

/**
 * When a schedule fires. An occasion fires on its date (a period on its first day) at `localTime`
 * (default 08:00) in the zone; without `year`, this year's in the zone, or next year's once that has passed.
 */
export function resolveSendAt(schedule: Schedule, context: ResolveContext): Date {
  if ('sendAt' in schedule) return parseSendAt(schedule.sendAt);
  const timeZone = context.timeZone ?? DEFAULT_TIME_ZONE;
  return occasionMoment(schedule.occasion, resolveYear(schedule, context), schedule.localTime, timeZone);
}

/**
 * The following year's schedule for a `repeat: 'yearly'` schedule, or null when it does not repeat.
 * `sendAt` keeps its local date, time and offset (29 Feb becomes 28 Feb). An occasion without `year`
 * needs `context` to pin the year it resolves to; pass `now` = the moment it fired, so a late
 * computation does not skip a year.
 */
export function nextYearSchedule(schedule: Schedule, context?: ResolveContext): Schedule | null {
  if (schedule.repeat !== 'yearly') return null;
  if ('sendAt' in schedule) return { ...schedule, sendAt: sameLocalTimeNextYear(schedule.sendAt) };
  const year = schedule.year ?? (context ? resolveYear(schedule, context) : undefined);
  if (year === undefined) {
    throw invalid('year', 'year_required');
  }
  return { ...schedule, year: checkYear(year, 'year') + 1 };
}

function resolveYear(schedule: Extract<Schedule, { occasion: OccasionId }>, context: ResolveContext): number {
  if (schedule.year !== undefined) return checkYear(schedule.year, 'year');
  const timeZone = context.timeZone ?? DEFAULT_TIME_ZONE;
  const thisYear = Number(utcToLocalParts(context.now, timeZone).date.slice(0, 4));
  const moment = occasionMoment(schedule.occasion, thisYear, schedule.localTime, timeZone);
  return moment.getTime() < context.now.getTime() ? thisYear + 1 : thisYear;
}

function occasionMoment(id: OccasionId, year: number, localTime: string | undefined, timeZone: string): Date {
  const time = localTime ?? DEFAULT_LOCAL_TIME;
  requireHhMm(time, 'localTime');
  const occasion = occasions(year).find((o) => o.id === id);
  if (!occasion) throw invalid('occasion', 'invalid_value', { values: OCCASION_IDS.join(', ') });
  const date = occasion.id === 'peak-period' ? occasion.start : occasion.date;
  return localToUtc(date, time, timeZone);
}

function parseSendAt(sendAt: string): Date {
  const match = ISO_DATE_TIME_WITH_OFFSET.exec(sendAt);
  const ms = Date.parse(sendAt);
  if (!match || !parseIsoDate(match[1] ?? '') || Number.isNaN(ms)) {
    throw invalid('sendAt', 'invalid_datetime');
  }
  return new Date(ms);
}

function sameLocalTimeNextYear(sendAt: string): string {
  parseSendAt(sendAt);
  const year = checkYear(Number(sendAt.slice(0, 4)) + 1, 'sendAt');
  const monthDay = sendAt.slice(5, 10) === '02-29' && !isLeapYear(year) ? '02-28' : sendAt.slice(5, 10);
  return `${pad(year, 4)}-${monthDay}${sendAt.slice(10)}`;
}

interface WallClock {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timeZone);
  if (!formatter) {
    try {
      formatter = new Intl.DateTimeFormat('en-US', {
        timeZone,
        hourCycle: 'h23',
        year: 'numeric',
        month: '2-digit',
        day: '2-digit',
        hour: '2-digit',
        minute: '2-digit',
        second: '2-digit',
      });
    } catch {
      throw invalid('timeZone', 'invalid_time_zone');
    }
    formatters.set(timeZone, formatter);
  }
  return formatter;
}

function wallClock(ms: number, timeZone: string): WallClock {
  if (Number.isNaN(ms)) throw new RangeError('Invalid Date');
  const parts = formatterFor(timeZone).formatToParts(ms);
  const field = (type: Intl.DateTimeFormatPartTypes): number =>
    Number(parts.find((p) => p.type === type)?.value);
  return {
    year: field('year'),
    month: field('month'),
    day: field('day'),
    hour: field('hour'),
    minute: field('minute'),
    second: field('second'),
  };
}

/** How far the zone's wall clock is ahead of UTC at instant `ms`. */
function offsetMs(ms: number, timeZone: string): number {
  const w = wallClock(ms, timeZone);
  const wall = Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute, w.second);
  return wall - Math.floor(ms / 1000) * 1000;
}

function parseIsoDate(value: string): { year: number; month: number; day: number } | null {
  const match = ISO_DATE.exec(value);
  if (!match) return null;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const daysInMonth = new Date(Date.UTC(year, month, 0)).getUTCDate();
  if (year < 1000 || month < 1 || month > 12 || day < 1 || day > daysInMonth) return null;
  return { year, month, day };
}

function requireHhMm(value: string, path: string): number {
  const minutes = parseHhMm(value);
  if (minutes === null) throw invalid(path, 'invalid_time');
  return minutes;
}

function checkYear(year: number, path: string): number {
  if (!Number.isInteger(year) || year < 1000 || year > 9999) throw invalid(path, 'invalid_year');
  return year;
}

function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

function pad(n: number, width = 2): string {
  return String(n).padStart(width, '0');
}

function invalid(path: string, code: DetailCode, params?: MessageParams): ValidationError {
  const problem = detail(path, code, params);
  return new ValidationError(`${path} ${problem.message}`, [problem]);
}
