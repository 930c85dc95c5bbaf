import { describe, expect, it } from 'vitest';
import { countsOf } from '#core/audience.js';
import type { BatchMessage } from '#core/dispatch/batch.js';
import { ERASED_PHONE, eraseSubscriber, splitEntries, withoutMember } from '#core/subscriber-data.js';
import { SUPPRESSED_CHUNKS_PER_INDEX_ITEM, suppressedIndexEntries } from '#core/suppressed-index.js';
import { applyBatchReports } from '#core/webhooks/delivery-reports.js';

const T0 = '2027-03-01T08:00:00.000Z';

describe('erasing a subscriber', () => {
  it('takes one member out of every counter of its audience, dropping a counter that reaches zero', () => {
    const counts = countsOf({
      size: 3,
      byCarrier: { viettel: 2, mobifone: 1 },
      byProvince: { 'Bắc Kạn': 1, 'Hà Giang': 2 },
      languages: { hmn: 1 },
      attributes: [
        { key: 'ho_va_ten', name: 'Họ và tên', present: 2 },
        { key: 'thon', name: 'Thôn', present: 1 },
      ],
    });
    const after = withoutMember(counts, {
      phone: '+84981234567',
      carrier: 'viettel',
      province: 'Bắc Kạn',
      language: 'hmn',
      attributes: { ho_va_ten: 'Nguyễn Thị Lan', thon: 'Nà Pài' },
    });
    expect(after.size).toBe(2);
    expect([...after.byCarrier]).toEqual([
      ['viettel', 1],
      ['mobifone', 1],
    ]);
    expect([...after.byProvince]).toEqual([['Hà Giang', 2]]);
    expect([...after.byLanguage]).toEqual([]);
    expect([...after.attributes]).toEqual([['ho_va_ten', { name: 'Họ và tên', present: 1 }]]);
  });

  it('splits index entries into the phone’s seqs and the rest, a longer phone with the same start kept', () => {
    const entries = ['+84981234567:3', '+84981234568:3', '+84981234567:9', '+849812345670:1'];
    expect(splitEntries(entries, '+84981234567')).toEqual({
      seqs: [3, 9],
      kept: ['+84981234568:3', '+849812345670:1'],
    });
  });

  it('indexes a suppressed list by last two digits and group of chunks, each entry naming its chunk', () => {
    const recipients = ['+84981234567', '+84911110067', '+84981234500', '+84977777767'].map((to) => ({ to }));
    expect(suppressedIndexEntries(recipients, 2)).toEqual([
      { bucket: '67', firstChunk: 0, entries: ['+84981234567:0', '+84911110067:0', '+84977777767:1'] },
      { bucket: '00', firstChunk: 0, entries: ['+84981234500:1'] },
    ]);
    // Chunks 0..9 share an item; chunk 10 starts the next one, so no item outgrows 10,000 entries.
    const many = Array.from({ length: 11 }, (_, n) => ({ to: `+8498123${String(n).padStart(3, '0')}67` }));
    expect(
      suppressedIndexEntries(many, 1).map(({ firstChunk, entries }) => [firstChunk, entries.length]),
    ).toEqual([
      [0, SUPPRESSED_CHUNKS_PER_INDEX_ITEM],
      [SUPPRESSED_CHUNKS_PER_INDEX_ITEM, 1],
    ]);
  });

  it('never records an erased message’s marker as a ported number when a late report names a carrier', () => {
    const erased: BatchMessage = {
      index: 0,
      to: ERASED_PHONE,
      carrier: 'viettel',
      state: 'pending',
      at: T0,
      sentAt: T0,
    };
    const applied = applyBatchReports(
      { partnerId: 'p1', status: 'pending', handedTo: ['p1'], messages: [erased] },
      'p1',
      [{ index: 0, report: { messageId: 'c1.0.0', status: 'delivered', at: T0, carrier: 'mobifone' } }],
    );
    expect(applied.processed).toBe(1);
    expect(applied.ported).toEqual([]);
  });

  it('audits an erasure with the actor, the time and the number masked, and answers it masked', async () => {
    const audited: unknown[] = [];
    const counts = { audiences: 1, messages: 2, inbound: 0, ported: 0, suppressed: 1, optOutKept: true };
    const result = await eraseSubscriber(
      {
        store: {
          collect: () => Promise.reject(new Error('not used')),
          erase: () => Promise.resolve(counts),
          audit: (entry) => {
            audited.push(entry);
            return Promise.resolve();
          },
        },
        now: () => new Date(T0),
        newId: () => 'a1',
      },
      '+84981234567',
      { userId: 'admin@test', roles: ['admin'] },
    );
    expect(result).toEqual({ phone: '+8498****567', ...counts });
    expect(audited).toEqual([
      { id: 'a1', action: 'erase', phone: '+8498****567', actor: 'admin@test', at: T0, counts },
    ]);
  });
});
