import type { AudienceMember, AudienceCounts } from './audience.js';
import { countsOf } from './audience.js';
import type { AudienceDeps, AudienceStore, ImportLease } from './audience-service.js';
import { IMPORT_LEASE_MS } from './audience-service.js';
import { matchProvince, mergeByProvince } from './provinces.js';

/**
 * Data written before the province registry names provinces as officers typed them (`Bắc Kạn`,
 * `tỉnh Hà Giang`). This migration (docs/provinces.md) rewrites, audience by audience, each member's
 * province to its current unit's name and merges the audience's per-province counters the same way,
 * without a re-import. Each step is idempotent (a current name maps to itself), so a run that stops
 * anywhere is finished by running it again. A province that names no unit is left as it was: nothing
 * is thrown away, and it never sits beside a unit's name that means the same place. It is the data model's
 * step 1 (migration.ts).
 */

/** The store the migration needs, on top of the audience store's lease. */
export interface MigrationStore extends Pick<
  AudienceStore,
  'list' | 'beginImport' | 'finishImport' | 'abandonImport' | 'rewriteMembers'
> {
  /** Writes the member index of each of the audience's imports again from its chunks; the imports. */
  reindexMembers(audienceId: string): Promise<number>;
  schemaVersion(): Promise<number>;
  setSchemaVersion(version: number): Promise<void>;
}

export interface MigrationDeps extends Pick<AudienceDeps, 'now' | 'newId'> {
  store: MigrationStore;
}

/** The member with its province's current name; the same object when there is nothing to change. */
export const withCurrentProvince = (member: AudienceMember): AudienceMember => {
  if (member.province === undefined) return member;
  const name = matchProvince(member.province)?.unit.name;
  return name === undefined || name === member.province ? member : { ...member, province: name };
};

/** The audience's counters with former names merged into their successors. */
export const countsByCurrentProvince = (counts: AudienceCounts): AudienceCounts => ({
  ...counts,
  byProvince: mergeByProvince(counts.byProvince, (a, b) => a + b),
});

/** Canonicalises one audience under its import lease, so no import can interleave. */
const migrateAudience = async (deps: MigrationDeps, audienceId: string): Promise<number> => {
  const now = deps.now();
  const lease: ImportLease = { id: deps.newId(), now, until: new Date(now.getTime() + IMPORT_LEASE_MS) };
  const audience = await deps.store.beginImport(audienceId, lease);
  if (!audience) return 0;
  try {
    const changed = await deps.store.rewriteMembers(audienceId, withCurrentProvince);
    await deps.store.finishImport(audienceId, lease, countsByCurrentProvince(countsOf(audience)));
    return changed;
  } catch (error) {
    await deps.store.abandonImport(audienceId, lease).catch(() => undefined);
    throw error;
  }
};

/** Every audience once, page by page. */
const PAGE = 100;

/**
 * The migration's one step: every audience, page by page, canonicalised. Safe to run any number of
 * times and to run again after it stopped half-way.
 */
export const canonicaliseAudienceProvinces = async (
  deps: MigrationDeps,
): Promise<{ audiences: number; membersChanged: number }> => {
  let audiences = 0;
  let membersChanged = 0;
  let cursor: string | undefined;
  do {
    const page = await deps.store.list({ limit: PAGE, ...(cursor ? { cursor } : {}) });
    for (const audience of page.items) {
      membersChanged += await migrateAudience(deps, audience.id);
      audiences++;
    }
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
  return { audiences, membersChanged };
};
