import { describe, expect, it } from 'vitest';
import type { AudienceMember } from '#core/audience.js';
import type { Campaign } from '#core/campaign.js';
import type { Batch } from '#core/dispatch/batch.js';
import { leaseLive, sweepMaterializes } from '#core/dispatch/materialize-lease.js';
import {
  materializeRun,
  memoryProgress,
  partnerView,
  zeroProgress,
  type MaterializeRunOptions,
} from './fixtures.js';

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

const partner = partnerView('p1');

/** A materialisation run over `written` (what an interrupted run had already put in the table). */
const run = (written: Batch[], optedOut: string[], options: Partial<MaterializeRunOptions> = {}) =>
  materializeRun(campaign, { members: () => members, partners: [partner], written, optedOut, ...options });

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
    expect(again.result).toMatchObject({ status: 'finished', progress: { suppressed: 0 } });
  });
});

describe('the materialisation lease', () => {
  const at = (iso: string) => () => new Date(iso);

  it('leaves a campaign to the run whose lease is live, writing nothing', async () => {
    const progress = memoryProgress({
      progress: { ...zeroProgress, lease: { owner: 'event-run', until: '2027-07-30T01:01:00Z' } },
    });
    const sweep = await run([], [], { progress, now: at('2027-07-30T01:00:30Z'), owner: 'sweep' });

    expect(sweep.result).toEqual({
      status: 'busy',
      lease: { owner: 'event-run', until: '2027-07-30T01:01:00Z' },
    });
    expect(sweep.batches).toEqual([]);
  });

  it('takes over an expired lease, resumes after the batches written, and gives the lease up at the end', async () => {
    const first = await run([], []);
    const [crashedAfter] = first.batches;
    if (!crashedAfter) throw new Error('no batch');
    const progress = memoryProgress({
      progress: { ...zeroProgress, lease: { owner: 'crashed', until: '2027-07-30T01:01:00Z' } },
    });
    const sweep = await run([crashedAfter], [], {
      progress,
      now: at('2027-07-30T01:01:00Z'),
      owner: 'sweep',
    });

    expect(sweep.result).toMatchObject({ status: 'finished', progress: { totalBatches: 1 } });
    expect(sweep.batches).toEqual([crashedAfter]);
    expect(progress.state.progress?.lease).toBeUndefined();
  });

  it('keeps its lease through a step longer than the lease while it is at work, so the sweep takes nothing over', async () => {
    const progress = memoryProgress();
    const startedAt = '2027-07-30T01:00:00.000Z';
    let clock = Date.parse(startedAt);
    const beats: (() => Promise<void>)[] = [];
    const sweepWouldTakeOver: boolean[] = [];
    const slow = await run([], [], {
      progress,
      now: () => new Date(clock),
      heartbeat: (_everyMs, beat) => {
        beats.push(beat);
        return () => void beats.splice(0);
      },
      // The slice's index writes take three minutes (a loaded store): the heartbeat beats every 20 s meanwhile.
      indexRecipients: async () => {
        for (let elapsed = 0; elapsed < 180_000; elapsed += 20_000) {
          clock += 20_000;
          for (const beat of beats) await beat();
          sweepWouldTakeOver.push(
            sweepMaterializes(progress.state.progress, startedAt, new Date(clock), 60_000),
          );
        }
      },
    });

    expect(sweepWouldTakeOver).toEqual(Array.from({ length: 9 }, () => false));
    expect(slow.result).toMatchObject({ status: 'finished' });
    expect(beats).toEqual([]);
  });

  it('stops when another run has taken its lease over, and never replaces that run’s batches', async () => {
    const progress = memoryProgress();
    let minute = 0;
    // The clock jumps a minute at every look: the lease is due for renewal each time.
    const now = () => new Date(Date.UTC(2027, 6, 30, 1, minute++));
    const original = progress.renewLease;
    progress.renewLease = async (id, lease) => {
      // Another run took the lease over while this one stalled.
      progress.state.progress = {
        ...(progress.state.progress ?? zeroProgress),
        lease: { owner: 'taker', until: '2099-01-01T00:00:00Z' },
      };
      return original(id, lease);
    };
    const stalled = await run([], [], { progress, now, owner: 'stalled' });

    expect(stalled.result).toEqual({ status: 'superseded' });
    expect(stalled.batches).toEqual([]);
    expect(leaseLive(progress.state.progress?.lease, new Date('2027-07-30T02:00:00Z'))).toBe(true);
  });
});

describe('materialisation beside other work', () => {
  it('gives the process a turn between chunks of members: a timer due meanwhile runs before the batches are written', async () => {
    const many: AudienceMember[] = Array.from({ length: 1000 }, (_, i) => ({
      phone: `+8498${String(1_000_000 + i)}`,
      carrier: 'viettel',
    }));
    let writtenWhenTimerRan: number | undefined;
    let written = 0;
    // Every store here answers at once (no I/O): without turns the whole run is one task, the timer after it.
    setImmediate(() => (writtenWhenTimerRan = written));
    const { result, batches } = await materializeRun(campaign, {
      members: () => many,
      partners: [partner],
      chunkSize: 250,
      nextTurn: () => new Promise((resolve) => setImmediate(resolve)),
      onWritten: (list) => (written += list.length),
    });
    expect(result.status).toBe('finished');
    expect(batches.flatMap((b) => b.messages)).toHaveLength(1000);
    expect(writtenWhenTimerRan).toBe(0);
  });
});

describe('materialisation and the recipient index', () => {
  it('indexes every batch before writing it, for its own run: a reply to a batch claimed at once finds its campaign', async () => {
    const indexed = new Set<string>();
    const runs = new Set<string>();
    const notIndexedWhenWritten: string[] = [];
    let written = 0;
    await run([], [], {
      owner: 'run-7',
      indexRecipients: (_id, _at, list, indexingRun) => {
        runs.add(indexingRun);
        for (const batch of list) for (const m of batch.messages) indexed.add(`${m.to}:${batch.seq}`);
        return Promise.resolve();
      },
      onWritten: (list) => {
        for (const batch of list.filter((b) => b.status === 'queued')) {
          written++;
          for (const m of batch.messages)
            if (!indexed.has(`${m.to}:${batch.seq}`)) notIndexedWhenWritten.push(`${m.to}:${batch.seq}`);
        }
      },
    });

    expect(written).toBeGreaterThan(0);
    expect(notIndexedWhenWritten).toEqual([]);
    expect([...runs]).toEqual(['run-7']);
  });
});
