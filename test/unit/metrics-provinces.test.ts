import { describe, expect, it } from 'vitest';
import type { Batch, BatchMessage, MessageState } from '#core/dispatch/batch.js';
import { contributionOf, countsOfBatch } from '#core/metrics/changes.js';
import { emptyCounters, sumCounters } from '#core/metrics/counters.js';
import { toMessageRow, toSuppressedRow } from '#core/reports.js';
import { queuedBatch } from './fixtures.js';

const T0 = '2027-07-30T01:05:00.000Z';
const batch = (messages: BatchMessage[]): Batch =>
  queuedBatch(messages, { seq: 1, status: 'pending', availableAt: T0, createdAt: T0, updatedAt: T0 });
const sent = (index: number, province: string, state: MessageState = 'delivered'): BatchMessage => ({
  index,
  to: `+8498000000${index}`,
  carrier: 'viettel',
  province,
  state,
  sentAt: T0,
  at: T0,
});

describe('metrics by current province', () => {
  it('counts a batch holding former names under their successor', () => {
    const c = countsOfBatch(
      batch([sent(0, 'Bắc Kạn'), sent(1, 'Bac Kan'), sent(2, 'Thái Nguyên'), sent(3, 'Mường Tè')]),
    ).counters;
    expect(c.byProvince).toEqual({
      'Thái Nguyên': { sent: 3, delivered: 3, failed: 0 },
      'Mường Tè': { sent: 1, delivered: 1, failed: 0 },
    });
  });

  it('merges shards counted before the registry into the current names when they are read', () => {
    const old = emptyCounters();
    old.byProvince = {
      'Bắc Kạn': { sent: 2, delivered: 1, failed: 0 },
      'Hà Giang': { sent: 1, delivered: 0, failed: 1 },
    };
    const now = emptyCounters();
    now.byProvince = { 'Thái Nguyên': { sent: 3, delivered: 3, failed: 0 } };
    expect(sumCounters([old, now]).byProvince).toEqual({
      'Thái Nguyên': { sent: 5, delivered: 4, failed: 0 },
      'Tuyên Quang': { sent: 1, delivered: 0, failed: 1 },
    });
  });

  it('adds a report counted after the change to a message sent before it, under one province', () => {
    // Sent before the registry: counted then under `Bắc Kạn`.
    const before = emptyCounters();
    before.byProvince = { 'Bắc Kạn': { sent: 1, delivered: 0, failed: 0 } };
    const pending = batch([sent(0, 'Bắc Kạn', 'pending')]);
    const delivered = batch([sent(0, 'Bắc Kạn', 'delivered')]);
    const report = contributionOf({
      id: 'r',
      kind: 'batch',
      event: 'MODIFY',
      before: pending,
      after: delivered,
    });
    expect(sumCounters([before, report?.delta.counters ?? emptyCounters()]).byProvince).toEqual({
      'Thái Nguyên': { sent: 1, delivered: 1, failed: 0 },
    });
  });

  it('shows the current province in report rows', () => {
    const row = toMessageRow(
      { campaignId: 'c1', seq: 1, partnerId: 'p1', createdAt: T0 },
      { index: 0, to: '+84980000000', carrier: 'viettel', province: 'Thừa Thiên Huế', state: 'delivered' },
      (phone) => phone,
    );
    expect(row.province).toBe('Huế');
    const suppressed = toSuppressedRow(
      { to: '+84980000001', carrier: 'viettel', province: 'Bac Kan', reason: 'opted_out' },
      T0,
      (phone) => phone,
    );
    expect(suppressed.province).toBe('Thái Nguyên');
  });
});
