import type { Batch, BatchMessage, BatchStatus } from './batch.js';

export interface BatchRef {
  campaignId: string;
  seq: number;
}

/** A batch's new state does not fit in its item (DynamoDB's 400 KB), so it was not saved. */
export class OutcomeTooLargeError extends Error {
  readonly code = 'outcome_too_large';
  constructor(readonly batch: BatchRef) {
    super(`The outcome of batch ${batch.campaignId}.${batch.seq} is too large to save`);
    this.name = 'OutcomeTooLargeError';
  }
}

/** Where batches live and how their state moves; DynamoDB implements it with conditional writes. */
export interface BatchStore {
  /** Writes new batches (materialisation; idempotent for the same batches). */
  putBatches(batches: Batch[]): Promise<void>;
  /**
   * Adds new batches in order and never replaces one that exists (materialisation): stops at the first
   * batch whose number is taken and answers how many were added (all of `batches` but the rest from there).
   */
  putNewBatches(batches: readonly Batch[]): Promise<number>;
  get(ref: BatchRef): Promise<Batch | undefined>;
  /** queued (due) or handing with an expired lease → handing, leased to the caller; undefined if not claimable. */
  claim(ref: BatchRef, now: Date, leaseMs: number): Promise<Batch | undefined>;
  /**
   * handing (our lease) → pending/failed/cancelled with the messages' new states, counted in the campaign's
   * progress (`settledBatches`) in the same write unless it is a test send. False if the lease was lost.
   * Conditional on the batch's `ver` too: when a delivery report changed the batch since the claim, the
   * report's message states are merged in (`mergeSettle`). `charge`: the accepting partner's price per
   * segment, kept on the batch for the campaign's cost. `handedTo`: the partner this claim POSTed the batch
   * to, added to the batch's `handedTo`. Throws `OutcomeTooLargeError` when the new state does not fit in
   * the item.
   */
  settle(
    batch: Batch,
    status: Exclude<BatchStatus, 'queued' | 'handing'>,
    messages: BatchMessage[],
    now: Date,
    charge?: { price: number; currency: string },
    handedTo?: string,
  ): Promise<boolean>;
  /**
   * handing (our lease) → queued again, for a partner and not before `availableAt`. `handedTo`: the partner
   * this claim POSTed the batch to (it may have taken it, e.g. a timeout), added to the batch's `handedTo`.
   */
  release(
    batch: Batch,
    next: { partnerId: string; attempt: number; availableAt: Date; handedTo?: string },
    now: Date,
  ): Promise<boolean>;
  /** Batches of a partner due at `now` (the local queue; in AWS, SQS carries the refs). */
  due(partnerId: string, now: Date, limit: number): Promise<BatchRef[]>;
  /** Every batch of a campaign (materialisation restart, completion, reports). */
  listBatches(campaignId: string): AsyncIterable<Batch[]>;
}

/** The shared per-partner reservation log behind pacing (see pacing.ts), one conditional write per batch. */
export interface RateLimiter {
  /**
   * Reserves the earliest moment, not before `now` and the partner's even schedule, at which `size`
   * messages keep every rolling window of the partner at ≤ tps, and answers it (wait for it, then send) —
   * unless that moment is more than `leadMs` and `horizonMs` (at least `leadMs`: `reserveHorizonMs`) ahead:
   * then nothing is reserved (`reserved` false) and the moment as it stands is answered, to ask again shortly
   * before it. `replacing`: the moment this batch reserved before and could not keep
   * (it woke too late and sent nothing), taken back in the same write. `leadMs`: how far beyond `now`
   * the earliest moment is (the write's round trip), so that one told to ask again asks early enough.
   * `waitingSince`: when this batch first asked (a smaller batch lets a larger one waiting go first).
   */
  reserve(
    partnerId: string,
    size: number,
    tps: number,
    now: Date,
    options?: { replacing?: Date; horizonMs?: number; waitingSince?: Date },
  ): Promise<{ at: Date; reserved: boolean; leadMs: number }>;
  /**
   * The batch of `size` that reserved `reservedAt` went out at `sentAt`, later than the tolerance: it is
   * counted from then on (pacing.ts `recordLateSend`), one more write for that batch only.
   */
  sentLate(partnerId: string, size: number, reservedAt: Date, sentAt: Date): Promise<void>;
  /**
   * A batch's answer took `answerMs` from when it went out: kept among the partner's recent answers in this
   * process, and answered how much longer it took than the fastest of them (pacing.ts `withAnswer`). A
   * limiter that keeps none (a test's) is not told, and no batch is counted later for its answer.
   */
  answeredIn?(partnerId: string, answerMs: number): number;
  /**
   * Whether the batch that reserved `at` would now crowd the window ending at its moment: a late send or a
   * late arrival this process recorded since (written or not yet) moved another batch into it from before
   * (pacing.ts `crowdedBy`). Such a batch gives its moment back and reserves again. A limiter that keeps
   * no records (a test's) is not asked.
   */
  crowded?(partnerId: string, at: Date): boolean;
  /** How long after its moment a batch may still be sent (half the safety margin; see pacing.ts). */
  readonly lateToleranceMs: number;
  /** The rolling window the log keeps (1 s and the safety margin). */
  readonly windowMs: number;
}

export interface HandOverRequest {
  url: string;
  secret: string;
  webhookId: string;
  body: string;
  timeoutMs: number;
  /**
   * Called once the request has gone out (written to the network, after any connection set-up), with that
   * moment: what the partner's arrival follows. A transport that cannot tell does not call it.
   */
  onSent?: (at: Date) => void;
}

/** Sends a signed `sms.send` batch; answers the partner's status, or an error when there was none. */
export interface PartnerTransport {
  send(
    request: HandOverRequest,
  ): Promise<{ status?: number; error?: string; retryAfter?: string | null; body?: unknown }>;
}

/**
 * Tells consumers that batches are ready: SNS (filtered per partner into SQS) in AWS; nothing locally,
 * where each partner's queue is the index of its due batches in the table.
 */
export interface BatchQueue {
  enqueue(refs: (BatchRef & { partnerId: string })[]): Promise<void>;
}
