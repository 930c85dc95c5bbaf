import { describe, expect, it } from 'vitest';
import {
  addCounts,
  attributeList,
  countsOf,
  subscriberRowsFromCsv,
  type Audience,
  type AudienceCounts,
  type AudienceMember,
} from '#core/audience.js';
import { importSubscribers, type AudienceStore, type ImportLease } from '#core/audience-service.js';
import { ConflictError } from '#core/errors.js';
import {
  failureAt,
  importJobView,
  jobImportPrefix,
  progressAfter,
  runImportJob,
  startImportJob,
  stepsOf,
  subtractCounts,
  JOB_LEASE_MS,
  type ImportJob,
  type ImportJobDeps,
  type ImportJobStore,
} from '#core/import-job.js';
import type { ImportUpload } from '#core/import-upload.js';

/**
 * Issue #17: the background import's logic on in-memory stores. A job's answer must be the synchronous
 * import's, whatever the step size, and a run cut short anywhere must, once run again, leave each row once.
 */

const AUDIENCE_ID = '01J9Z6Q5V8M3N2K1H0G9F8E7D6';
const UPLOAD_ID = '01J9Z6Q5V8M3N2K1H0G9F8E7D7';

/** The audience item, its chunks by import id and its lease, as the DynamoDB store keeps them. */
const memoryAudiences = (audience: Audience) => {
  let item = { ...audience };
  let lease: { id: string; until: number } | undefined;
  const chunks = new Map<string, AudienceMember[]>();
  const setCounts = (totals: AudienceCounts) => {
    item = {
      ...item,
      size: totals.size,
      byCarrier: Object.fromEntries(totals.byCarrier),
      byProvince: Object.fromEntries(totals.byProvince),
      languages: Object.fromEntries(totals.byLanguage),
      attributes: attributeList(totals.attributes),
    };
  };
  const holds = (l: ImportLease) => lease?.id === l.id;
  const store: AudienceStore = {
    create: async () => undefined,
    list: async () => ({ items: [], nextCursor: null }),
    getAudience: async () => item,
    async *members() {
      for (const members of chunks.values()) yield members;
    },
    async beginImport(_id, l) {
      if (lease && lease.id !== l.id && lease.until >= l.now.getTime())
        throw new ConflictError('another import');
      lease = { id: l.id, until: l.until.getTime() };
      return item;
    },
    async phones(_id, { except } = {}) {
      const phones = new Set<string>();
      for (const [importId, members] of chunks)
        if (except === undefined || !importId.startsWith(except))
          for (const { phone } of members) phones.add(phone);
      return phones;
    },
    async addMembers(_id, importId, members) {
      chunks.set(importId, [...(chunks.get(importId) ?? []), ...members]);
    },
    async rewriteMembers(_id, rewrite) {
      let changed = 0;
      for (const [importId, members] of chunks) {
        const rewritten = members.map(rewrite);
        changed += rewritten.filter((m, i) => m !== members[i]).length;
        chunks.set(importId, rewritten);
      }
      return changed;
    },
    async finishImport(_id, l, totals) {
      if (!holds(l)) throw new ConflictError('lease lost');
      setCounts(totals);
      lease = undefined;
      return totals.size;
    },
    async abandonImport(_id, l) {
      chunks.delete(l.id);
      if (holds(l)) lease = undefined;
    },
    async discardMembers(_id, importId) {
      chunks.delete(importId);
    },
    async releaseImport(_id, l) {
      if (holds(l)) lease = undefined;
    },
  };
  const commit = (l: ImportLease, totals: AudienceCounts) => {
    if (!holds(l)) throw new ConflictError('lease lost');
    setCounts(totals);
  };
  return {
    store,
    commit,
    release: () => (lease = undefined),
    renew: (l: ImportLease) => (lease = { id: l.id, until: l.until.getTime() }),
    item: () => item,
    allPhones: () => [...chunks.values()].flat().map(({ phone }) => phone),
    members: () => [...chunks.values()].flat(),
  };
};

