import {
  crowdedBy,
  pacingFor,
  recordLateSend,
  reserve,
  reserveHorizonMs,
  SAFETY_MARGIN_MS,
  shareOf,
  withAnswer,
  type Move,
  type Reservation,
} from './pacing.js';
import type { RateLimiter } from './ports.js';

/** A partner's pacing as shared: its reservation log, and when its next batch is due on the even schedule. */
export interface RatePace {
  log: Reservation[];
  dueAt?: number | undefined;
}

/** A partner's pacing as stored, with the version its conditional write is made on. */
export interface StoredRateLog extends RatePace {
  ver: number;
}

/** Where the shared reservation logs live (one DynamoDB item per partner in AWS and locally). */
export interface RateLogStore {
  read(partnerId: string): Promise<StoredRateLog>;
  /** Writes `pace` as version `ver + 1` if the stored one is still `ver`; false when another writer was first. */
  write(partnerId: string, pace: RatePace, ver: number, keepUntil: Date): Promise<boolean>;
}

export interface SharedRateLimiterDeps {
  store: RateLogStore;
  /** Epoch ms. */
  now: () => number;
  sleep: (ms: number) => Promise<void>;
  random: () => number;
  marginMs?: number;
}

/**
 * A batch smaller than one that this process's consumers are waiting to send to the same partner lets it go
 * first, for at most this long after it first asked. The short batch is the last of a plan (11 of 50 and one
 * of 42 at 50 TPS): reserved before full ones, it leaves a window under-filled and the full ones after it
 * wait a whole window for each; last, it costs nothing (the bench's 50 TPS run: 0.966 of tps, the ceiling
 * 0.980). Bounded well within a batch's lease, so a steady stream of full batches cannot hold it for long.
 */
export const YIELD_TO_LARGER_MS = 5_000;

/** How long a log is kept after its last write (it only matters for a window). */
const KEEP_LOG_MS = 3_600_000;
const MAX_WRITE_ATTEMPTS = 200;

/**
 * The pacing log of pacing.ts shared through a store, one conditional write per batch on the log's version.
 * A moment is reserved ahead of now by the lead (twice the store's write round trip, smoothed, at least
 * 50 ms), so the batch is not already late when the write returns. The lead with the read before it is
 * answered with every reservation, so a consumer told to ask again knows how early to ask (the horizon
 * counts from when the log has been read + lead).
 */
