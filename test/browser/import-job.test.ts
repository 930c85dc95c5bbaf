import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { UPLOAD_FIRST_BYTES } from '../../web/src/import-file.js';
import { openConsole, type ConsoleRun } from './harness.js';
import { openNewAudienceForm, signIn, submitNewAudience } from './seed.js';

/**
 * Issue #17 in the console, through the UI only: a file over 5 MB is not sent as the request body but
 * uploaded (`POST .../import-uploads`, then a PUT to the pre-signed URL, here the local runtime's stand-in
 * for S3), imported in the background (`POST .../subscribers { uploadId }` answers 202) and polled at
 * `GET .../imports/{importId}` until it has finished. The officer sees the import start, its rows read so
 * far, then the same check a small file gets; or, for a file the import cannot read, the reason beside the
 * file field.
 */
let run: ConsoleRun;
const suffix = Date.now().toString(36);

/** 25,000 distinct Viettel mobiles (three steps of the job), one twice and a landline. */
const GOOD_ROWS = 25_000;
/** Two notes of 100 characters a row: the file passes 5 MB with few enough rows to import quickly here. */
const NOTE = 'x'.repeat(100);
const LARGE_CSV = [
  'Số điện thoại,Tỉnh,Ghi chú 1,Ghi chú 2',
  ...Array.from({ length: GOOD_ROWS }, (_, i) => `098${String(i).padStart(7, '0')},Bắc Kạn,${NOTE},${NOTE}`),
  `0980000000,Bắc Kạn,${NOTE},${NOTE}`,
  `0241234567,Hà Nội,${NOTE},${NOTE}`,
].join('\r\n');
/** As large, but without a phone column: the job fails on reading it. */
const NO_PHONE_CSV = [
  'Họ và tên,Tỉnh,Ghi chú',
  ...Array.from({ length: GOOD_ROWS }, (_, i) => `Người ${i},Bắc Kạn,${NOTE}${NOTE}`),
].join('\r\n');

const IMPORTS = '**/v1/audiences/*/imports/*';
const PolledJob = z.object({
  status: z.enum(['running', 'succeeded', 'failed']),
  rowsRead: z.number(),
  totalRows: z.number().optional(),
});
type PolledJob = z.infer<typeof PolledJob>;

/**
 * Passes the page's polls of an import to the API, recording each answer. A poll waits while the gate is
 * shut: shut from the start, and shut again after the first answer that `shutAfter` picks, so the page
 * stays on that state for its screenshots however fast the job runs on. (Here a step of 10,000 rows takes
 * seconds and the page polls every second, so a poll finds the job between its steps.)
 */
const gatePolls = async (page: Page, shutAfter: (job: PolledJob) => boolean) => {
  const answers: PolledJob[] = [];
  let open = () => {};
  let gate = new Promise<void>((done) => (open = done));
  let picked = false;
  await page.route(IMPORTS, async (route) => {
    await gate;
    const response = await route.fetch();
    const job = PolledJob.parse(await response.json());
    answers.push(job);
    if (!picked && shutAfter(job)) {
      picked = true;
      gate = new Promise<void>((done) => (open = done));
    }
    await route.fulfill({ response });
  });
  return { answers, open: () => open(), stop: () => page.unroute(IMPORTS) };
};

const chooseAndUpload = async (page: Page, name: string, csv: string) => {
  expect(Buffer.byteLength(csv)).toBeGreaterThan(UPLOAD_FIRST_BYTES);
  await page
    .getByLabel('Tải tệp lên (CSV hoặc Excel)')
    .setInputFiles({ name, mimeType: 'text/csv', buffer: Buffer.from(csv) });
  await page.getByRole('button', { name: 'Tải lên' }).click();
};

/** Every request but a GET that the page sends from now on, as `METHOD /path` with its ids as `:id`. */
const sentChanges = (page: Page) => {
  const calls: string[] = [];
  page.on('request', (request) => {
    if (request.method() === 'GET') return;
    const { pathname } = new URL(request.url());
    calls.push(`${request.method()} ${pathname.replace(/\/[0-9A-Za-z_-]{20,}/g, '/:id')}`);
  });
  return calls;
};

beforeAll(async () => {
  run = await openConsole('import-job');
  await signIn(run, { role: 'officer', user: `can-bo-nhap.${suffix}@local` });
});
afterAll(() => run?.stop());

describe('an officer importing a file over 5 MB', () => {
  it('uploads it, sees the import start and its rows read so far, then the check of the file', async () => {
    const { page } = run;
    await openNewAudienceForm(run);
    await submitNewAudience(run, `Bắc Kạn – tệp lớn ${suffix}`);
    const calls = sentChanges(page);
    const polls = await gatePolls(page, (job) => job.status === 'running' && job.totalRows !== undefined);

    await chooseAndUpload(page, 'bac-kan-lon.csv', LARGE_CSV);
    const progress = page.getByTestId('import-progress');
    await progress.getByText('Đã tải lên, đang bắt đầu nhập danh sách…').waitFor();
    expect(await page.locator('#import-progress').getAttribute('value')).toBeNull();
    expect(await run.check('import-job-starting')).toEqual([]);

    polls.open();
    await progress.getByText(/^Đang nhập [\d.]+ \/ 25\.002 dòng$/).waitFor();
    const read = Number((await page.locator('#import-progress').getAttribute('value')) ?? '');
    expect(read % 10_000).toBe(0);
    expect(read).toBeGreaterThan(0);
    expect(read).toBeLessThan(25_002);
    expect(await page.locator('#import-progress').getAttribute('max')).toBe('25002');
    expect(await run.check('import-job-progress')).toEqual([]);

    polls.open();
    await page.getByRole('heading', { name: 'Kết quả kiểm tra tệp' }).waitFor();
    await page.getByText('Đã nhận 25.000 số, loại 1 dòng, 1 số trùng lặp.', { exact: false }).waitFor();
    await page.getByText('Danh sách hiện có 25.000 thuê bao.').waitFor();
    const rejected = await page
      .getByRole('table', { name: 'Dòng bị loại' })
      .locator('tbody tr')
      .allTextContents();
    expect(rejected).toHaveLength(1);
    expect(rejected[0]).toMatch(/^25\.002\s*0241234567/);
    expect(await run.check('import-job-done')).toEqual([]);

    // The job path, not the body: the file went to the upload URL, and the page polled until it ended.
    expect(calls).toEqual([
      'POST /v1/audiences/:id/import-uploads',
      expect.stringMatching(/^PUT /),
      'POST /v1/audiences/:id/subscribers',
    ]);
    expect(polls.answers.at(0)?.status).toBe('running');
    expect(polls.answers.at(-1)).toMatchObject({ status: 'succeeded', rowsRead: 25_002, totalRows: 25_002 });
    await polls.stop();
    expect(run.pageErrors).toEqual([]);
  });

  it('shows why the import failed beside the file field, for a file the import cannot read', async () => {
    const { page } = run;
    await openNewAudienceForm(run);
    await submitNewAudience(run, `Tệp lớn không có số ${suffix}`);
    const polls = await gatePolls(page, () => false);
    polls.open();

    await chooseAndUpload(page, 'khong-co-so.csv', NO_PHONE_CSV);
    await page.locator('#csv-file-error').getByText(/phone/).waitFor();
    expect(await page.getByTestId('import-progress').count()).toBe(0);
    await page.getByText('Danh sách chưa có thuê bao nào: tải tệp CSV lên để thêm.').waitFor();
    expect(await run.check('import-job-failed')).toEqual([]);

    expect(polls.answers.at(-1)?.status).toBe('failed');
    await polls.stop();
  });
});
