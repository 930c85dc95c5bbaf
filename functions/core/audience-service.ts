import {
  MAX_REJECTED_LISTED,
  MAX_WARNINGS_LISTED,
  addCounts,
  countsOf,
  emptyTally,
  planImport,
  tallyMember,
  withTally,
  withUpdate,
  noticeIn,
  rejectedRowIn,
  warningIn,
  type Audience,
  type AudienceCounts,
  type AudienceInput,
  type AudienceMember,
  type AudienceReader,
  type ImportPlan,
  type ImportResult,
  type MemberUpdate,
  type SubscriberRows,
} from './audience.js';
import { NotFoundError } from './errors.js';
import type { Lang } from './messages.js';
import type { Page, PageRequest } from './page.js';
import type { Actor } from './roles.js';
import type { Clock, Ids } from './clock.js';

/**
 * An import holds a lease on its audience so two imports cannot both miss each other's phones. It outlives
 * any API request (API Gateway stops waiting after 30 s) and frees the audience by itself after a crash.
 */
export const IMPORT_LEASE_MS = 2 * 60 * 1000;

export interface ImportLease {
  id: string;
  now: Date;
  until: Date;
}

/** The storage audience use cases need; DynamoDB implements it in adapters/audience-store.ts. */
export interface AudienceStore extends AudienceReader {
  create(audience: Audience): Promise<void>;
  /** Newest first. */
  list(page: PageRequest): Promise<Page<Audience>>;
  /**
   * Takes the audience's import lease (or takes it again: a lease of the same id): the audience as it
   * stands, or undefined when there is no such audience. Throws a ConflictError while another import
   * holds an unexpired lease.
   */
  beginImport(audienceId: string, lease: ImportLease): Promise<Audience | undefined>;
  /**
   * Every phone in the audience (read while holding the lease); `except`: not those of imports whose id
   * starts with it (a background import's own steps, core/import-job.ts).
   */
  phones(audienceId: string, options?: { except?: string }): Promise<Set<string>>;
  /** Stores the members under the lease's id; they count once `finishImport` has written the counters. */
  addMembers(audienceId: string, importId: string, members: readonly AudienceMember[]): Promise<void>;
  /**
   * Rewrites the audience's stored members with `rewrite`, chunk by chunk in batched writes; a chunk
   * whose members `rewrite` leaves unchanged (the same objects) is not written. Answers members changed.
   */
  rewriteMembers(audienceId: string, rewrite: (member: AudienceMember) => AudienceMember): Promise<number>;
  /**
   * The commit of an import, one conditional write: sets the audience's counters to `totals` and releases
   * the lease, and answers the new size. Throws a ConflictError if the lease was lost to another import.
   */
  finishImport(audienceId: string, lease: ImportLease, totals: AudienceCounts): Promise<number>;
  /**
   * Undoes an import that failed before it committed: removes the members it wrote and releases its lease.
   * Does nothing to an import that did commit (its answer was lost).
   */
  abandonImport(audienceId: string, lease: ImportLease): Promise<void>;
  /** Removes the members an import wrote under `importId` (none: nothing to do), whether it committed or not. */
  discardMembers(audienceId: string, importId: string): Promise<void>;
  /** Releases the lease if it is still this one. */
  releaseImport(audienceId: string, lease: ImportLease): Promise<void>;
}

export interface AudienceDeps extends Clock, Ids {
  store: AudienceStore;
}

export const createAudience = async (
  deps: AudienceDeps,
  input: AudienceInput,
  actor: Actor,
): Promise<Audience> => {
  const audience: Audience = {
    id: deps.newId(),
    name: input.name,
    ...(input.description ? { description: input.description } : {}),
    size: 0,
    byCarrier: {},
    byProvince: {},
    languages: {},
    attributes: [],
    createdAt: deps.now().toISOString(),
    createdBy: actor.userId,
  };
  await deps.store.create(audience);
  return audience;
};

