import * as z from 'zod';
import {
  addCounts,
  AudienceId,
  countsOf,
  ImportNotice,
  ImportResult,
  importPlanner,
  MAX_REJECTED_LISTED,
  MAX_WARNINGS_LISTED,
  noticeIn,
  RejectedRow,
  rejectedRowIn,
  warningIn,
  type AudienceCounts,
  type ImportTally,
  type PlannedNotice,
  type PlannedRejection,
  type PlannedWarning,
  type SubscriberRows,
} from './audience.js';
import { replaceReimported, type AudienceStore, type ImportLease } from './audience-service.js';
import { AppError, NotFoundError, type CataloguedMessage, type ErrorDetail } from './errors.js';
import {
  receivedUpload,
  uploadedFile,
  type ImportMediaType,
  type ImportUploadDeps,
} from './import-upload.js';
import type { Lang } from './messages.js';
import type { Clock, Ids } from './clock.js';

/**
 * Issues #17/#18: an uploaded file is imported in the background, by a job of its own (the import-job
 * Lambda, 15 minutes), because a large one (a merged province: 500,000 rows) outlasts API Gateway's 29 s.
 * The API takes the audience's import lease, records the job and starts it; the job reads the file, plans
 * it with the same rules as a synchronous import, and writes it a step of IMPORT_STEP_ROWS rows at a time.
 * Each step commits in one transaction the audience's counters (its members count from then on) and the
 * job's cursor, so a job that crashes or is retried carries on after the last committed step: the rows
 * before it are planned again (planning is pure and the file the same) but not written again, and the
 * step that was cut short is written afresh. The job's answer is the synchronous import's, row for row.
 */

/** Rows written and committed together: a crash redoes at most this many. */
export const IMPORT_STEP_ROWS = 10_000;
/**
 * How long the job holds the audience (and counts as running) without a committed step: the Lambda's
 * timeout, so a retry after a crash or a timeout still finds its lease, and a job that stopped for good
 * frees the audience by itself.
 */
export const JOB_LEASE_MS = 15 * 60 * 1000;

export const IMPORT_JOB_STATUSES = ['running', 'succeeded', 'failed'] as const;
export type ImportJobStatus = (typeof IMPORT_JOB_STATUSES)[number];

export const ImportId = z
  .string()
  .regex(/^[0-9A-HJKMNP-TV-Z]{26}$/, 'is not an import id (26 characters, as the import answered)')
  .meta({ description: 'Chosen by the server (a ULID)', example: '01J9Z6Q5V8M3N2K1H0G9F8E7D6' });

/** What a job has done up to its last committed step (the cursor and the tally of the rows before it). */
export interface ImportJobProgress {
  /** Steps committed: rows before `stepsDone * IMPORT_STEP_ROWS` are in the audience. */
  stepsDone: number;
  rowsRead: number;
  /** Rows of the file, once it has been read. */
  totalRows?: number;
  accepted: number;
  duplicates: number;
  rejectedCount: number;
  warningCount: number;
  mappedFromFormerName: number;
  /** The first MAX_REJECTED_LISTED, as planned: the reason is said in the reader's language. */
  rejected: PlannedRejection[];
  warnings: PlannedWarning[];
  notices: PlannedNotice[];
}

/** Why a job failed: the error the synchronous import would have answered. */
export interface ImportJobFailure {
  status: number;
  code: string;
  message: string;
  details?: ErrorDetail[];
  catalogued?: CataloguedMessage;
}

export interface ImportJob {
  importId: string;
  audienceId: string;
  uploadId: string;
  contentType: ImportMediaType;
  status: ImportJobStatus;
  createdAt: string;
  createdBy: string;
  updatedAt: string;
  /** Until then the job holds the audience's lease; renewed by every committed step (JOB_LEASE_MS). */
  leaseUntil: string;
  progress: ImportJobProgress;
  /** Once succeeded. */
  replaced?: number;
  size?: number;
  finishedAt?: string;
  /** Once failed. */
  error?: ImportJobFailure;
}

