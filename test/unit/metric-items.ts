import { decodeChange } from '#adapters/metric-changes.js';
import type { Change } from '#core/metrics/changes.js';

/** When the metrics tests' messages are materialised (T0), delivered (T1) and counted (T2): 30 July 2027. */
export const T0 = '2027-07-30T01:05:00.000Z';
export const T1 = '2027-07-30T01:47:00.000Z';
export const T2 = '2027-07-30T02:10:00.000Z';

/** Stored items, as the stream delivers them, decoded by the entities' codecs (adapters/table). */
export type Item = Record<string, unknown>;
export type Msg = Record<string, unknown>;

/** Batch `seq` of campaign c1 for partner p1 as stored, queued at T0, one segment a message unless `extra` says. */
export const batchItem = (seq: number, messages: Msg[], extra: Item = {}): Item => ({
  entity: 'Batch',
  pk: 'CAMPAIGN#c1',
  sk: `BATCH#${String(seq).padStart(9, '0')}`,
  campaignId: 'c1',
  seq,
  partnerId: 'p1',
  routes: ['p1'],
  status: 'queued',
  attempt: 0,
  availableAt: T0,
  segments: 1,
  messages,
  createdAt: T0,
  updatedAt: T0,
  ...extra,
});

/** Message `i` of a batch item, queued. */
export const queued = (i: number, carrier = 'viettel', province = 'Bắc Kạn'): Msg => ({
  i,
  to: `+8498000000${i}`,
  carrier,
  province,
  st: 'queued',
});

/** The stream record of a change, decoded; throws when the entity is not one that counts. */
export const change = (id: string, event: Change['event'], oldImage?: Item, newImage?: Item): Change => {
  const decoded = decodeChange(id, event, oldImage, newImage);
  if (!decoded) throw new Error(`${id} is not a change of an entity that counts`);
  return decoded;
};