export const sharedRateLimiter = ({
  store,
  now,
  sleep,
  random,
  marginMs = SAFETY_MARGIN_MS,
}: SharedRateLimiterDeps): RateLimiter => {
  const { windowMs, lateToleranceMs } = pacingFor(marginMs);
  // This process's consumers told to ask again, by partner: their batch's size, since when it has waited,
  // and until when it is expected back (one stopped while it waited never comes back).
  const backlog = new Map<string, { size: number; since: number; until: number }[]>();
  // How long this process's recent batches to each partner took to be answered, ms (oldest first).
  const answers = new Map<string, number[]>();
  let writeMs = 25;
  let readMs = 10;
  const leadMs = () => Math.min(1000, Math.max(50, 2 * writeMs));
  const read = async (partnerId: string) => {
    const started = now();
    const log = await store.read(partnerId);
    readMs = (readMs * 3 + (now() - started)) / 4;
    return log;
  };
  // Consumers in one process (the local dispatcher; a Lambda has one) never race each other on a
  // partner's log: what they ask while a read and write are under way is done together in the next read
  // and write. One at a time, a busy partner's consumers queued behind a round trip each (10 batches a
  // second of 2 round trips of 80 ms is more than a second's work: the partner idled while they waited).
  type Next = (pace: RatePace) => { pace: RatePace; at: number } | undefined;
  const waiting = new Map<string, { next: Next; done: () => void; failed: (error: unknown) => void }[]>();
  const changing = new Set<string>();
  // The records this process made (late sends, late arrivals), numbered in the order they are asked, kept
  // for two windows; and by partner and reserved moment, how many had been asked when it was reserved: a
  // reservation asked after a record is placed after it (one queue), one asked before counted on the old
  // moment. Kept from when a record is asked, not when it lands: a batch due before it lands (a round trip
  // or more) would crowd the batch it moved as much as one due after.
  let recordsAsked = 0;
  const moves = new Map<string, { move: Move; asked: number; madeAt: number }[]>();
  const recordsSeen = new Map<string, Map<number, number>>();
  const submit = (partnerId: string, next: Next) =>
    new Promise<void>((done, failed) => {
      const queue = waiting.get(partnerId) ?? [];
      queue.push({ next, done, failed });
      waiting.set(partnerId, queue);
      if (!changing.has(partnerId)) void work(partnerId);
    });
  const work = async (partnerId: string) => {
    changing.add(partnerId);
    try {
      for (let queue = waiting.get(partnerId); queue?.length; queue = waiting.get(partnerId)) {
        waiting.delete(partnerId);
        const all: Next = (pace) => {
          let changed: { pace: RatePace; at: number } | undefined;
          for (const { next } of queue ?? []) {
            const step = next(changed?.pace ?? pace);
            if (step) changed = { pace: step.pace, at: Math.max(step.at, changed?.at ?? step.at) };
          }
          return changed;
        };
        try {
          await change(partnerId, all);
          for (const { done } of queue) done();
        } catch (error) {
          for (const { failed } of queue) failed(error);
        }
      }
    } finally {
      changing.delete(partnerId);
    }
  };
  /**
   * Reads the partner's log and writes what `next` makes of it (nothing when it answers undefined), on the
   * log's version; when another writer (another process) was first, reads its log and asks `next` again.
   */
  const change = async (partnerId: string, next: Next): Promise<void> => {
    let current = await read(partnerId);
    for (let attempt = 1; ; attempt++) {
      const started = now();
      const changed = next(current);
      if (!changed) return;
      const keepUntil = new Date(changed.at + KEEP_LOG_MS);
      if (await store.write(partnerId, changed.pace, current.ver, keepUntil)) {
        writeMs = (writeMs * 3 + (now() - started)) / 4;
        return;
      }
      if (attempt >= MAX_WRITE_ATTEMPTS) throw new Error(`pacing log of ${partnerId} kept changing`);
      // Many consumers (of several processes) of one busy partner collide often: each waits a little
      // (jittered, growing) before trying again.
      await sleep(Math.floor(random() * Math.min(50, 2 * attempt)));
      current = await read(partnerId);
    }
  };

  return {
    lateToleranceMs,
    windowMs,
    reserve: (partnerId, size, tps, at, { replacing, horizonMs, waitingSince } = {}) =>
      (async () => {
        let answer = { at, reserved: false, leadMs: readMs + leadMs() };
        const seen = recordsAsked;
        await submit(partnerId, ({ log, dueAt }) => {
          const lead = leadMs();
          const clock = now();
          const since = waitingSince?.getTime() ?? clock;
          const waiting = (backlog.get(partnerId) ?? []).filter((w) => w.until > clock);
          const own = waiting.findIndex((w) => w.since === since && w.size === size);
          if (own >= 0) waiting.splice(own, 1);
          backlog.set(partnerId, waiting);
          const next = reserve(log, Math.max(at.getTime(), clock) + lead, size, tps, {
            windowMs,
            dueAt,
            ...(replacing ? { replacing: replacing.getTime() } : {}),
            ...(horizonMs === undefined ? {} : { horizonMs: reserveHorizonMs(lead, horizonMs) }),
          });
          const yields = clock - since < YIELD_TO_LARGER_MS && waiting.some((w) => w.size > size);
          const reserved = next.reserved && !yields;
          // Asked again, the moment counts from after the read: that is part of the lead for the one asking.
          answer = { at: new Date(next.at), reserved, leadMs: readMs + lead };
          if (reserved) {
            const seenBy = new Map(
              [...(recordsSeen.get(partnerId) ?? [])].filter(([m]) => m > clock - 2 * windowMs),
            );
            // Keyed as the batch will ask: by its moment as a Date (whole ms).
            const moment = answer.at.getTime();
            seenBy.set(moment, Math.min(seen, seenBy.get(moment) ?? seen));
            recordsSeen.set(partnerId, seenBy);
            return { pace: { log: next.log, dueAt: next.dueAt }, at: next.at };
          }
          // Too far ahead to reserve yet, or yielding: a read, no write. The ones of this process waiting
          // since before it take the moments before its own on the even schedule, so it asks again shortly
          // before its turn (told the first free moment, each of 1,000 TPS's 20 consumers asked again for
          // every 102 ms moment: 14 reads a batch).
          const turn = waiting
            .filter((w) => w.since < since)
            .reduce((sum, w) => sum + shareOf(w.size, tps, windowMs), 0);
          answer = { ...answer, at: new Date(next.at + turn) };
          waiting.push({ size, since, until: next.at + turn + windowMs });
          return undefined;
        });
        return answer;
      })(),
    sentLate: (partnerId, size, reservedAt, sentAt) => {
      const clock = now();
      const recent = (moves.get(partnerId) ?? []).filter(({ madeAt }) => madeAt > clock - 2 * windowMs);
      const move: Move = [reservedAt.getTime(), sentAt.getTime()];
      moves.set(partnerId, [...recent, { move, asked: ++recordsAsked, madeAt: clock }]);
      return submit(partnerId, ({ log, dueAt }) => ({
        pace: { log: recordLateSend(log, reservedAt.getTime(), sentAt.getTime(), size, windowMs), dueAt },
        at: sentAt.getTime(),
      }));
    },
    answeredIn: (partnerId, answerMs) => {
      const { recent, slowerByMs } = withAnswer(answers.get(partnerId) ?? [], answerMs, marginMs);
      answers.set(partnerId, recent);
      return slowerByMs;
    },
    crowded: (partnerId, at) => {
      // A moment not known here (reserved by an earlier limiter) is judged by every record.
      const seen = recordsSeen.get(partnerId)?.get(at.getTime()) ?? 0;
      const unseen = (moves.get(partnerId) ?? []).filter(({ asked }) => asked > seen);
      return crowdedBy(
        unseen.map(({ move }) => move),
        at.getTime(),
        windowMs,
      );
    },
  };
};