/** The job's storage (adapters/import-job-store.ts): the job item, and its commits with the audience's. */
export interface ImportJobStore {
  create(job: ImportJob): Promise<void>;
  get(audienceId: string, importId: string): Promise<ImportJob | undefined>;
  /**
   * One transaction: the audience's counters set to `totals` and its lease renewed to `lease.until` (a
   * ConflictError when the lease is no longer the job's), and the job replaced by `job` if its cursor is
   * still `fromStep` and it still runs. `superseded` when it is not: another run of the job got there first.
   */
  commitStep(
    lease: ImportLease,
    totals: AudienceCounts,
    job: ImportJob,
    fromStep: number,
  ): Promise<'committed' | 'superseded'>;
  /** As `commitStep`, but the lease is released (the audience's `lastImport` is the job) and `job` is final. */
  finish(
    lease: ImportLease,
    totals: AudienceCounts,
    job: ImportJob,
    fromStep: number,
  ): Promise<'committed' | 'superseded'>;
  /** The job, failed, replaces the stored one if that still runs. */
  fail(job: ImportJob): Promise<void>;
}

/** Starts a job's run: the import-job Lambda invoked asynchronously; locally the running job is its own queue. */
export interface ImportJobStarter {
  start(job: Pick<ImportJob, 'audienceId' | 'importId'>): Promise<void>;
}

export interface ImportJobDeps extends Clock, Ids {
  audiences: AudienceStore;
  jobs: ImportJobStore;
  uploads: Pick<ImportUploadDeps, 'uploads' | 'files' | 'now'>;
  starter: ImportJobStarter;
  /** The file's rows by its type, as the synchronous import reads a body of that type. */
  readRows: (contentType: ImportMediaType, bytes: Uint8Array) => Promise<SubscriberRows>;
  /** IMPORT_STEP_ROWS unless a test wants smaller steps. */
  stepRows?: number;
}

/** The members a job's step writes are stored under this import id (chunk keys, the member index). */
export const stepImportId = (importId: string, step: number): string =>
  `${importId}-${String(step).padStart(4, '0')}`;
/** Every step of the job's import ids starts with this: its members, not the audience's before it. */
export const jobImportPrefix = (importId: string): string => `${importId}-`;

/** A job that stopped without a committed step for JOB_LEASE_MS: it will not go on. */
export class ImportInterruptedError extends AppError {
  constructor() {
    super(
      'import_interrupted',
      500,
      'The import stopped before it finished; the rows read so far are in the audience: import the file again',
      undefined,
      undefined,
      { code: 'import_interrupted' },
    );
  }
}

const emptyProgress = (): ImportJobProgress => ({
  stepsDone: 0,
  rowsRead: 0,
  accepted: 0,
  duplicates: 0,
  rejectedCount: 0,
  warningCount: 0,
  mappedFromFormerName: 0,
  rejected: [],
  warnings: [],
  notices: [],
});

/** The progress after `stepsDone` steps: what the planner has tallied over their rows. */
export const progressAfter = (
  tally: ImportTally,
  file: { rows: number; notices: readonly PlannedNotice[] },
  stepsDone: number,
  stepRows: number,
): ImportJobProgress => ({
  stepsDone,
  rowsRead: Math.min(file.rows, stepsDone * stepRows),
  totalRows: file.rows,
  accepted: tally.added.size,
  duplicates: tally.duplicates,
  rejectedCount: tally.rejected.length,
  warningCount: tally.warnings.length,
  mappedFromFormerName: tally.mappedFromFormerName,
  rejected: tally.rejected.slice(0, MAX_REJECTED_LISTED),
  warnings: tally.warnings.slice(0, MAX_WARNINGS_LISTED),
  notices: [...file.notices],
});

const minus = (a: ReadonlyMap<string, number>, b: ReadonlyMap<string, number>) => {
  const rest = new Map(a);
  for (const [key, n] of b) {
    const left = (rest.get(key) ?? 0) - n;
    if (left > 0) rest.set(key, left);
    else rest.delete(key);
  }
  return rest;
};

