import type { ImportLease } from './audience-service.js';
import { IMPORT_LEASE_MS } from './audience-service.js';
import { countsOf } from './audience.js';
import type { PartnerDeps } from './partner-service.js';
import { sealStoredSecrets } from './partner-service.js';
import {
  canonicaliseAudienceProvinces,
  type MigrationDeps as ProvinceMigrationDeps,
} from './province-migration.js';

/**
 * The table's data model, version by version (`npm run migrate`, and `npm start` once): each step brings
 * items written before a change up to it. Every step is idempotent, so a run that stopped anywhere is
 * finished by running it again; the version item is written after each step that completed.
 *
 * 1. provinces by current unit (province-migration.ts, docs/provinces.md);
 * 2. partners' signing secrets sealed (docs/partners.md);
 * 3. the personal-data indexes (docs/personal-data.md) of what was written before them: the member index
 *    of every import, the sender index of inbound messages, the suppressed index of campaigns.
 */
export const SCHEMA_VERSION = 3;

/** One page of the one-off scan for items from before the indexes. */
export interface UnindexedPage {
  /** Inbound messages given their sender index on this page. */
  inboundIndexed: number;
  /** Campaigns whose suppressed chunks were indexed on this page (each campaign once per run). */
  campaignsIndexed: number;
  /** Where the next page starts; undefined after the last. */
  next?: string;
}

/** Where the indexes are written from existing items; the DynamoDB side is adapters/index-backfill.ts. */
export interface IndexBackfillStore {
  /**
   * One page of a Scan (paged: a one-off migration may read the whole table) for inbound messages
   * without a sender index and suppressed chunks; indexes what it finds. `seen` holds the campaigns
   * indexed earlier in this run.
   */
  indexPage(cursor: string | undefined, seen: Set<string>): Promise<UnindexedPage>;
}

export interface MigrationDeps extends ProvinceMigrationDeps {
  partners: Pick<PartnerDeps, 'store' | 'sealer'>;
  indexes: IndexBackfillStore;
  /** Told after each page or audience, so a long run shows how far it is. */
  progress?: (step: string, done: Record<string, number>) => void;
}

export interface IndexReport {
  audiences: number;
  imports: number;
  /** Audiences an import held (no member index rewritten): the version is not advanced; run again. */
  audiencesBusy: number;
  inbound: number;
  campaigns: number;
}

/** Rewrites each audience's member index from its chunks, under its import lease (no import interleaves). */
const indexAudience = async (deps: MigrationDeps, audienceId: string): Promise<number | undefined> => {
  const now = deps.now();
  const lease: ImportLease = { id: deps.newId(), now, until: new Date(now.getTime() + IMPORT_LEASE_MS) };
  const audience = await deps.store.beginImport(audienceId, lease);
  if (!audience) return undefined;
  try {
    const imports = await deps.store.reindexMembers(audienceId);
    await deps.store.finishImport(audienceId, lease, countsOf(audience));
    return imports;
  } catch (error) {
    await deps.store.abandonImport(audienceId, lease).catch(() => undefined);
    throw error;
  }
};

/** Step 3: the personal-data indexes of items written before them. */
export const backfillPersonalDataIndexes = async (deps: MigrationDeps): Promise<IndexReport> => {
  const report: IndexReport = { audiences: 0, imports: 0, audiencesBusy: 0, inbound: 0, campaigns: 0 };
  let cursor: string | undefined;
  do {
    const page = await deps.store.list({ limit: 100, ...(cursor ? { cursor } : {}) });
    for (const audience of page.items) {
      const imports = await indexAudience(deps, audience.id);
      if (imports === undefined) report.audiencesBusy++;
      else {
        report.audiences++;
        report.imports += imports;
      }
    }
    deps.progress?.('member index', { audiences: report.audiences, imports: report.imports });
    cursor = page.nextCursor ?? undefined;
  } while (cursor);

  const seen = new Set<string>();
  let next: string | undefined;
  do {
    const page = await deps.indexes.indexPage(next, seen);
    report.inbound += page.inboundIndexed;
    report.campaigns += page.campaignsIndexed;
    deps.progress?.('sender and suppressed indexes', {
      inbound: report.inbound,
      campaigns: report.campaigns,
    });
    next = page.next;
  } while (next);
  return report;
};

export interface MigrationReport {
  fromVersion: number;
  version: number;
  /** What each step run did, by its version; absent when the table was at SCHEMA_VERSION already. */
  steps?: Record<number, Record<string, number>>;
}

const STEPS: { version: number; run: (deps: MigrationDeps) => Promise<Record<string, number>> }[] = [
  { version: 1, run: canonicaliseAudienceProvinces },
  { version: 2, run: (deps) => sealStoredSecrets(deps.partners) },
  { version: 3, run: async (deps) => ({ ...(await backfillPersonalDataIndexes(deps)) }) },
];

/** A step whose work is not all done (e.g. an audience held by an import): its version is not recorded. */
const unfinished = (done: Record<string, number>) => (done.audiencesBusy ?? 0) > 0;

/**
 * Brings the table to SCHEMA_VERSION: does nothing (one read) when it is there already, else runs each
 * step after its version and records it. `again`: every step, whatever the version item says.
 */
export const migrate = async (deps: MigrationDeps, again = false): Promise<MigrationReport> => {
  const fromVersion = await deps.store.schemaVersion();
  if (!again && fromVersion >= SCHEMA_VERSION) return { fromVersion, version: fromVersion };
  const steps: Record<number, Record<string, number>> = {};
  let version = fromVersion;
  for (const step of STEPS.filter((s) => again || s.version > fromVersion)) {
    const done = await step.run(deps);
    steps[step.version] = done;
    if (unfinished(done)) break;
    if (step.version > version) {
      version = step.version;
      await deps.store.setSchemaVersion(version);
    }
  }
  return { fromVersion, version, steps };
};
