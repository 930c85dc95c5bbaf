/**
 * A campaign's metrics counters (contract §7), kept as plain data so they can be added, subtracted and
 * summed without AWS. One counters document lives in each of a campaign's shard items; the metrics read
 * sums the shards. Minute buckets of the timeline live apart, one item per hour (see table.ts).
 */

import { canonicalProvinceName } from '#core/provinces.js';
import { ownEntry, ownValue, setOwn } from '#core/records.js';

export interface Tally {
  sent: number;
  delivered: number;
  failed: number;
}

export interface Bucket extends Tally {
  clicks: number;
}

/**
 * What a language variant or an A/B treatment counts (issue #16). A holdout counts `targeted` only: it is
 * sent nothing, so its clicks and replies are 0 by construction.
 */
export interface ContentTally extends Tally {
  targeted: number;
  clicks: number;
  uniqueClicks: number;
  replies: number;
}

export interface Counters {
  targeted: number;
  /** Recipients of the A/B holdout: chosen, never sent to, not in `targeted`. */
  heldOut: number;
  suppressed: number;
  queued: number;
  pending: number;
  delivered: number;
  failed: number;
  sent: number;
  segments: number;
  cost: number;
  clicks: number;
  uniqueClicks: number;
  replies: number;
  optOuts: number;
  failureReasons: Record<string, number>;
  byCarrier: Record<string, Tally>;
  byProvince: Record<string, Tally>;
  /** By the partner that accepted the message: only sent messages count here. */
  byPartner: Record<string, Tally>;
  /** By the language variant a message carried (campaigns with variants only). */
  byVariant: Record<string, ContentTally>;
  /** By A/B treatment (`A`..`D`, `holdout`; campaigns with a split only). */
  byTreatment: Record<string, ContentTally>;
  /** Timeline by hour, keyed `yyyy-mm-ddThh` (UTC). */
  hours: Record<string, Bucket>;
}

/** Minute buckets: hour `yyyy-mm-ddThh` → minute `mm` → bucket. */
export type Minutes = Record<string, Record<string, Bucket>>;

/** What one change (a stream record) adds to a campaign's counters; negative numbers take away. */
export interface Delta {
  counters: Counters;
  minutes: Minutes;
}

const SCALARS = [
  'targeted',
  'heldOut',
  'suppressed',
  'queued',
  'pending',
  'delivered',
  'failed',
  'sent',
  'segments',
  'cost',
  'clicks',
  'uniqueClicks',
  'replies',
  'optOuts',
] as const satisfies readonly (keyof Counters)[];

const TALLY_MAPS = ['byCarrier', 'byProvince', 'byPartner'] as const;
const CONTENT_MAPS = ['byVariant', 'byTreatment'] as const;

export const emptyCounters = (): Counters => ({
  targeted: 0,
  heldOut: 0,
  suppressed: 0,
  queued: 0,
  pending: 0,
  delivered: 0,
  failed: 0,
  sent: 0,
  segments: 0,
  cost: 0,
  clicks: 0,
  uniqueClicks: 0,
  replies: 0,
  optOuts: 0,
  failureReasons: {},
  byCarrier: {},
  byProvince: {},
  byPartner: {},
  byVariant: {},
  byTreatment: {},
  hours: {},
});

export const emptyDelta = (): Delta => ({ counters: emptyCounters(), minutes: {} });

export const emptyTally = (): Tally => ({ sent: 0, delivered: 0, failed: 0 });
export const emptyBucket = (): Bucket => ({ sent: 0, delivered: 0, failed: 0, clicks: 0 });
export const emptyContentTally = (): ContentTally => ({
  targeted: 0,
  sent: 0,
  delivered: 0,
  failed: 0,
  clicks: 0,
  uniqueClicks: 0,
  replies: 0,
});

/**
 * Prices are decimals (0.0123 USD): a sum of many additions and subtractions drifts in binary floating
 * point, so money is kept rounded to a millionth at every step and `+x − x` comes back to exactly 0.
 */
const roundMoney = (value: number): number => Math.round(value * 1e6) / 1e6;

const num = (value: unknown): number => (typeof value === 'number' && Number.isFinite(value) ? value : 0);

/** Adds `sign ×` each field of `from` to `into` (mutating it); entries that reach 0 are dropped. */
const addNumbers = <K extends string>(
  into: Record<string, Record<K, number>>,
  from: Record<string, Record<K, number>>,
  sign: number,
  make: () => Record<K, number>,
) => {
  for (const [key, value] of Object.entries(from)) {
    const target = ownEntry(into, key, make);
    for (const field of Object.keys(value) as K[])
      target[field] = num(target[field]) + sign * num(value[field]);
    if (Object.values<number>(target).every((n) => n === 0)) delete into[key];
  }
};