/**
 * The counters without what `b` added (the audience as it was before the job's committed steps): what a
 * resumed job adds its whole tally to again, as a synchronous import adds its plan to the audience it found.
 */
export const subtractCounts = (a: AudienceCounts, b: AudienceCounts): AudienceCounts => {
  const attributes = new Map(a.attributes);
  for (const [key, { present }] of b.attributes) {
    const kept = attributes.get(key);
    const left = (kept?.present ?? 0) - present;
    if (kept && left > 0) attributes.set(key, { name: kept.name, present: left });
    else attributes.delete(key);
  }
  return {
    size: a.size - b.size,
    byCarrier: minus(a.byCarrier, b.byCarrier),
    byProvince: minus(a.byProvince, b.byProvince),
    byLanguage: minus(a.byLanguage, b.byLanguage),
    attributes,
  };
};

/** The rows of the file in steps of `size`. */
export const stepsOf = <T>(rows: readonly T[], size: number): T[][] => {
  const steps: T[][] = [];
  for (let at = 0; at < rows.length; at += size) steps.push(rows.slice(at, at + size));
  return steps;
};

const failureOf = (error: AppError): ImportJobFailure => ({
  status: error.status,
  code: error.code,
  message: error.message,
  ...(error.details?.length ? { details: error.details } : {}),
  ...(error.catalogued ? { catalogued: error.catalogued } : {}),
});

/** The stored failure as the error it was, to answer it as the API answers errors. */
export const failureError = (failure: ImportJobFailure): AppError =>
  new AppError(failure.code, failure.status, failure.message, failure.details, undefined, failure.catalogued);

/**
 * `POST /v1/audiences/{id}/subscribers` with `{ uploadId }`: the upload must be this audience's, received
 * and within the limit (404, 409, 413 as before), the audience free (409 while another import runs). The
 * job takes the audience's lease now, so a second import is refused at once, as a synchronous one is.
 */
export const startImportJob = async (
  deps: ImportJobDeps,
  audienceId: string,
  uploadId: string,
  userId: string,
): Promise<ImportJob> => {
  const upload = await receivedUpload(deps.uploads, audienceId, uploadId);
  const now = deps.now();
  const importId = deps.newId();
  const until = new Date(now.getTime() + JOB_LEASE_MS);
  const lease: ImportLease = { id: importId, now, until };
  const audience = await deps.audiences.beginImport(audienceId, lease);
  if (!audience) throw new NotFoundError(`Audience ${audienceId}`);
  const job: ImportJob = {
    importId,
    audienceId,
    uploadId,
    contentType: upload.contentType,
    status: 'running',
    createdAt: now.toISOString(),
    createdBy: userId,
    updatedAt: now.toISOString(),
    leaseUntil: until.toISOString(),
    progress: emptyProgress(),
  };
  let created = false;
  try {
    await deps.jobs.create(job);
    created = true;
    await deps.starter.start(job);
  } catch (error) {
    // Nothing was imported: the audience is freed, and a job that cannot start says so.
    if (created)
      await deps.jobs
        .fail({ ...job, status: 'failed', error: failureOf(new ImportInterruptedError()) })
        .catch(() => undefined);
    await deps.audiences.releaseImport(audienceId, lease).catch(() => undefined);
    throw error;
  }
  return job;
};

/** What one run of a job did. */
export type JobRun = 'succeeded' | 'failed' | 'superseded' | 'not_running';

/**
 * One run of the job (the import-job Lambda): carries on from the job's committed cursor and finishes it,
 * or fails it with the error the synchronous import would have answered (a file it cannot read, an audience
 * deleted or taken over). Any other error is thrown: the run is retried, and the retry carries on.
 */
