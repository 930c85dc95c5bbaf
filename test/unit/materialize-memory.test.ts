import { describe, expect, it } from 'vitest';
import type { AudienceMember } from '#core/audience.js';
import type { Campaign } from '#core/campaign.js';
import type { Batch } from '#core/dispatch/batch.js';
import { materializeCampaign } from '#core/dispatch/materialize.js';
import type { BatchStore } from '#core/dispatch/ports.js';
import { memoryProgress, partnerView } from './fixtures.js';

const campaign = {
  id: 'c1',
  message: 'Gọi 111 {{link:https://bocongan.gov.vn/111}}',
  audienceIds: ['a1'],
  estimate: { segmentsPerMessage: 1 },
  clickTracking: 'recipient',
} as Campaign;

/** Batches are written 200 at a time; batches of one recipient make 450 recipients three slices. */
const RECIPIENTS = 450;
const SLICE = 200;

const members: AudienceMember[] = Array.from({ length: RECIPIENTS }, (_, i) => ({
  phone: `+8498${String(1_000_000 + i).padStart(7, '0')}`,
  carrier: 'viettel',
  province: 'Hà Giang',
}));

describe('materialising a large campaign', () => {
  it('makes each slice’s batch items only when it writes them, so a campaign’s messages are never all held as batches at once', async () => {
    // A short-link code is drawn for each message as its batch item is made: counting them when each
    // slice is written shows how many batch items exist then.
    let codesDrawn = 0;
    const drawnAtEachWrite: number[] = [];
    const written: Batch[] = [];
    const store = {
      listBatches: async function* () {},
      putNewBatches: (slice: readonly Batch[]) => {
        drawnAtEachWrite.push(codesDrawn);
        written.push(...slice);
        return Promise.resolve(slice.length);
      },
    } as Pick<BatchStore, 'listBatches' | 'putNewBatches'> as BatchStore;
    const result = await materializeCampaign(
      {
        audiences: {
          getAudience: () => Promise.resolve(undefined),
          members: async function* () {
            yield members;
          },
        },
        batches: store,
        queue: { enqueue: () => Promise.resolve() },
        progress: memoryProgress(),
        optedOut: () => Promise.resolve(new Set()),
        cappedPhones: () => Promise.resolve(new Set()),
        partners: () => Promise.resolve([partnerView('p1', ['viettel'], { maxBatchSize: 1 })]),
        shortCodes: () =>
          Promise.resolve((seq) => {
            codesDrawn++;
            return `code-${seq}`;
          }),
        hasLink: () => true,
        aggregateCode: () => Promise.reject(new Error('a per-recipient campaign has no aggregate code')),
        portedCarriers: () => Promise.resolve(new Map()),
        indexRecipients: () => Promise.resolve(),
        recordSuppressed: () => Promise.resolve(),
        now: () => new Date('2027-07-30T01:00:00Z'),
        leaseMs: 60_000,
        newLeaseOwner: () => 'run-1',
      },
      campaign,
    );

    expect(result.status).toBe('finished');
    expect(drawnAtEachWrite).toEqual([SLICE, 2 * SLICE, RECIPIENTS]);
    // The same batches as ever: one recipient each, in phone order, numbered from 0, each with its code.
    expect(written.map((b) => b.seq)).toEqual(members.map((_, i) => i));
    expect(written.map((b) => b.messages[0]?.to)).toEqual(members.map((m) => m.phone));
    expect(written.every((b) => b.messages[0]?.code === `code-${b.seq}`)).toBe(true);
    expect(written.every((b) => b.messages[0]?.province === 'Hà Giang')).toBe(true);
  });
});