const memoryJobs = (audiences: ReturnType<typeof memoryAudiences>) => {
  const jobs = new Map<string, ImportJob>();
  const replace = (job: ImportJob, fromStep: number) => {
    const stored = jobs.get(job.importId);
    if (!stored || stored.status !== 'running' || stored.progress.stepsDone !== fromStep) return false;
    jobs.set(job.importId, structuredClone(job));
    return true;
  };
  const store: ImportJobStore = {
    create: async (job) => void jobs.set(job.importId, structuredClone(job)),
    get: async (_audienceId, importId) => structuredClone(jobs.get(importId)),
    async commitStep(lease, totals, job, fromStep) {
      const stored = jobs.get(job.importId);
      if (!stored || stored.status !== 'running' || stored.progress.stepsDone !== fromStep)
        return 'superseded';
      audiences.commit(lease, totals);
      audiences.renew(lease);
      replace(job, fromStep);
      return 'committed';
    },
    async finish(lease, totals, job, fromStep) {
      const stored = jobs.get(job.importId);
      if (!stored || stored.status !== 'running' || stored.progress.stepsDone !== fromStep)
        return 'superseded';
      audiences.commit(lease, totals);
      audiences.release();
      replace(job, fromStep);
      return 'committed';
    },
    async fail(job) {
      if (jobs.get(job.importId)?.status === 'running') jobs.set(job.importId, structuredClone(job));
    },
  };
  return { store, jobs };
};

const emptyAudience = (): Audience => ({
  id: AUDIENCE_ID,
  name: 'Bắc Kạn',
  size: 0,
  byCarrier: {},
  byProvince: {},
  languages: {},
  attributes: [],
  createdAt: '2026-01-01T00:00:00.000Z',
  createdBy: 'officer@test',
});

const phoneOf = (n: number) => `098${String(n).padStart(7, '0')}`;

/**
 * A file with every kind of row: new phones, one already in the audience, one repeated across steps,
 * a landline, an unknown province, a former province and a name column (attributes are replaced).
 */
const FILE = [
  'Số điện thoại,Tỉnh,Họ và tên',
  ...Array.from({ length: 23 }, (_, i) => `${phoneOf(i)},Bắc Kạn,Người ${i}`),
  `${phoneOf(900)},Huế,Đã có`,
  `${phoneOf(3)},Huế,Lặp lại`,
  '024 3123 4567,Hà Nội,Bàn',
  `${phoneOf(30)},Không có tỉnh,Lạ`,
  `${phoneOf(31)},Thừa Thiên Huế,Cũ`,
].join('\n');
const rowCount = FILE.split('\n').length - 1;

let ids = 0;
const newId = () => `01J9Z6Q5V8M3N2K1H0G9F8E${String(ids++).padStart(3, '0')}`;

const setup = async ({ stepRows = 5 } = {}) => {
  const now = new Date('2026-06-01T00:00:00.000Z');
  const audiences = memoryAudiences(emptyAudience());
  // One subscriber already in the audience, with a name the file replaces.
  await importSubscribers(
    { store: audiences.store, now: () => now, newId },
    AUDIENCE_ID,
    subscriberRowsFromCsv(`phone,Họ và tên\n${phoneOf(900)},Trước`),
  );
  const jobs = memoryJobs(audiences);
  const upload: ImportUpload = {
    uploadId: UPLOAD_ID,
    audienceId: AUDIENCE_ID,
    contentType: 'text/csv',
    createdAt: now.toISOString(),
    createdBy: 'officer@test',
    keptUntil: '2026-06-02T00:00:00.000Z',
  };
  const deps: ImportJobDeps = {
    audiences: audiences.store,
    jobs: jobs.store,
    uploads: {
      uploads: { put: async () => undefined, get: async () => upload },
      files: {
        put: async () => undefined,
        get: async (_key, maxBytes) =>
          maxBytes < FILE.length
            ? { found: true, tooLarge: true, size: FILE.length }
            : { found: true, bytes: new TextEncoder().encode(FILE), contentType: 'text/csv' },
        downloadUrl: async () => '',
        uploadUrl: async () => '',
      },
      now: () => now,
    },
    starter: { start: async () => undefined },
    readRows: async (_type, bytes) => subscriberRowsFromCsv(new TextDecoder().decode(bytes)),
    now: () => now,
    newId,
    stepRows,
  };
  return { deps, audiences, jobs, now };
};

