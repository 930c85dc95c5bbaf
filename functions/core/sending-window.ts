import { DEFAULT_TIME_ZONE, addDays, localToUtc, parseHhMm, utcToLocalParts } from './calendar.js';
import { detail, ValidationError, type ErrorDetail } from './errors.js';

export { parseHhMm };

/**
 * Local hours in which SMS may be sent: `start` inclusive, `end` exclusive, both `HH:MM`.
 * `start > end` crosses midnight (20:00–06:00). `null` means any time.
 */
export type SendingWindow = { start: string; end: string } | null;

export const DEFAULT_SENDING_WINDOW: { readonly start: string; readonly end: string } = Object.freeze({
  start: '07:00',
  end: '22:00',
});

interface Bounds {
  start: number;
  end: number;
}

/** Returns the window unchanged, or throws `ValidationError` naming the bad field. */
export function validateSendingWindow(window: SendingWindow): SendingWindow {
  if (window) bounds(window);
  return window;
}

export function isInsideWindow(
  at: Date,
  window: SendingWindow,
  timeZone: string = DEFAULT_TIME_ZONE,
): boolean {
  const minute = minuteOfDay(at, timeZone);
  return window === null || contains(bounds(window), minute);
}

/** `at` when sending is allowed then; otherwise the next moment the window opens. */
export function nextWindowStart(at: Date, window: SendingWindow, timeZone: string = DEFAULT_TIME_ZONE): Date {
  const local = utcToLocalParts(at, timeZone);
  if (window === null) return new Date(at.getTime());
  const b = bounds(window);
  const minute = local.hour * 60 + local.minute;
  if (contains(b, minute)) return new Date(at.getTime());
  const day = minute < b.start ? local.date : addDays(local.date, 1);
  return localToUtc(day, window.start, timeZone);
}

/**
 * When the window `at` is in closes; when `at` is outside, when the next window (opening at
 * `nextWindowStart`) closes. Null only for an always-open window.
 */
export function windowEnd(
  at: Date,
  window: SendingWindow,
  timeZone: string = DEFAULT_TIME_ZONE,
): Date | null {
  const opensAt = utcToLocalParts(nextWindowStart(at, window, timeZone), timeZone);
  if (window === null) return null;
  const b = bounds(window);
  const minute = opensAt.hour * 60 + opensAt.minute;
  const day = minute < b.end ? opensAt.date : addDays(opensAt.date, 1);
  return localToUtc(day, window.end, timeZone);
}

function bounds(window: NonNullable<SendingWindow>): Bounds {
  const start = parseHhMm(window.start);
  const end = parseHhMm(window.end);
  const details: ErrorDetail[] = [];
  if (start === null) details.push(detail('start', 'invalid_time'));
  if (end === null) details.push(detail('end', 'invalid_time'));
  if (start !== null && start === end) details.push(detail('end', 'same_start_end'));
  if (start === null || end === null || details.length > 0) {
    throw new ValidationError('The sending window is invalid', details);
  }
  return { start, end };
}

function contains({ start, end }: Bounds, minute: number): boolean {
  return start < end ? minute >= start && minute < end : minute >= start || minute < end;
}

function minuteOfDay(at: Date, timeZone: string): number {
  const local = utcToLocalParts(at, timeZone);
  return local.hour * 60 + local.minute;
}
