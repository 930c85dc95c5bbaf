import type { AudienceMember, AudienceReader } from '#core/audience.js';
import type { Campaign } from '#core/campaign.js';
import { CARRIERS, type Carrier } from '#core/carriers.js';
import type { SuppressionReason } from '#core/metrics/failure-reasons.js';
import type { PartnerView } from '#core/partner.js';
import { routingTable } from '#core/routing.js';
import { batchSizeFor, planBatches, type Batch, type Recipient } from './batch.js';
import {
  MaterializationSupersededError,
  leaseFor,
  mayTakeLease,
  renewalDue,
  type MaterializeLease,
} from './materialize-lease.js';
import { contentPlan, type RecipientContent } from './personalise.js';
import type { BatchQueue, BatchStore } from './ports.js';
import { HOLDOUT, type Group } from '#core/content/assignment.js';
import { DEFAULT_SHORT_LINK_LENGTH } from '#core/sms-encoding.js';
import { audienceFilter } from '#core/audience-filters.js';

export interface Progress {
  materialized: boolean;
  totalBatches: number;
  settledBatches: number;
  suppressed: number;
  capped: number;
  unroutable: number;
  /** Who is materialising the campaign now (see materialize-lease.ts); gone once it has finished. */
  lease?: MaterializeLease;
}

/** A recipient not sent to (opted out, over the frequency cap): a `suppressed` row of the reports. */
export interface SuppressedRecipient {
  to: string;
  carrier: Carrier;
  province?: string;
  reason: SuppressionReason;
}

export interface ProgressStore {
  get(campaignId: string): Promise<Progress | undefined>;
  /**
   * Takes the materialisation lease, unless materialisation has finished or another owner holds a lease
   * still live at `now` (`mayTakeLease`); false then.
   */
  claimLease(campaignId: string, lease: MaterializeLease, now: Date): Promise<boolean>;
  /** Moves the lease's end on, if `lease.owner` still holds it (false once another took it over). */
  renewLease(campaignId: string, lease: MaterializeLease): Promise<boolean>;
  /**
   * Records the end of materialisation once, adding `settledBatches` (the batches that were failed from the
   * start) to those dispatch has settled meanwhile, and gives up the lease; false if it was already
   * recorded, or (with `owner`) if the lease is no longer `owner`'s.
   */
  finish(
    campaignId: string,
    progress: Omit<Progress, 'materialized' | 'lease'>,
    owner?: string,
  ): Promise<boolean>;
}

/**
 * What a run did: finished (by this run or an earlier one); left it to the live lease of another run
 * (`busy`); or stopped half-way because another run took its lease over (`superseded`).
 */
export type MaterializeResult =
  | { status: 'finished'; progress: Progress }
  | { status: 'busy'; lease?: MaterializeLease }
  | { status: 'superseded' };

