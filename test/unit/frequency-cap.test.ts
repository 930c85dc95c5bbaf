import { describe, expect, it } from 'vitest';
import type { CampaignStatus } from '#core/campaign-status.js';
import type { Campaign } from '#core/campaign.js';
import type { Batch, BatchMessage } from '#core/dispatch/batch.js';
import { frequencyCappedPhones, type FrequencyCapDeps } from '#core/dispatch/frequency-cap.js';

const NOW = new Date('2020-01-02T00:00:00Z');
const PHONE = '+84981000001';
const OTHER = '+84981000002';

const campaignOf = (id: string, status: CampaignStatus, startedAt?: string) =>
  ({ id, status, ...(startedAt ? { startedAt } : {}) }) as Campaign;

const message = (to: string, state: BatchMessage['state'] = 'delivered'): BatchMessage => ({
  index: 0,
  to,
  carrier: 'viettel',
  state,
});

const batchOf = (campaignId: string, messages: BatchMessage[], test = false) =>
  ({ campaignId, seq: 0, messages, ...(test ? { test } : {}) }) as Batch;

/** A history of campaigns (two to a page, so paging is walked) and their batches. */
const deps = (
  campaigns: Campaign[],
  batches: Batch[],
  cap = { messages: 2, hours: 24 },
): FrequencyCapDeps => ({
  campaigns: {
    list: ({ status, cursor }) => {
      const all = campaigns.filter((c) => c.status === status);
      const from = Number(cursor ?? 0);
      const next = from + 2 < all.length ? String(from + 2) : null;
      return Promise.resolve({ items: all.slice(from, from + 2), nextCursor: next });
    },
  },
  batches: {
    listBatches: async function* (campaignId) {
      yield batches.filter((b) => b.campaignId === campaignId);
    },
  },
  settings: {
    get: () => Promise.resolve({ frequencyCap: cap, updatedAt: null, updatedBy: null }),
  },
  now: () => NOW,
});

const current = campaignOf('now', 'sending', '2020-01-01T23:59:00Z');

describe('frequency cap', () => {
  it("counts the window back from the injected clock, not the machine's", async () => {
    // 12 hours before the injected now, years before the machine's clock.
    const history = [
      campaignOf('a', 'completed', '2020-01-01T12:00:00Z'),
      campaignOf('b', 'sending', '2020-01-01T13:00:00Z'),
    ];
    const capped = await frequencyCappedPhones(
      deps(history, [batchOf('a', [message(PHONE)]), batchOf('b', [message(PHONE)])]),
    )(current);
    expect([...capped]).toEqual([PHONE]);
  });

  it('leaves out campaigns started before the window, this campaign itself, test batches and failed messages', async () => {
    const history = [
      campaignOf('old', 'completed', '2019-12-31T23:00:00Z'),
      campaignOf('a', 'cancelled', '2020-01-01T12:00:00Z'),
      campaignOf('never', 'paused'),
      current,
    ];
    const batches = [
      batchOf('old', [message(PHONE)]),
      batchOf('a', [message(PHONE), message(OTHER, 'failed')]),
      batchOf('a', [message(OTHER)], true),
      batchOf('never', [message(OTHER)]),
      batchOf('now', [message(PHONE), message(OTHER)]),
    ];
    expect([...(await frequencyCappedPhones(deps(history, batches))(current))]).toEqual([]);
    // One message inside the window reaches a cap of one.
    const one = await frequencyCappedPhones(deps(history, batches, { messages: 1, hours: 24 }))(current);
    expect([...one]).toEqual([PHONE]);
  });

  it('counts every status that handed messages over, across pages', async () => {
    const statuses: CampaignStatus[] = ['sending', 'paused', 'completed', 'cancelled', 'failed'];
    const history = statuses.flatMap((status, n) =>
      [0, 1, 2].map((k) => campaignOf(`${status}${k}`, status, `2020-01-01T0${n}:0${k}:00Z`)),
    );
    const batches = history.map((c) => batchOf(c.id, [message(PHONE)]));
    const capped = await frequencyCappedPhones(deps(history, batches, { messages: 15, hours: 24 }))(current);
    expect([...capped]).toEqual([PHONE]);
  });
});