export const runImportJob = async (
  deps: ImportJobDeps,
  ref: Pick<ImportJob, 'audienceId' | 'importId'>,
): Promise<JobRun> => {
  const job = await deps.jobs.get(ref.audienceId, ref.importId);
  if (!job || job.status !== 'running') return 'not_running';
  const started = deps.now();
  if (job.leaseUntil <= started.toISOString()) {
    await fail(deps, job, new ImportInterruptedError());
    return 'failed';
  }
  const stepRows = deps.stepRows ?? IMPORT_STEP_ROWS;
  const leaseAt = (now: Date): ImportLease => ({
    id: job.importId,
    now,
    until: new Date(now.getTime() + JOB_LEASE_MS),
  });
  let current = job;
  try {
    const audience = await deps.audiences.beginImport(job.audienceId, leaseAt(started));
    if (!audience) throw new NotFoundError(`Audience ${job.audienceId}`);
    const file = await uploadedFile(deps.uploads, job.audienceId, job.uploadId);
    const { rows, notices, attributeColumns, languageColumn } = await deps.readRows(
      file.contentType,
      file.bytes,
    );
    // The audience as the job found it: its members without those of the job's own steps.
    const phones = await deps.audiences.phones(job.audienceId, { except: jobImportPrefix(job.importId) });
    const planner = importPlanner({ phones }, { attributeColumns, languageColumn });
    const steps = stepsOf(rows, stepRows);
    const shape = { rows: rows.length, notices };
    const resumeAt = Math.min(job.progress.stepsDone, steps.length);
    for (const step of steps.slice(0, resumeAt)) planner.add(step);
    // What the audience held before the job: its counters now, less what the committed steps added.
    const before = subtractCounts(countsOf(audience), planner.tally().added);

    for (let step = resumeAt; step < steps.length; step++) {
      const members = planner.add(steps[step] ?? []);
      const importId = stepImportId(job.importId, step);
      // A run cut short in this step may have written some of its members: they are written afresh.
      if (step === resumeAt) await deps.audiences.discardMembers(job.audienceId, importId);
      if (members.length) await deps.audiences.addMembers(job.audienceId, importId, members);
      const now = deps.now();
      const lease = leaseAt(now);
      const next: ImportJob = {
        ...current,
        updatedAt: now.toISOString(),
        leaseUntil: lease.until.toISOString(),
        progress: progressAfter(planner.tally(), shape, step + 1, stepRows),
      };
      const totals = addCounts(before, planner.tally().added);
      if ((await deps.jobs.commitStep(lease, totals, next, step)) === 'superseded') return 'superseded';
      current = next;
    }

    const tally = planner.tally();
    let totals = addCounts(before, tally.added);
    if (tally.updates.size) {
      // As the synchronous import: re-imported phones' languages and attributes, then a recount.
      totals = await replaceReimported(
        deps.audiences,
        job.audienceId,
        tally.updates,
        totals,
        attributeColumns,
      );
    }
    const now = deps.now();
    const done: ImportJob = {
      ...current,
      status: 'succeeded',
      updatedAt: now.toISOString(),
      finishedAt: now.toISOString(),
      progress: progressAfter(tally, shape, steps.length, stepRows),
      replaced: tally.updates.size,
      size: totals.size,
    };
    const outcome = await deps.jobs.finish(leaseAt(now), totals, done, current.progress.stepsDone);
    return outcome === 'committed' ? 'succeeded' : 'superseded';
  } catch (error) {
    if (!(error instanceof AppError)) throw error;
    await fail(deps, current, error);
    return 'failed';
  }
};

/**
 * Fails the job: what its committed steps imported stays (each phone once; importing the file again adds
 * the rest), the step in flight is removed, and the audience is freed if the job still holds it.
 */
const fail = async (deps: ImportJobDeps, job: ImportJob, error: AppError) => {
  const now = deps.now();
  await deps.audiences.discardMembers(job.audienceId, stepImportId(job.importId, job.progress.stepsDone));
  await deps.jobs.fail({
    ...job,
    status: 'failed',
    updatedAt: now.toISOString(),
    finishedAt: now.toISOString(),
    error: failureOf(error),
  });
  await deps.audiences.releaseImport(job.audienceId, { id: job.importId, now, until: now });
};