/** What the synchronous import of FILE answers, into the same audience. */
const synchronousAnswer = async () => {
  const now = new Date('2026-06-01T00:00:00.000Z');
  const audiences = memoryAudiences(emptyAudience());
  const deps = { store: audiences.store, now: () => now, newId };
  await importSubscribers(deps, AUDIENCE_ID, subscriberRowsFromCsv(`phone,Họ và tên\n${phoneOf(900)},Trước`));
  const result = await importSubscribers(deps, AUDIENCE_ID, subscriberRowsFromCsv(FILE), 'vi');
  return { result, audience: audiences.item(), members: audiences.members() };
};

describe('a background import', () => {
  it.each([1, 5, 7, 1000])(
    'answers what the synchronous import answers, in steps of %i rows',
    async (stepRows) => {
      const { deps, audiences, now } = await setup({ stepRows });
      const job = await startImportJob(deps, AUDIENCE_ID, UPLOAD_ID, 'officer@test');
      expect(job.status).toBe('running');
      expect(await runImportJob(deps, job)).toBe('succeeded');
      const done = await deps.jobs.get(AUDIENCE_ID, job.importId);
      if (!done) throw new Error('the job is gone');
      const view = importJobView(done, 'vi', now);
      const expected = await synchronousAnswer();
      expect(view.status).toBe('succeeded');
      expect(view.result).toEqual(expected.result);
      expect(view).toMatchObject({ rowsRead: rowCount, totalRows: rowCount });
      expect(audiences.item()).toEqual({ ...expected.audience });
      expect(new Set(audiences.members())).toEqual(new Set(expected.members));
    },
  );

  it('ends with each row once when a run is cut short at any step and run again', async () => {
    const expected = await synchronousAnswer();
    const steps = Math.ceil(rowCount / 5);
    for (let crashAt = 0; crashAt <= steps; crashAt++) {
      const { deps, audiences, now } = await setup();
      const job = await startImportJob(deps, AUDIENCE_ID, UPLOAD_ID, 'officer@test');
      // The run dies after writing a step's members, before its commit (or before the final commit).
      let commits = 0;
      const crashing: ImportJobDeps = {
        ...deps,
        jobs: {
          ...deps.jobs,
          commitStep: async (...args) => {
            if (commits++ === crashAt) throw new Error('Lambda crashed');
            return deps.jobs.commitStep(...args);
          },
          finish: async (...args) => {
            if (commits++ === crashAt) throw new Error('Lambda crashed');
            return deps.jobs.finish(...args);
          },
        },
      };
      await expect(runImportJob(crashing, job)).rejects.toThrow('Lambda crashed');
      const halfway = await deps.jobs.get(AUDIENCE_ID, job.importId);
      expect(halfway?.progress.stepsDone).toBe(Math.min(crashAt, steps));
      expect(await runImportJob(deps, job)).toBe('succeeded');
      const done = await deps.jobs.get(AUDIENCE_ID, job.importId);
      if (!done) throw new Error('the job is gone');
      expect(importJobView(done, 'vi', now).result).toEqual(expected.result);
      const phones = audiences.allPhones();
      expect(phones.length).toBe(new Set(phones).size);
      expect(audiences.item()).toEqual(expected.audience);
    }
  });

  it('does nothing for a job that has finished, and leaves a second run behind the first', async () => {
    const { deps } = await setup();
    const job = await startImportJob(deps, AUDIENCE_ID, UPLOAD_ID, 'officer@test');
    expect(await runImportJob(deps, job)).toBe('succeeded');
    expect(await runImportJob(deps, job)).toBe('not_running');
  });

  it('refuses a second import while the job holds the audience', async () => {
    const { deps } = await setup();
    await startImportJob(deps, AUDIENCE_ID, UPLOAD_ID, 'officer@test');
    await expect(startImportJob(deps, AUDIENCE_ID, UPLOAD_ID, 'officer@test')).rejects.toBeInstanceOf(
      ConflictError,
    );
  });

  it('fails with the error the synchronous import answers for a file it cannot read', async () => {
    const { deps, now } = await setup();
    const job = await startImportJob(deps, AUDIENCE_ID, UPLOAD_ID, 'officer@test');
    const unreadable: ImportJobDeps = {
      ...deps,
      readRows: async () => subscriberRowsFromCsv('Họ và tên\nAn'),
    };
    expect(await runImportJob(unreadable, job)).toBe('failed');
    const failed = await deps.jobs.get(AUDIENCE_ID, job.importId);
    if (!failed) throw new Error('the job is gone');
    expect(importJobView(failed, 'en', now).status).toBe('failed');
    expect(failureAt(failed, now)).toMatchObject({ status: 400, code: 'validation_failed' });
    // The audience is free again.
    await expect(startImportJob(deps, AUDIENCE_ID, UPLOAD_ID, 'officer@test')).resolves.toMatchObject({
      status: 'running',
    });
  });

  it('counts as failed once its lease is over without a step, and a late run says so', async () => {
    const { deps } = await setup();
    const job = await startImportJob(deps, AUDIENCE_ID, UPLOAD_ID, 'officer@test');
    const later = new Date(new Date(job.leaseUntil).getTime() + 1);
    expect(importJobView(job, 'en', later).status).toBe('failed');
    expect(failureAt(job, later)).toMatchObject({ code: 'import_interrupted' });
    expect(new Date(job.leaseUntil).getTime() - new Date(job.createdAt).getTime()).toBe(JOB_LEASE_MS);
    expect(await runImportJob({ ...deps, now: () => later }, job)).toBe('failed');
  });
});