export interface MaterializeDeps {
  audiences: AudienceReader;
  batches: BatchStore;
  queue: BatchQueue;
  progress: ProgressStore;
  optedOut: () => Promise<Set<string>>;
  /** Phones that already had `messages` campaign messages in the cap's window (contract §6). */
  cappedPhones: (campaign: Campaign) => Promise<Set<string>>;
  partners: () => Promise<PartnerView[]>;
  /**
   * The short-link code maker of a campaign: one unguessable code per recipient, from which `GET /l/{code}`
   * finds the batch (see functions/core/links.ts).
   */
  shortCodes: (campaignId: string) => Promise<(seq: number) => string>;
  /** The campaign's one code when its clicks are counted in aggregate: made once, the same on every call. */
  aggregateCode: (campaignId: string) => Promise<string>;
  hasLink: (message: string) => boolean;
  /** Length of a short link as sent, for each personalised text's segments (default: the local one). */
  shortLinkLength?: number;
  /** Numbers whose carrier a delivery report corrected (number portability): phone → carrier now. */
  portedCarriers: () => Promise<Map<string, Carrier>>;
  /**
   * Writes the recipient index of a slice of batches (one item per last-2-digits bucket), which lets a
   * reply find the campaign it answers. The items are this run's (`run`, its lease owner): a run that
   * indexed a slice and then lost its batch numbers to another run, or crashed before writing them, never
   * overwrites that run's items; an entry is only a candidate, checked against the batch it names.
   */
  indexRecipients: (
    campaignId: string,
    materializedAt: string,
    batches: readonly Batch[],
    run: string,
  ) => Promise<void>;
  /**
   * Records who was suppressed and why (the reports list them), before the progress counts them. Replaces
   * what an earlier, interrupted run recorded.
   */
  recordSuppressed: (
    campaignId: string,
    recipients: readonly SuppressedRecipient[],
    at: string,
  ) => Promise<void>;
  now: () => Date;
  /** How long a lease lasts unless renewed (MATERIALIZE_LEASE_MS). */
  leaseMs: number;
  /**
   * Calls `beat` every `everyMs` until the answered stop is called (a timer in Lambda and locally): the lease
   * is renewed on it while the run is alive, however long one of its steps takes. Without it, only between
   * steps.
   */
  heartbeat?: (everyMs: number, beat: () => Promise<void>) => () => void;
  /** A new, unguessable lease owner token: one per run. */
  newLeaseOwner: () => string;
  /**
   * Lets the process's other work run (a turn of its event loop) between chunks of members. A page of
   * members arrives at once and is read chunk by chunk without waiting on anything: 6,000 recipients kept
   * the local runtime, which hands over batches in the same process, busy for 80–110 ms at a time, and every
   * batch due meanwhile went that late. In Lambda, where nothing else shares the process, it costs a turn.
   */
  nextTurn?: () => Promise<void>;
}

/** Batches written (and indexed) per step. */
const SLICE = 200;

/** Recipients read before they are planned and written: about one step of full batches. */
export const PLAN_SLICE = 20_000;

/** Recipients per batch of those never sent to (unroutable, held out): as a partner batch at most. */
const UNSENT_BATCH_SIZE = batchSizeFor(100, 100);

type ContentRecipient = Recipient & { content: RecipientContent };

/** A batch to write: its partner and routes, its recipients, and what it starts as. */
interface BatchSpec {
  partnerId: string;
  routes: string[];
  list: ContentRecipient[];
  status: 'queued' | 'failed' | 'held';
}

/** `list` in chunks of `size`, one treatment per chunk (batches never mix treatments). */
const chunksByTreatment = <R extends { treatment?: Group }>(list: readonly R[], size: number): R[][] => {
  const byTreatment = new Map<string, R[]>();
  for (const r of list) {
    const group = byTreatment.get(r.treatment ?? '') ?? [];
    group.push(r);
    byTreatment.set(r.treatment ?? '', group);
  }
  return [...byTreatment.values()].flatMap((group) => {
    const chunks: R[][] = [];
    for (let i = 0; i < group.length; i += size) chunks.push(group.slice(i, i + size));
    return chunks;
  });
};

/**
 * A phone as a key of the phones already seen: a Vietnamese mobile's nine digits as a small integer, held
 * in the set itself (a string each: 35 MB more of live heap at 1,000,000 phones), any other phone as itself.
 */
const phoneKey = (phone: string): string | number =>
  /^\+84\d{9}$/.test(phone) ? Number(phone.slice(3)) : phone;

/** The last batch of each kind (status, routes, treatment): part-filled, perhaps. */
const lastOfEachKind = (specs: readonly BatchSpec[]): Set<BatchSpec> => {
  const last = new Map<string, BatchSpec>();
  for (const spec of specs)
    last.set(`${spec.status}|${spec.routes.join(',')}|${spec.list[0]?.treatment ?? ''}`, spec);
  return new Set(last.values());
};

/**
 * Turns a started campaign's audiences into send batches (contract §6, §8): each phone once, the filters
 * applied (`audienceFilter`, as in the estimate), opt-outs and the frequency cap checked now, carrier → partner routing, a short-link code
 * per recipient. A slice of recipients at a time (PLAN_SLICE): read, planned, written, dropped, so only
 * the phones seen (and those suppressed) are kept for the whole run. Restart-safe: the batches already
 * written are the checkpoint — their phones are skipped and numbering goes on after them, so a crash
 * half-way neither loses nor repeats a recipient.
 *
 * One run at a time: a run holds the campaign's lease (materialize-lease.ts) from before its first read to
 * its last write, and renews it as it goes. Should a stalled run outlive its lease while another takes
 * over, batches are still only ever added, never replaced (`putNewBatches`): the first run to write a
 * batch number keeps it, the other stops there, so a batch already handed over is never reset.
 */
