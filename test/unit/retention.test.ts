import { describe, expect, it } from 'vitest';
import { ConfigError, readConfig, readRetentionConfig } from '#adapters/config.js';
import { batchCodec, suppressedCodec, suppressedIndexCodec } from '#adapters/table/batch.js';
import { clickCodec, inboundCodec, recipientIndexCodec } from '#adapters/table/records.js';
import { queuedBatch } from './fixtures.js';

/** Unset in the tests, so the default (180 days) applies. */
const DAY = 24 * 3600;
const AT = '2027-03-01T08:00:00.000Z';
const expiresAt = (from: string, days = 180) => Math.floor(Date.parse(from) / 1000) + days * DAY;

describe('retention of per-recipient message data (RETENTION_DAYS, TTL)', () => {
  it('reads RETENTION_DAYS, 180 by default, and refuses less than the 8 days replies need', () => {
    expect(readRetentionConfig({}).RETENTION_DAYS).toBe(180);
    expect(readRetentionConfig({ RETENTION_DAYS: '30' }).RETENTION_DAYS).toBe(30);
    expect(() => readConfig({ TABLE_NAME: 't', RETENTION_DAYS: '7' })).toThrow(ConfigError);
    expect(() => readConfig({ TABLE_NAME: 't', RETENTION_DAYS: 'soon' })).toThrow(/RETENTION_DAYS/);
  });

  it('a batch item expires RETENTION_DAYS after it was created', () => {
    const item = batchCodec.toItem(
      queuedBatch([{ index: 0, to: '+84981234567', carrier: 'viettel', state: 'pending' }], {
        availableAt: AT,
        createdAt: AT,
        updatedAt: AT,
      }),
    );
    expect(item.ttl).toBe(expiresAt(AT));
  });

  it('a chunk of suppressed recipients expires RETENTION_DAYS after it was written', () => {
    const item = suppressedCodec.toItem('c1', {
      chunk: 0,
      chunks: 1,
      at: AT,
      recipients: [{ to: '+84981234567', carrier: 'viettel', reason: 'opted_out' }],
    });
    expect(item.ttl).toBe(expiresAt(AT));
  });

  it('a suppressed index item lives as long as the chunks it points into', () => {
    const item = suppressedIndexCodec.toItem('67', 'c1', 0, ['+84981234567:0'], AT);
    expect(item.ttl).toBe(expiresAt(AT));
    expect(item).toMatchObject({ pk: 'SUPPRESSEDIDX#67', sk: 'c1#000000', campaignId: 'c1' });
  });

  it('an inbound message expires RETENTION_DAYS after it was received', () => {
    const received = '2027-03-02T09:30:00.000Z';
    const item = inboundCodec.toItem({
      partnerId: 'p1',
      id: 'm1',
      from: '+84981234567',
      text: 'CO',
      at: AT,
      receivedAt: received,
      optOut: false,
    });
    expect(item.ttl).toBe(expiresAt(received));
  });

  it('a recipient index item lives as long as the batches it points into', () => {
    const item = recipientIndexCodec.toItem(
      '67',
      { campaignId: 'c1', materializedAt: AT, entries: ['+84981234567:0'] },
      0,
      'run-1',
    );
    expect(item.ttl).toBe(expiresAt(AT));
  });

  it('a per-recipient click item expires RETENTION_DAYS after its last click', () => {
    const clickedAt = new Date('2027-03-05T10:00:00.000Z');
    const attributes = clickCodec.attributesOf(
      { code: 'abc1234', campaignId: 'c1', seq: 0, index: 0, carrier: 'viettel' },
      clickedAt,
    );
    expect(attributes.ttl).toBe(expiresAt(clickedAt.toISOString()));
  });
});
