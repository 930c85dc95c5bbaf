/**
 * How the console writes numbers, money, dates and times: `vi-VN` (3.000, 3.150.000 ₫, 30/07/2027, 08:00)
 * in the campaign's time zone, Asia/Ho_Chi_Minh unless it says otherwise. Pure: no clock, no DOM.
 */
export type Lang = 'vi' | 'en';
export const TIME_ZONE = 'Asia/Ho_Chi_Minh';

const LOCALES: Record<Lang, string> = { vi: 'vi-VN', en: 'en-GB' };

export const formatNumber = (value: number, lang: Lang = 'vi'): string =>
  new Intl.NumberFormat(LOCALES[lang], { maximumFractionDigits: 2 }).format(value);

/**
 * Đồng have no subunit in use: amounts are rounded to whole đồng. The amount and its currency are joined by
 * a no-break space, so a narrow tile never puts ₫ on a line of its own.
 */
export const formatMoney = (amount: number, currency = 'VND', lang: Lang = 'vi'): string => {
  const whole = formatNumber(Math.round(amount), lang);
  return `${whole}\u00a0${currency === 'VND' ? '₫' : currency}`;
};

const parts = (instant: Date | string, timeZone: string, lang: Lang) => {
  const date = typeof instant === 'string' ? new Date(instant) : instant;
  const found = new Intl.DateTimeFormat(LOCALES[lang], {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).formatToParts(date);
  const part = (type: Intl.DateTimeFormatPartTypes) => found.find((p) => p.type === type)?.value ?? '';
  return {
    day: part('day'),
    month: part('month'),
    year: part('year'),
    hour: part('hour'),
    minute: part('minute'),
  };
};

/** `30/07/2027` for the calendar day the instant falls on in `timeZone`. */
export const formatDate = (instant: Date | string, timeZone = TIME_ZONE, lang: Lang = 'vi'): string => {
  const { day, month, year } = parts(instant, timeZone, lang);
  return `${day}/${month}/${year}`;
};

/** `08:00`, 24-hour clock, in `timeZone`. */
export const formatTime = (instant: Date | string, timeZone = TIME_ZONE, lang: Lang = 'vi'): string => {
  const { hour, minute } = parts(instant, timeZone, lang);
  return `${hour}:${minute}`;
};

/** `08:00 ngày 30/07/2027` (vi) or `08:00 on 30/07/2027` (en), as in the approval sentence. */
export const formatDateTime = (instant: Date | string, timeZone = TIME_ZONE, lang: Lang = 'vi'): string =>
  `${formatTime(instant, timeZone, lang)} ${lang === 'vi' ? 'ngày' : 'on'} ${formatDate(instant, timeZone, lang)}`;

/** A local calendar date `YYYY-MM-DD` (as the calendar gives it) written `30/07/2027`. */
export const formatIsoDate = (date: string): string => {
  const [year, month, day] = date.split('-');
  return `${day}/${month}/${year}`;
};