/** A job as `GET .../imports/{importId}` answers it (its `error` is rendered by the HTTP chain). */
export const ImportJobView = z
  .object({
    importId: ImportId,
    audienceId: AudienceId,
    status: z.enum(IMPORT_JOB_STATUSES).meta({
      description:
        '`running` until the whole file is in the audience (`succeeded`, with `result`) or the import ' +
        'stopped (`failed`, with `error`)',
    }),
    createdAt: z.iso.datetime(),
    updatedAt: z.iso.datetime().meta({ description: 'The last step committed' }),
    finishedAt: z.iso.datetime().optional(),
    totalRows: z.int().optional().meta({ description: 'Rows of the file, once it has been read' }),
    rowsRead: z.int().meta({ description: 'Rows imported so far: those before are in the audience' }),
    accepted: z.int().meta({ description: 'Of them, phones added to the audience' }),
    duplicates: z.int(),
    rejectedCount: z.int(),
    warningCount: z.int(),
    rejected: z.array(RejectedRow).meta({
      description: `The first ${MAX_REJECTED_LISTED} rejected rows so far, as the synchronous import lists them`,
    }),
    notices: z.array(ImportNotice),
    result: ImportResult.optional().meta({
      description: 'Once succeeded: exactly what the synchronous import of the file would have answered',
    }),
    error: z
      .object({ code: z.string(), message: z.string() })
      .loose()
      .optional()
      .meta({
        description:
          'Once failed: the error the synchronous import would have answered (a file it cannot read: ' +
          '`validation_failed`, `invalid_json`; `conflict`), or `import_interrupted`. Rows imported ' +
          'before stay in the audience, each phone once',
      }),
  })
  .meta({ id: 'ImportJob' });
export type ImportJobView = z.infer<typeof ImportJobView>;

/** Whether the job still runs at `now`: a running job past its lease stopped and will not go on. */
export const statusAt = (job: ImportJob, now: Date): ImportJobStatus =>
  job.status === 'running' && job.leaseUntil <= now.toISOString() ? 'failed' : job.status;

/** The job's failure at `now`: its stored error, or the interruption of a job past its lease. */
export const failureAt = (job: ImportJob, now: Date): AppError | undefined => {
  if (job.error) return failureError(job.error);
  return statusAt(job, now) === 'failed' ? new ImportInterruptedError() : undefined;
};

/** The job in `lang`, without its error (see failureAt). */
export const importJobView = (job: ImportJob, lang: Lang, now: Date): Omit<ImportJobView, 'error'> => {
  const { progress } = job;
  const rejected = progress.rejected.map((row) => rejectedRowIn(row, lang));
  const notices = progress.notices.map((notice) => noticeIn(notice, lang));
  const status = statusAt(job, now);
  return {
    importId: job.importId,
    audienceId: job.audienceId,
    status,
    createdAt: job.createdAt,
    updatedAt: job.updatedAt,
    ...(job.finishedAt ? { finishedAt: job.finishedAt } : {}),
    ...(progress.totalRows !== undefined ? { totalRows: progress.totalRows } : {}),
    rowsRead: progress.rowsRead,
    accepted: progress.accepted,
    duplicates: progress.duplicates,
    rejectedCount: progress.rejectedCount,
    warningCount: progress.warningCount,
    rejected,
    notices,
    ...(status === 'succeeded'
      ? {
          result: {
            accepted: progress.accepted,
            duplicates: progress.duplicates,
            replaced: job.replaced ?? 0,
            rejected,
            rejectedCount: progress.rejectedCount,
            notices,
            warnings: progress.warnings.map((warning) => warningIn(warning, lang)),
            warningCount: progress.warningCount,
            mappedFromFormerName: progress.mappedFromFormerName,
            size: job.size ?? 0,
          },
        }
      : {}),
  };
};

/** `GET .../imports/{importId}`: 404 for a job this audience does not have. */
export const getImportJob = async (
  deps: Pick<ImportJobDeps, 'jobs'>,
  audienceId: string,
  importId: string,
): Promise<ImportJob> => {
  const job = await deps.jobs.get(audienceId, importId);
  if (!job) throw new NotFoundError(`Import ${importId} of audience ${audienceId}`);
  return job;
};
