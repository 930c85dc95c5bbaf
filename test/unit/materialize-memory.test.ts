import { describe, expect, it } from 'vitest';
import type { AudienceMember } from '#core/audience.js';
import type { Campaign } from '#core/campaign.js';
import type { Batch } from '#core/dispatch/batch.js';
import { PLAN_SLICE, materializeCampaign, type MaterializeDeps } from '#core/dispatch/materialize.js';
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

/** What every run here shares, fresh for each: no opt-out, cap or ported number, nothing indexed, one owner, a fixed clock. */
const inMemory = () =>
  ({
    queue: { enqueue: () => Promise.resolve() },
    progress: memoryProgress(),
    optedOut: () => Promise.resolve(new Set<string>()),
    cappedPhones: () => Promise.resolve(new Set<string>()),
    portedCarriers: () => Promise.resolve(new Map()),
    indexRecipients: () => Promise.resolve(),
    recordSuppressed: () => Promise.resolve(),
    now: () => new Date('2027-07-30T01:00:00Z'),
    leaseMs: 60_000,
    newLeaseOwner: () => 'run-1',
  }) satisfies Partial<MaterializeDeps>;

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
        partners: () => Promise.resolve([partnerView('p1', ['viettel'], { maxBatchSize: 1 })]),
        shortCodes: () =>
          Promise.resolve((seq) => {
            codesDrawn++;
            return `code-${seq}`;
          }),
        hasLink: () => true,
        aggregateCode: () => Promise.reject(new Error('a per-recipient campaign has no aggregate code')),
        ...inMemory(),
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

  /** Two audiences of 25,000 (every tenth phone in both), read 250 a page, sent by two partners. */
  const AUDIENCE = 25_000;
  const PAGE = 250;
  const phoneOf = (n: number) => `+8498${String(n).padStart(7, '0')}`;
  const audience = (first: number): AudienceMember[] =>
    Array.from({ length: AUDIENCE }, (_, i) => ({
      phone: phoneOf(i % 10 ? first + i : i),
      carrier: i % 3 ? 'viettel' : 'mobifone',
    }));
  const audiences: Record<string, AudienceMember[]> = { a1: audience(0), a2: audience(AUDIENCE) };
  const everyone = new Set(Object.values(audiences).flatMap((list) => list.map((m) => m.phone)));
  const large = { ...campaign, message: 'Gọi 111 (miễn phí).', audienceIds: ['a1', 'a2'] } as Campaign;

  /** A run on an in-memory table holding `table`; `putNewBatches` throws at its `crashAt`th call. */
  const largeRun = (table: Batch[], crashAt = Infinity) => {
    let read = 0;
    let puts = 0;
    const readAtFirstWrite: number[] = [];
    const deps: MaterializeDeps = {
      audiences: {
        getAudience: () => Promise.resolve(undefined),
        members: async function* (id) {
          const list = audiences[id] ?? [];
          for (let i = 0; i < list.length; i += PAGE) {
            read += Math.min(PAGE, list.length - i);
            yield list.slice(i, i + PAGE);
          }
        },
      },
      batches: {
        listBatches: async function* () {
          yield [...table];
        },
        putNewBatches: (slice: readonly Batch[]) => {
          if (++puts >= crashAt) return Promise.reject(new Error('crashed'));
          if (!readAtFirstWrite.length) readAtFirstWrite.push(read);
          table.push(...slice);
          return Promise.resolve(slice.length);
        },
      } as Pick<BatchStore, 'listBatches' | 'putNewBatches'> as BatchStore,
      partners: () =>
        Promise.resolve([
          partnerView('p1', ['viettel'], { maxBatchSize: 100 }),
          partnerView('p2', ['mobifone'], { maxBatchSize: 100 }),
        ]),
      shortCodes: () => Promise.reject(new Error('no link')),
      hasLink: () => false,
      aggregateCode: () => Promise.reject(new Error('no link')),
      ...inMemory(),
    };
    return { run: () => materializeCampaign(deps, large), readAtFirstWrite };
  };
  const recipientsOf = (table: readonly Batch[]) => table.flatMap((b) => b.messages.map((m) => m.to));

  it('writes the first batches once a plan slice of recipients is read, not once the whole campaign is', async () => {
    const table: Batch[] = [];
    const { run, readAtFirstWrite } = largeRun(table);

    expect(await run()).toMatchObject({ status: 'finished', progress: { totalBatches: table.length } });
    expect(readAtFirstWrite[0]).toBeLessThanOrEqual(PLAN_SLICE + PAGE);
    // Each phone once; full batches but the last of each partner, as if planned at once.
    expect(recipientsOf(table).sort()).toEqual([...everyone].sort());
    const perPartner = (id: string) => table.filter((b) => b.partnerId === id);
    for (const id of ['p1', 'p2'])
      expect(perPartner(id).filter((b) => b.messages.length < 100).length).toBeLessThanOrEqual(1);
    expect(new Set(table.map((b) => b.seq)).size).toBe(table.length);
  });

  it('resumes a run that crashed between plan slices: each phone in one batch, no number twice', async () => {
    const table: Batch[] = [];
    // The second slice's first write: the first slice's batches are in the table, its carried ones not.
    await expect(largeRun(table, 2).run()).rejects.toThrow('crashed');
    expect(table.length).toBeGreaterThan(0);

    expect(await largeRun(table).run()).toMatchObject({
      status: 'finished',
      progress: { totalBatches: table.length },
    });
    expect(recipientsOf(table).sort()).toEqual([...everyone].sort());
    expect(new Set(table.map((b) => b.seq)).size).toBe(table.length);
  });
});