/** `into += sign × from`, in place; returns `into`. */
export const addCounters = (into: Counters, from: Counters, sign = 1): Counters => {
  for (const field of SCALARS) into[field] = num(into[field]) + sign * num(from[field]);
  into.cost = roundMoney(into.cost);
  for (const [reason, n] of Object.entries(from.failureReasons)) {
    const total = num(ownValue(into.failureReasons, reason)) + sign * n;
    if (total === 0) delete into.failureReasons[reason];
    else setOwn(into.failureReasons, reason, total);
  }
  for (const map of TALLY_MAPS) addNumbers(into[map], from[map], sign, emptyTally);
  for (const map of CONTENT_MAPS) addNumbers(into[map], from[map], sign, emptyContentTally);
  addNumbers(into.hours, from.hours, sign, emptyBucket);
  return into;
};

/** `into += sign × from`, in place; hours whose buckets all reach 0 are dropped. */
export const addMinutes = (into: Minutes, from: Minutes, sign = 1): Minutes => {
  for (const [hour, minutes] of Object.entries(from)) {
    const target = ownEntry(into, hour, () => ({}));
    addNumbers(target, minutes, sign, emptyBucket);
    if (Object.keys(target).length === 0) delete into[hour];
  }
  return into;
};

export const addDelta = (into: Delta, from: Delta, sign = 1): Delta => {
  addCounters(into.counters, from.counters, sign);
  addMinutes(into.minutes, from.minutes, sign);
  return into;
};

/** `a − b` as a new delta. */
export const difference = (a: Delta, b: Delta): Delta => addDelta(addDelta(emptyDelta(), a), b, -1);

const isZeroCounters = (counters: Counters): boolean =>
  SCALARS.every((field) => counters[field] === 0) &&
  Object.keys(counters.failureReasons).length === 0 &&
  TALLY_MAPS.every((map) => Object.keys(counters[map]).length === 0) &&
  CONTENT_MAPS.every((map) => Object.keys(counters[map]).length === 0) &&
  Object.keys(counters.hours).length === 0;

export const isZeroDelta = (delta: Delta): boolean =>
  isZeroCounters(delta.counters) && Object.keys(delta.minutes).length === 0;

/**
 * Tallies by current province: shards of a campaign counted before the province registry hold former
 * names (`Bắc Kạn`), merged here into their successor (`Thái Nguyên`) rather than rewritten in place.
 */
const byCurrentProvince = (tallies: Record<string, Tally>): Record<string, Tally> => {
  const merged: Record<string, Tally> = {};
  for (const [name, tally] of Object.entries(tallies)) {
    const target = ownEntry(merged, canonicalProvinceName(name), emptyTally);
    target.sent += num(tally.sent);
    target.delivered += num(tally.delivered);
    target.failed += num(tally.failed);
  }
  return merged;
};

/** The campaign's counters: the sum of its shards (missing shards count as empty), by current province. */
export const sumCounters = (shards: readonly Counters[]): Counters => {
  const total = shards.reduce((sum, shard) => addCounters(sum, shard), emptyCounters());
  total.byProvince = byCurrentProvince(total.byProvince);
  return total;
};

/** Reads a stored counters document leniently: fields added later default to empty. */
export const countersFrom = (stored: unknown): Counters => {
  const record = (stored && typeof stored === 'object' ? stored : {}) as Partial<Counters>;
  return addCounters(emptyCounters(), {
    ...emptyCounters(),
    ...record,
    failureReasons: record.failureReasons ?? {},
    byCarrier: record.byCarrier ?? {},
    byProvince: record.byProvince ?? {},
    byPartner: record.byPartner ?? {},
    byVariant: record.byVariant ?? {},
    byTreatment: record.byTreatment ?? {},
    hours: record.hours ?? {},
  });
};

/** `yyyy-mm-ddThh` and `mm` of an ISO time in UTC; undefined when it is not a time. */
export const hourAndMinute = (at: string | undefined): { hour: string; minute: string } | undefined => {
  if (!at) return undefined;
  const iso = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}.*Z$/.test(at) ? at : toIso(at);
  if (!iso) return undefined;
  return { hour: iso.slice(0, 13), minute: iso.slice(14, 16) };
};

const toIso = (at: string): string | undefined => {
  const ms = Date.parse(at);
  return Number.isNaN(ms) ? undefined : new Date(ms).toISOString();
};