export const materializeCampaign = async (
  deps: MaterializeDeps,
  campaign: Campaign,
): Promise<MaterializeResult> => {
  const existing = await deps.progress.get(campaign.id);
  if (existing?.materialized) return { status: 'finished', progress: existing };
  const owner = deps.newLeaseOwner();
  const start = deps.now();
  let lease = leaseFor(owner, start, deps.leaseMs);
  if (
    !mayTakeLease(existing?.lease, owner, start) ||
    !(await deps.progress.claimLease(campaign.id, lease, start))
  )
    return leftToAnother(deps, campaign.id);
  let lost = false;
  const renew = async () => {
    const renewed = leaseFor(owner, deps.now(), deps.leaseMs);
    if (await deps.progress.renewLease(campaign.id, renewed)) lease = renewed;
    else lost = true;
  };
  /** Renews the lease when half of it has gone; throws once another run has taken it over. */
  const keepLease = async () => {
    if (!lost && renewalDue(lease, deps.now(), deps.leaseMs)) await renew();
    if (lost) throw new MaterializationSupersededError(campaign.id);
  };
  // Renewed between steps only, a step longer than half the lease (a slice's writes on a loaded store:
  // 60–140 s on DynamoDB Local in the scale bench) let it lapse while the run was still at work; the sweep
  // then started another run, which read every batch written so far and indexed them again, and lapsed in
  // its turn (issue #17: the 300,000 send never finished materialising). On a timer as well, only a run
  // that has stopped (crashed, timed out) loses it. A failed beat is left to the next one or to keepLease.
  const stopBeating = deps.heartbeat?.(deps.leaseMs / 3, () =>
    lost ? Promise.resolve() : renew().catch(() => undefined),
  );
  try {
    return await materializeHolding(deps, campaign, owner, keepLease);
  } catch (error) {
    if (error instanceof MaterializationSupersededError) return { status: 'superseded' };
    throw error;
  } finally {
    stopBeating?.();
  }
};

const leftToAnother = async (deps: MaterializeDeps, campaignId: string): Promise<MaterializeResult> => {
  const progress = await deps.progress.get(campaignId);
  if (progress?.materialized) return { status: 'finished', progress };
  return { status: 'busy', ...(progress?.lease ? { lease: progress.lease } : {}) };
};

