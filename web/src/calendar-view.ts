import { DEFAULT_LOCAL_TIME, addDays, localToUtc, utcToLocalParts } from '../../functions/core/calendar.js';
import type { CampaignStatus } from '../../functions/core/campaign-status.js';

/**
 * The calendar page's maths: weeks of a month (Monday first), which days an occasion covers, campaigns per
 * local day, and when a campaign started from a day would send. Pure: the clock comes in as an argument;
 * dates are local calendar dates `YYYY-MM-DD` in the campaign's zone (Asia/Ho_Chi_Minh by default).
 */
export const CALENDAR_TIME_ZONE = 'Asia/Ho_Chi_Minh';

/** The statuses whose campaigns have a moment on the calendar: approved and waiting, or under way. */
export const SCHEDULED_STATUSES = [
  'scheduled',
  'sending',
  'paused',
] as const satisfies readonly CampaignStatus[];

/** A campaign started from today sends no sooner than this after the page was opened. */
const TODAY_LEAD_MINUTES = 30;

export interface CalendarOccasion {
  id: string;
  name: string;
  date?: string | undefined;
  start?: string | undefined;
  end?: string | undefined;
}

export interface Scheduled {
  id: string;
  sendAt: string;
  timeZone?: string | undefined;
}

const pad = (n: number): string => String(n).padStart(2, '0');

/** `YYYY-MM-DD` of day `day` of month `month` (1–12). */
export const isoDate = (year: number, month: number, day: number): string =>
  `${String(year).padStart(4, '0')}-${pad(month)}-${pad(day)}`;

export const daysInMonth = (year: number, month: number): number =>
  new Date(Date.UTC(year, month, 0)).getUTCDate();

/** 0 = Monday … 6 = Sunday. */
const mondayIndex = (date: string): number => (new Date(`${date}T00:00:00Z`).getUTCDay() + 6) % 7;

/** The month's weeks, Monday first; days outside the month are null. */
export const monthWeeks = (year: number, month: number): (string | null)[][] => {
  const first = isoDate(year, month, 1);
  const cells: (string | null)[] = Array.from({ length: mondayIndex(first) }, () => null);
  for (let day = 1; day <= daysInMonth(year, month); day++) cells.push(isoDate(year, month, day));
  while (cells.length % 7 !== 0) cells.push(null);
  const weeks: (string | null)[][] = [];
  for (let i = 0; i < cells.length; i += 7) weeks.push(cells.slice(i, i + 7));
  return weeks;
};

/** The occasions that fall on `date`: a day's own, or a period's from its first to its last day. */
export const occasionsOn = <T extends CalendarOccasion>(date: string, occasions: readonly T[]): T[] =>
  occasions.filter((o) =>
    o.date !== undefined
      ? o.date === date
      : o.start !== undefined && o.end !== undefined && o.start <= date && date <= o.end,
  );

export const isPeriod = (occasion: CalendarOccasion): boolean => occasion.date === undefined;

/** Campaigns by the local day they send on, in their own zone, earliest first. */
export const campaignsByDay = <T extends Scheduled>(campaigns: readonly T[]): Map<string, T[]> => {
  const byDay = new Map<string, T[]>();
  const sorted = [...campaigns].sort((a, b) => Date.parse(a.sendAt) - Date.parse(b.sendAt));
  for (const campaign of sorted) {
    const day = utcToLocalParts(new Date(campaign.sendAt), campaign.timeZone || CALENDAR_TIME_ZONE).date;
    byDay.set(day, [...(byDay.get(day) ?? []), campaign]);
  }
  return byDay;
};

export const todayIn = (now: Date, timeZone: string = CALENDAR_TIME_ZONE): string =>
  utcToLocalParts(now, timeZone).date;

/**
 * The local time a campaign started from `date` sends at: 08:00, or on today the first whole hour at least
 * half an hour ahead; undefined for a past day or when today has no such hour left (the day is not offered).
 */
export const startTimeOn = (
  date: string,
  now: Date,
  timeZone: string = CALENDAR_TIME_ZONE,
): string | undefined => {
  const today = todayIn(now, timeZone);
  if (date < today) return undefined;
  const earliest = now.getTime() + TODAY_LEAD_MINUTES * 60_000;
  if (localToUtc(date, DEFAULT_LOCAL_TIME, timeZone).getTime() >= earliest) return DEFAULT_LOCAL_TIME;
  if (date !== today) return DEFAULT_LOCAL_TIME;
  for (let hour = 0; hour <= 23; hour++) {
    const time = `${pad(hour)}:00`;
    if (localToUtc(date, time, timeZone).getTime() >= earliest) return time;
  }
  return undefined;
};

/** `date` moved by `days`, kept within `year` (keyboard moves stop at the year's first and last day). */
export const moveWithinYear = (date: string, days: number, year: number): string => {
  const moved = addDays(date, days);
  if (moved < isoDate(year, 1, 1)) return isoDate(year, 1, 1);
  if (moved > isoDate(year, 12, 31)) return isoDate(year, 12, 31);
  return moved;
};

/** A valid `YYYY-MM-DD` from an address, or undefined. */
export const parseIsoDate = (value: string | null): string | undefined => {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value ?? '');
  if (!match) return undefined;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  return month >= 1 && month <= 12 && day >= 1 && day <= daysInMonth(year, month)
    ? (value ?? undefined)
    : undefined;
};

const LOCALES = { vi: 'vi-VN', en: 'en-GB' } as const;
export type CalendarLang = keyof typeof LOCALES;

const names = (lang: CalendarLang, options: Intl.DateTimeFormatOptions) =>
  new Intl.DateTimeFormat(LOCALES[lang], { timeZone: 'UTC', ...options });

const capitalised = (text: string): string => text.charAt(0).toLocaleUpperCase() + text.slice(1);

/** `Tháng 7` / `July`. */
export const monthName = (year: number, month: number, lang: CalendarLang): string =>
  capitalised(names(lang, { month: 'long' }).format(Date.UTC(year, month - 1, 1)));

/** Monday first: `Thứ 2` … `CN` (short) and `Thứ Hai` … `Chủ Nhật` (long). */
export const weekdayNames = (lang: CalendarLang): { short: string; long: string }[] =>
  // 1 January 2024 was a Monday.
  Array.from({ length: 7 }, (_, i) => ({
    short: names(lang, { weekday: 'short' }).format(Date.UTC(2024, 0, 1 + i)),
    long: names(lang, { weekday: 'long' }).format(Date.UTC(2024, 0, 1 + i)),
  }));

/** `30 tháng 7` / `30 July`. */
export const dayName = (date: string, lang: CalendarLang): string =>
  names(lang, { day: 'numeric', month: 'long' }).format(new Date(`${date}T00:00:00Z`));
