import type { Batch } from '#core/dispatch/batch.js';
import type { BatchStore } from '#core/dispatch/ports.js';
import type { Partner, PartnerView } from '#core/partner.js';

/** An enabled webhook partner of `carriers` (Viettel unless said), free, 100 TPS, created on 1 January 2027. */
export const partnerView = (
  id: string,
  carriers: PartnerView['carriers'] = ['viettel'],
  extra: Partial<PartnerView> = {},
): PartnerView => ({
  id,
  name: id,
  kind: 'webhook',
  webhookUrl: `https://${id}.example/sms`,
  carriers,
  tps: 100,
  maxBatchSize: 100,
  senderId: 'BOCONGAN',
  pricePerSegment: 0,
  currency: 'VND',
  enabled: true,
  createdAt: '2027-01-01T00:00:00.000Z',
  updatedAt: '2027-01-01T00:00:00.000Z',
  secretRotatedAt: '2027-01-01T00:00:00.000Z',
  ...extra,
});

/** The same partner as stored, with one signing secret. */
export const storedPartner = (id: string, extra: Partial<Partner> = {}): Partner => ({
  ...partnerView(id),
  secrets: [{ secret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw' }],
  ...extra,
});

/**
 * The batches a materialisation writes, kept in memory: `written` is what an earlier run left in the table
 * (what `listBatches` reads back); new batches are only ever added, stopping at a taken number as the table
 * does. Claims and settles are not the materialiser's business and find nothing.
 */
export const memoryBatches = (written: readonly Batch[] = []): { batches: Batch[]; store: BatchStore } => {
  const batches = [...written];
  const store: BatchStore = {
    putBatches: (list) => {
      batches.push(...list);
      return Promise.resolve();
    },
    putNewBatches: (list) => {
      const taken = list.findIndex((b) => batches.some((other) => other.seq === b.seq));
      const fresh = taken < 0 ? list : list.slice(0, taken);
      batches.push(...fresh);
      return Promise.resolve(fresh.length);
    },
    get: () => Promise.resolve(undefined),
    claim: () => Promise.resolve(undefined),
    settle: () => Promise.resolve(true),
    release: () => Promise.resolve(true),
    due: () => Promise.resolve([]),
    listBatches: async function* () {
      yield [...written];
    },
  };
  return { batches, store };
};