const materializeHolding = async (
  deps: MaterializeDeps,
  campaign: Campaign,
  owner: string,
  keepLease: () => Promise<void>,
): Promise<MaterializeResult> => {
  const at = deps.now().toISOString();
  // Stable across restarts, so a slice's recipient index items get the same keys when written again.
  const materializedAt = campaign.startedAt ?? at;
  // Each phone once: those batched by an earlier, interrupted run are in it from the start, so they are
  // skipped (already counted there, whatever has changed since).
  const seen = new Set<string | number>();
  let nextSeq = 0;
  // Counted, not derived from `nextSeq`: a crash inside a batch write can leave holes in the numbering.
  let writtenBatches = 0;
  // Unroutable batches written before a crash: failed from the start, never dispatched, so never counted.
  let unroutableBefore = { batches: 0, messages: 0 };
  // Holdout batches likewise: settled from the start, counted once.
  let heldBefore = 0;
  for await (const page of deps.batches.listBatches(campaign.id)) {
    for (const batch of page) {
      if (batch.test) continue;
      nextSeq = Math.max(nextSeq, batch.seq + 1);
      writtenBatches++;
      for (const message of batch.messages) seen.add(phoneKey(message.to));
      if (batch.status === 'held') heldBefore++;
      else if (!batch.routes.length)
        unroutableBefore = {
          batches: unroutableBefore.batches + 1,
          messages: unroutableBefore.messages + batch.messages.length,
        };
    }
    await keepLease();
  }

  const [optedOut, capped, partners, ported] = await Promise.all([
    deps.optedOut(),
    deps.cappedPhones(campaign),
    deps.partners(),
    deps.portedCarriers(),
  ]);
  const targeted = audienceFilter(campaign.filters);
  const plan = contentPlan(campaign, deps.shortLinkLength ?? DEFAULT_SHORT_LINK_LENGTH);
  const routes = routingTable(CARRIERS, partners, campaign.partnerIds);
  const routeList = (carrier: Carrier) => routes.get(carrier) ?? [];
  // recipient: a code per message; aggregate: the campaign's one code on each batch; off: the URL itself.
  const hasLink = plan.hasLink(deps.hasLink);
  const newCode =
    hasLink && campaign.clickTracking === 'recipient' ? await deps.shortCodes(campaign.id) : undefined;
  const linkCode =
    hasLink && campaign.clickTracking === 'aggregate' ? await deps.aggregateCode(campaign.id) : undefined;
  const segments = campaign.estimate.segmentsPerMessage;

  /** `queued` for a partner, `failed` (unroutable) or `held` (the holdout: never sent, no content). */
  const toBatch = (seq: number, { partnerId, routes: routeIds, list, status }: BatchSpec): Batch => ({
    campaignId: campaign.id,
    seq,
    partnerId,
    routes: routeIds,
    status,
    attempt: 0,
    availableAt: at,
    segments,
    ...(list[0]?.treatment ? { treatment: list[0].treatment } : {}),
    ...(linkCode && status === 'queued' ? { linkCode } : {}),
    messages: list.map((r, i) => ({
      index: i,
      to: r.phone,
      carrier: r.carrier,
      ...(r.province ? { province: r.province } : {}),
      ...(newCode && status === 'queued' ? { code: newCode(seq) } : {}),
      ...(r.content.lang ? { lang: r.content.lang } : {}),
      ...(r.content.values && status === 'queued' ? { values: r.content.values } : {}),
      ...(status !== 'held' && r.content.segments !== segments ? { segments: r.content.segments } : {}),
      state: status === 'failed' ? 'failed' : 'queued',
      ...(status === 'failed' ? { reason: 'unroutable', at } : {}),
    })),
    createdAt: at,
    updatedAt: at,
  });

  // The recipients read and not yet batched: at most a plan slice and the batches kept back from the last.
  // One copy of each province name and of each content without values (most are alike), not one per
  // recipient.
  const provinces = new Map<string, string>();
  const province = (name: string) => provinces.get(name) ?? (provinces.set(name, name), name);
  const contents = new Map<string, RecipientContent>();
  const shared = (content: RecipientContent) => {
    if (content.values) return content;
    const key = `${content.group}|${content.lang ?? ''}|${content.segments}`;
    return contents.get(key) ?? (contents.set(key, content), content);
  };
  let recipients: ContentRecipient[] = [];
  let heldOut: ContentRecipient[] = [];
  const suppressedList: SuppressedRecipient[] = [];
  const consider = (member: AudienceMember) => {
    const key = phoneKey(member.phone);
    if (seen.has(key)) return;
    if (!targeted(member)) return;
    seen.add(key);
    const reason = optedOut.has(member.phone)
      ? 'opted_out'
      : capped.has(member.phone)
        ? 'frequency_cap'
        : undefined;
    if (reason)
      suppressedList.push({
        to: member.phone,
        carrier: ported.get(member.phone) ?? member.carrier,
        ...(member.province ? { province: member.province } : {}),
        reason,
      });
    else {
      const content = shared(plan.of(member));
      (content.group === HOLDOUT ? heldOut : recipients).push({
        phone: member.phone,
        carrier: ported.get(member.phone) ?? member.carrier,
        ...(member.province ? { province: province(member.province) } : {}),
        ...(plan.split ? { treatment: content.group } : {}),
        content,
      });
    }
  };

  let batchesNow = 0;
  let settledNow = 0;
  let unroutableNow = 0;
  /** Writes the batches in steps of SLICE, numbered on from the last; indexes and queues the sendable. */
  const write = async (specs: readonly BatchSpec[]) => {
    for (let i = 0; i < specs.length; i += SLICE) {
      await keepLease();
      const slice = specs.slice(i, i + SLICE).map((spec, j) => toBatch(nextSeq + j, spec));
      // Indexed before it is written: a written batch can be claimed at once (a consumer polls its
      // partner's queue), and a reply to it must find its campaign (contract §8). So every batch ever
      // written was indexed first, by the run that wrote it, whatever crash comes between.
      const sendable = slice.filter((b) => b.status === 'queued');
      if (sendable.length) await deps.indexRecipients(campaign.id, materializedAt, sendable, owner);
      const added = await deps.batches.putNewBatches(slice);
      await deps.queue.enqueue(slice.slice(0, added).filter((b) => b.status === 'queued'));
      // Another run wrote this number first (it took over a lease this run outlived): it goes on from here.
      if (added < slice.length) throw new MaterializationSupersededError(campaign.id);
      nextSeq += slice.length;
    }
    batchesNow += specs.length;
    for (const spec of specs)
      if (spec.status !== 'queued') {
        settledNow++;
        if (spec.status === 'failed') unroutableNow += spec.list.length;
      }
  };
  /**
   * Plans the recipients read so far and writes their batches, then drops them: a campaign's recipients are
   * never all held at once (all 1,000,000 held until planned: 177 MB of live heap; a slice at a time, with
   * the phones seen: 26 MB). Unless `last`, the last batch of each kind is kept back for the next slice's
   * recipients, so slices add no part-filled batches.
   */
  const planSlice = async (last: boolean) => {
    const byPhone = (a: ContentRecipient, b: ContentRecipient) => a.phone.localeCompare(b.phone);
    recipients.sort(byPhone);
    heldOut.sort(byPhone);
    const { batches: planned, unroutable } = planBatches(recipients, routeList);
    const specs: BatchSpec[] = planned.map((b) => ({
      partnerId: b.partnerId,
      routes: b.routes,
      list: b.recipients,
      status: 'queued',
    }));
    for (const list of chunksByTreatment(unroutable, UNSENT_BATCH_SIZE))
      specs.push({ partnerId: '-', routes: [], list, status: 'failed' });
    for (const list of chunksByTreatment(heldOut, UNSENT_BATCH_SIZE))
      specs.push({ partnerId: '-', routes: [], list, status: 'held' });
    const kept = last ? new Set<BatchSpec>() : lastOfEachKind(specs);
    recipients = [...kept].filter((spec) => spec.status !== 'held').flatMap((spec) => spec.list);
    heldOut = [...kept].filter((spec) => spec.status === 'held').flatMap((spec) => spec.list);
    await write(specs.filter((spec) => !kept.has(spec)));
  };
  for (const audienceId of campaign.audienceIds) {
    for await (const chunk of deps.audiences.members(audienceId)) {
      chunk.forEach(consider);
      if (recipients.length + heldOut.length >= PLAN_SLICE) await planSlice(false);
      await keepLease();
      await deps.nextTurn?.();
    }
  }
  await planSlice(true);

  suppressedList.sort((a, b) => a.to.localeCompare(b.to));
  await keepLease();
  await deps.recordSuppressed(campaign.id, suppressedList, at);
  const suppressed = suppressedList.filter((r) => r.reason === 'opted_out').length;
  const cappedCount = suppressedList.length - suppressed;
  // One conditional write records the totals and counts the unroutable batches as settled, so a crash
  // cannot leave them counted twice or not at all; only while the lease is still this run's.
  await deps.progress.finish(
    campaign.id,
    {
      totalBatches: writtenBatches + batchesNow,
      settledBatches: unroutableBefore.batches + heldBefore + settledNow,
      suppressed,
      capped: cappedCount,
      unroutable: unroutableBefore.messages + unroutableNow,
    },
    owner,
  );
  const progress = await deps.progress.get(campaign.id);
  // Not recorded: another run took the lease over after the last renewal, and records the end itself.
  return progress?.materialized ? { status: 'finished', progress } : { status: 'superseded' };
};
