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
 * far (the audience's size with them, never "no subscriber"), then the same check a small file gets; or,
 * for a file the import cannot read, the failure summed up above the form and its reason beside the file
 * field.
 */
let run: ConsoleRun;
const suffix = Date.now().toString(36);

/**
 * 10,000 distinct Viettel mobiles, one twice and a landline: 10,002 rows, two steps of the job (10,000 rows
 * each). Six notes of 100 characters a row take the file past 5 MB.
 */
const GOOD_ROWS = 10_000;
const NOTE_COLUMNS = 6;
const NOTES = Array.from({ length: NOTE_COLUMNS }, () => 'x'.repeat(100)).join(',');
const NOTE_HEADERS = Array.from({ length: NOTE_COLUMNS }, (_, i) => `Ghi chú ${i + 1}`).join(',');
const LARGE_CSV = [
  `Số điện thoại,Tỉnh,${NOTE_HEADERS}`,
  ...Array.from({ length: GOOD_ROWS }, (_, i) => `098${String(i).padStart(7, '0')},Bắc Kạn,${NOTES}`),
  `0980000000,Bắc Kạn,${NOTES}`,
  `0241234567,Hà Nội,${NOTES}`,
].join('\r\n');
/** As large, but without a phone column: the job fails on reading it. */
const NO_PHONE_CSV = [
  `Họ và tên,Tỉnh,${NOTE_HEADERS}`,
  ...Array.from({ length: GOOD_ROWS }, (_, i) => `Người ${i},Bắc Kạn,${NOTES}`),
].join('\r\n');
/**
 * How long a step of the job may take to show: 10,000 rows written and committed, on a machine shared by
 * other runs (30 s was not always enough there).
 */
const STEP_WAIT = { timeout: 90_000 };
/** A test: the job's two steps, and the screenshots between them. */
const JOB_TEST_MS = 240_000;
const NO_SUBSCRIBERS = 'Danh sách chưa có thuê bao nào: tải tệp CSV lên để thêm.';
const NONE_YET = 'Đang nhập danh sách: thuê bao hiện ở đây sau mỗi phần của tệp được nhập xong.';

const IMPORTS = '**/v1/audiences/*/imports/*';
const PolledJob = z.object({
  status: z.enum(['running', 'succeeded', 'failed']),
  rowsRead: z.number(),
  totalRows: z.number().optional(),
});
type PolledJob = z.infer<typeof PolledJob>;

/** Lets `ms` pass between two reads of a state that must come (a poll, not a wait for a moment). */
const pause = (ms: number) => new Promise((done) => setTimeout(done, ms));

/**
 * Holds the page's polls of an import until `open` is called, then passes them to the API, recording each
 * answer. With `oneStepIn`, the first poll after opening waits (reading the job itself) until the job has
 * committed at least one step, and answers as a job exactly one step in, still running; the polls after it
 * are held until `open` again. The job runs on the server at its own pace, so a real answer between two
 * steps cannot be waited for without a race; the rows the page reads meanwhile are the audience's real ones.
 */
const gatePolls = async (page: Page, oneStepIn?: { rowsRead: number }) => {
  const answers: PolledJob[] = [];
  let open = () => {};
  let gate = new Promise<void>((done) => (open = done));
  let rewrite = oneStepIn;
  await page.route(IMPORTS, async (route) => {
    await gate;
    const step = rewrite;
    if (step) {
      rewrite = undefined;
      const request = route.request();
      let real = PolledJob.parse(await (await route.fetch()).json());
      while (real.status === 'running' && real.rowsRead < step.rowsRead) {
        await pause(200);
        const again = await page.request.get(request.url(), { headers: request.headers() });
        real = PolledJob.parse(await again.json());
      }
      gate = new Promise<void>((done) => (open = done));
      const { totalRows } = real;
      await route.fulfill({
        json: { status: 'running', rowsRead: step.rowsRead, ...(totalRows ? { totalRows } : {}) },
      });
      return;
    }
    const response = await route.fetch();
    answers.push(PolledJob.parse(await response.json()));
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

describe('an officer importing a file over 5 MB', { timeout: JOB_TEST_MS }, () => {
  it('uploads it, sees the import start and its rows read so far, then the check of the file', async () => {
    const { page } = run;
    await openNewAudienceForm(run);
    await submitNewAudience(run, `Bắc Kạn – tệp lớn ${suffix}`);
    const calls = sentChanges(page);
    const polls = await gatePolls(page, { rowsRead: 10_000 });

    await chooseAndUpload(page, 'bac-kan-lon.csv', LARGE_CSV);
    const progress = page.getByTestId('import-progress');
    const sizeLine = page.locator('p.lead').first();
    await progress.getByText('Đã tải lên, đang bắt đầu nhập danh sách…').waitFor();
    expect(await page.locator('#import-progress').getAttribute('value')).toBeNull();
    // Nothing is in yet, and the page says it is coming rather than that the audience is empty.
    expect(await sizeLine.textContent()).toBe('0 thuê bao, đang nhập thêm');
    await page.getByText(NONE_YET).waitFor();
    expect(await page.getByText(NO_SUBSCRIBERS).count()).toBe(0);
    expect(await run.check('import-job-starting')).toEqual([]);

    polls.open();
    await progress.getByText(/^Đang nhập 10\.000 \/ 10\.002 dòng$/).waitFor(STEP_WAIT);
    expect(await page.locator('#import-progress').getAttribute('value')).toBe('10000');
    expect(await page.locator('#import-progress').getAttribute('max')).toBe('10002');
    // The first step's rows are in the audience, and the page shows them while the rest are imported.
    expect(await sizeLine.textContent()).toBe('10.000 thuê bao, đang nhập thêm');
    const byCarrier = page.getByRole('table', { name: 'Theo nhà mạng' });
    expect(await byCarrier.locator('tbody tr').allTextContents()).toEqual([
      expect.stringMatching(/^Viettel\s*10\.000/),
    ]);
    expect(await page.getByText(NO_SUBSCRIBERS).count()).toBe(0);
    expect(await page.getByText(NONE_YET).count()).toBe(0);
    expect(await run.check('import-job-progress')).toEqual([]);

    polls.open();
    await page.getByRole('heading', { name: 'Kết quả kiểm tra tệp' }).waitFor(STEP_WAIT);
    await page.getByText('Đã nhận 10.000 số, loại 1 dòng, 1 số trùng lặp.', { exact: false }).waitFor();
    await page.getByText('Danh sách hiện có 10.000 thuê bao.').waitFor();
    expect(await sizeLine.textContent()).toBe('10.000 thuê bao');
    const rejected = await page
      .getByRole('table', { name: 'Dòng bị loại' })
      .locator('tbody tr')
      .allTextContents();
    expect(rejected).toHaveLength(1);
    expect(rejected[0]).toMatch(/^10\.002\s*0241234567/);
    expect(await run.check('import-job-done')).toEqual([]);

    // The job path, not the body: the file went to the upload URL, and the page polled until it ended.
    expect(calls).toEqual([
      'POST /v1/audiences/:id/import-uploads',
      expect.stringMatching(/^PUT /),
      'POST /v1/audiences/:id/subscribers',
    ]);
    expect(polls.answers.at(-1)).toMatchObject({
      status: 'succeeded',
      rowsRead: 10_002,
      totalRows: 10_002,
    });
    await polls.stop();
    expect(run.pageErrors).toEqual([]);
  });

  it('sums the failure up above the form and says why beside the file field, for a file it cannot read', async () => {
    const { page } = run;
    await openNewAudienceForm(run);
    await submitNewAudience(run, `Tệp lớn không có số ${suffix}`);
    const polls = await gatePolls(page);
    polls.open();

    await chooseAndUpload(page, 'khong-co-so.csv', NO_PHONE_CSV);
    await page.locator('#csv-file-error').getByText(/phone/).waitFor();
    const summary = page
      .getByRole('alert')
      .filter({ has: page.getByRole('heading', { name: 'Nhập danh sách thất bại' }) });
    expect(await summary.getByRole('listitem').allTextContents()).toEqual([
      await page.locator('#csv-file-error').textContent(),
    ]);
    expect(await page.getByTestId('import-progress').count()).toBe(0);
    await page.getByText(NO_SUBSCRIBERS).waitFor();
    expect(await run.check('import-job-failed')).toEqual([]);

    expect(polls.answers.at(-1)?.status).toBe('failed');
    await polls.stop();
  });
});
