import { describe, expect, it } from 'vitest';
import type { AudienceMember } from '../../functions/core/audience.js';
import type { Campaign } from '../../functions/core/campaign.js';
import type { Batch } from '../../functions/core/dispatch/batch.js';
import {
  materializeCampaign,
  type MaterializeDeps,
  type Progress,
  type SuppressedRecipient,
} from '../../functions/core/dispatch/materialize.js';
import type { PartnerView } from '../../functions/core/partner.js';

const campaign = {
  id: 'c1',
  message: 'Gọi 111 (miễn phí).',
  audienceIds: ['a1'],
  estimate: { segmentsPerMessage: 1 },
} as Campaign;

const members: AudienceMember[] = ['+84981000001', '+84981000002', '+84981000003'].map((phone) => ({
  phone,
  carrier: 'viettel',
}));

const partner = {
  id: 'p1',
  carriers: ['viettel'],
  enabled: true,
  tps: 100,
  maxBatchSize: 100,
} as PartnerView;

/** A materialisation run over `written` (what an interrupted run had already put in the table). */
const run = async (written: Batch[], optedOut: string[]) => {
  const batches = [...written];
  const suppressed: SuppressedRecipient[] = [];
  let progress: Progress | undefined;
  const deps: MaterializeDeps = {
    audiences: {
      getAudience: () => Promise.resolve(undefined),
      members: async function* () {
        yield members;
      },
    },
    batches: {
      putBatches: (list) => {
        batches.push(...list);
        return Promise.resolve();
      },
      get: () => Promise.resolve(undefined),
      claim: () => Promise.resolve(undefined),
      settle: () => Promise.resolve(true),
      release: () => Promise.resolve(true),
      due: () => Promise.resolve([]),
      listBatches: async function* () {
        yield written;
      },
    },
    queue: { enqueue: () => Promise.resolve() },
    progress: {
      get: () => Promise.resolve(progress),
      finish: (_id, totals) => {
        progress = { materialized: true, ...totals };
        return Promise.resolve(true);
      },
    },
    optedOut: () => Promise.resolve(new Set(optedOut)),
    cappedPhones: () => Promise.resolve(new Set()),
    partners: () => Promise.resolve([partner]),
    shortCodes: () => Promise.resolve((seq) => `code${seq}`),
    hasLink: () => false,
    portedCarriers: () => Promise.resolve(new Map()),
    indexRecipients: () => Promise.resolve(),
    recordSuppressed: (_id, list) => {
      suppressed.splice(0, suppressed.length, ...list);
      return Promise.resolve();
    },
    now: () => new Date('2027-07-30T01:00:00Z'),
  };
  const result = await materializeCampaign(deps, campaign);
  return { result, batches, suppressed };
};

describe('materialisation after a restart', () => {
  it('counts a phone once: batched before the crash and opted out since, it stays in its batch and is not also suppressed', async () => {
    const first = await run([], []);
    const beforeCrash = first.batches.filter((b) => b.messages.some((m) => m.to === '+84981000001'));
    expect(beforeCrash).toHaveLength(1);

    const again = await run(beforeCrash, ['+84981000001']);
    const messages = again.batches.flatMap((b) => b.messages.map((m) => m.to));
    const targeted = messages.length + again.suppressed.length;

    expect(targeted).toBe(members.length);
    expect(again.suppressed.map((s) => s.to)).not.toContain('+84981000001');
    expect(again.result.suppressed).toBe(0);
  });
});