export const getAudience = async (deps: Pick<AudienceDeps, 'store'>, id: string): Promise<Audience> => {
  const audience = await deps.store.getAudience(id);
  if (!audience) throw new NotFoundError(`Audience ${id}`);
  return audience;
};

export const listAudiences = (
  deps: Pick<AudienceDeps, 'store'>,
  page: PageRequest,
): Promise<Page<Audience>> => deps.store.list(page);

/**
 * Re-imported phones' languages and attributes (`updates`, by phone) replaced in the stored members, and
 * the counters' languages and attributes then recounted from every member: `totals` as they stand after.
 * Attributes are named by `attributeColumns` (this import's headers) first.
 */
export const replaceReimported = async (
  store: Pick<AudienceStore, 'rewriteMembers'>,
  audienceId: string,
  updates: ReadonlyMap<string, MemberUpdate>,
  totals: AudienceCounts,
  attributeColumns: SubscriberRows['attributeColumns'],
): Promise<AudienceCounts> => {
  const recount = emptyTally();
  await store.rewriteMembers(audienceId, (member) => {
    const update = updates.get(member.phone);
    const updated = update ? withUpdate(member, update) : member;
    tallyMember(recount, updated);
    return updated;
  });
  const names = new Map((attributeColumns ?? []).map(({ key, name }) => [key, name]));
  return withTally(totals, recount, names);
};

/**
 * Contract §4: adds the rows' valid, new phones to the audience. Under the audience's import lease it
 * reads the phones already there, plans the import (accepted, duplicates, rejected rows), writes the new
 * members (hundreds of items, more than one transaction holds) and then commits with one write of the
 * counters, so `size`, `byCarrier` and `byProvince` always match the members: an import that fails
 * anywhere before the commit removes its members and releases the lease, so the next one need not wait.
 *
 * A file with language or attribute columns also replaces those of the phones already in the audience:
 * their chunks are rewritten in place (batched writes, one per chunk that holds such a phone, never one per
 * member), and the languages and attributes counters are then recounted from every stored member, so
 * they are exact after the commit. Rewriting is idempotent: an import that fails after it may have
 * replaced some of them; its retry replaces the same values and recounts.
 */
export const importSubscribers = async (
  deps: AudienceDeps,
  audienceId: string,
  { rows, notices, attributeColumns, languageColumn }: SubscriberRows,
  lang: Lang = 'en',
): Promise<ImportResult> => {
  const now = deps.now();
  const lease: ImportLease = { id: deps.newId(), now, until: new Date(now.getTime() + IMPORT_LEASE_MS) };
  const audience = await deps.store.beginImport(audienceId, lease);
  if (!audience) throw new NotFoundError(`Audience ${audienceId}`);

  let plan: ImportPlan;
  let size: number;
  try {
    const phones = await deps.store.phones(audienceId);
    plan = planImport(rows, { phones }, { attributeColumns, languageColumn });
    if (plan.members.length) await deps.store.addMembers(audienceId, lease.id, plan.members);
    let totals = addCounts(countsOf(audience), plan.added);
    if (plan.updates.size) {
      totals = await replaceReimported(deps.store, audienceId, plan.updates, totals, attributeColumns);
    }
    size = await deps.store.finishImport(audienceId, lease, totals);
  } catch (error) {
    // The original error is the one worth reporting; a lease left behind expires by itself.
    await deps.store.abandonImport(audienceId, lease).catch(() => undefined);
    throw error;
  }

  return {
    accepted: plan.members.length,
    duplicates: plan.duplicates,
    replaced: plan.updates.size,
    rejected: plan.rejected.slice(0, MAX_REJECTED_LISTED).map((row) => rejectedRowIn(row, lang)),
    rejectedCount: plan.rejected.length,
    notices: notices.map((notice) => noticeIn(notice, lang)),
    warnings: plan.warnings.slice(0, MAX_WARNINGS_LISTED).map((warning) => warningIn(warning, lang)),
    warningCount: plan.warnings.length,
    mappedFromFormerName: plan.mappedFromFormerName,
    size,
  };
};