describe('the job logic', () => {
  it('takes back from the counters exactly what was added', () => {
    const audience = countsOf({
      size: 3,
      byCarrier: { viettel: 2, mobifone: 1 },
      byProvince: { Huế: 3 },
      languages: { hmn: 1 },
      attributes: [{ key: 'ho_va_ten', name: 'Họ và tên', present: 2 }],
    });
    const added: AudienceCounts = {
      size: 2,
      byCarrier: new Map([
        ['viettel', 1],
        ['vinaphone', 1],
      ]),
      byProvince: new Map([['Cao Bằng', 2]]),
      byLanguage: new Map(),
      attributes: new Map([['nhom', { name: 'Nhóm', present: 2 }]]),
    };
    expect(subtractCounts(addCounts(audience, added), added)).toEqual(audience);
  });

  it('cuts the rows into steps and reads progress from the tally', () => {
    expect(stepsOf([1, 2, 3, 4, 5], 2)).toEqual([[1, 2], [3, 4], [5]]);
    expect(stepsOf([], 2)).toEqual([]);
    const tally = {
      duplicates: 1,
      rejected: [],
      warnings: [],
      mappedFromFormerName: 0,
      added: { ...countsOf({ size: 0, byCarrier: {}, byProvince: {} }), size: 3 },
      updates: new Map(),
    };
    expect(progressAfter(tally, { rows: 5, notices: [] }, 2, 2)).toMatchObject({
      stepsDone: 2,
      rowsRead: 4,
      totalRows: 5,
      accepted: 3,
      duplicates: 1,
    });
    expect(progressAfter(tally, { rows: 5, notices: [] }, 3, 2).rowsRead).toBe(5);
  });

  it("keeps the job's own steps apart from the audience's members", () => {
    expect(`${'X'.repeat(26)}-0003`.startsWith(jobImportPrefix('X'.repeat(26)))).toBe(true);
  });
});
