import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { localFileStore } from '#adapters/local-file-store.js';
import { XLSX_MEDIA_TYPE } from '#core/import-upload.js';
import type { TestApi } from '#support/api.js';
import { newAudience } from '#support/audiences.js';
import { createUpload, importUpload, importedUpload, putFile, startImportApi } from '#support/imports.js';
import { bodyOf, send } from '#support/typed-api.js';
import { xlsxFile } from '#support/xlsx.js';

/**
 * Issue #18: an import too large for a request body goes through an upload: `POST .../import-uploads`
 * answers a pre-signed PUT URL (here the local runtime's stand-in for S3), the file is PUT there, and
 * `POST .../subscribers` with `{ uploadId }` imports it by the same rules as a body, in the background
 * (issue #17: 202, then `GET .../imports/{importId}`; test/integration/import-jobs.test.ts).
 */

let api: TestApi;

beforeAll(async () => {
  api = await startImportApi();
});

afterAll(() => api?.close());

/** What the import answered once it succeeded, as the same file sent as a body gets it. */
const resultOf = async (audienceId: string, uploadId: string) => {
  const job = await importedUpload(api, audienceId, uploadId);
  expect(job.status).toBe('succeeded');
  if (!job.result) throw new Error('no result');
  return job.result;
};

const sizeOf = async (audienceId: string) =>
  bodyOf(await send(api, 'getAudience', { params: { audienceId }, as: 'officer' }), 200).size;

/** `n` distinct Viettel mobiles, one CSV line each. */
const csvOf = (n: number, from = 0) =>
  [
    'Số điện thoại,Tỉnh',
    ...Array.from({ length: n }, (_, i) => `098${String(from + i).padStart(7, '0')},Bắc Kạn`),
  ].join('\r\n');

describe('an import through an upload', () => {
  it('adds the members of a CSV file over 6 MB, as the same file in a body would', async () => {
    const audienceId = await newAudience(api);
    const upload = await createUpload(api, audienceId, 'text/csv');
    expect(upload).toMatchObject({
      method: 'PUT',
      headers: { 'content-type': 'text/csv' },
      maxBytes: 32 * 1024 * 1024,
    });
    expect(new Date(upload.expiresAt).getTime()).toBeGreaterThan(Date.now());
    // 7,000 rows of ten long attributes each: more than an API Gateway body to Lambda can carry.
    const columns = Array.from({ length: 10 }, (_, c) => `Ghi chú ${c + 1}`);
    const rows = Array.from(
      { length: 7_000 },
      (_, i) => `098${String(i).padStart(7, '0')},Bắc Kạn,${columns.map(() => 'x'.repeat(95)).join(',')}`,
    );
    const file = [['Số điện thoại', 'Tỉnh', ...columns].join(','), ...rows].join('\r\n');
    expect(Buffer.byteLength(file)).toBeGreaterThan(6 * 1024 * 1024);
    expect((await putFile(upload.url, 'text/csv', file)).status).toBe(200);
    const result = await resultOf(audienceId, upload.uploadId);
    expect(result).toMatchObject({ accepted: 7_000, duplicates: 0, rejectedCount: 0 });
    expect(await sizeOf(audienceId)).toBe(7_000);
  });

  it('reads an uploaded .xlsx and an uploaded JSON file by the type the upload was made for', async () => {
    const audienceId = await newAudience(api);
    const xlsx = await createUpload(api, audienceId, XLSX_MEDIA_TYPE);
    const workbook = await xlsxFile([
      ['Số điện thoại', 'Tỉnh'],
      [981234567, 'Bắc Kạn'],
      ['0912345678', 'Huế'],
    ]);
    expect((await putFile(xlsx.url, XLSX_MEDIA_TYPE, workbook)).status).toBe(200);
    expect(await resultOf(audienceId, xlsx.uploadId)).toMatchObject({ accepted: 2 });

    const json = await createUpload(api, audienceId, 'application/json');
    const subscribers = [{ phone: '0903334444', province: 'Huế' }, { phone: '024 3123 4567' }];
    expect((await putFile(json.url, 'application/json', JSON.stringify({ subscribers }))).status).toBe(200);
    const result = await resultOf(audienceId, json.uploadId);
    expect(result).toMatchObject({ accepted: 1, rejectedCount: 1 });
    expect(result.rejected[0]).toMatchObject({ row: 2, code: 'landline' });
    expect(await sizeOf(audienceId)).toBe(3);
  });

  it('refuses an uploaded JSON file that is not a subscriber list, naming the field', async () => {
    const audienceId = await newAudience(api);
    const notJson = await createUpload(api, audienceId, 'application/json');
    await putFile(notJson.url, 'application/json', '{"subscribers": [');
    const invalid = await importedUpload(api, audienceId, notJson.uploadId);
    expect(invalid.status).toBe('failed');
    expect(invalid.error).toMatchObject({ code: 'invalid_json' });
    const wrong = await createUpload(api, audienceId, 'application/json');
    await putFile(wrong.url, 'application/json', JSON.stringify({ subscribers: [{ phon: '0981234567' }] }));
    const refused = await importedUpload(api, audienceId, wrong.uploadId);
    expect(refused.error).toMatchObject({ code: 'validation_failed' });
    expect(JSON.stringify(refused.error)).toContain('subscribers.0.phon');
  });
});

describe('what an upload refuses', () => {
  it('answers 404 for an upload that does not exist or belongs to another audience', async () => {
    const audienceId = await newAudience(api);
    const unknown = await importUpload(api, audienceId, '01ARZ3NDEKTSV4RRFFQ69G5FAV');
    expect(unknown.status).toBe(404);
    const other = await newAudience(api, 'Khác');
    const upload = await createUpload(api, other, 'text/csv');
    await putFile(upload.url, 'text/csv', csvOf(3));
    expect((await importUpload(api, audienceId, upload.uploadId)).status).toBe(404);
    expect(await sizeOf(audienceId)).toBe(0);
    // It is the other audience's: there it imports.
    expect(await resultOf(other, upload.uploadId)).toMatchObject({ accepted: 3 });
  });

  it('answers 409 naming the reason while nothing has been uploaded', async () => {
    const audienceId = await newAudience(api);
    const upload = await createUpload(api, audienceId, 'text/csv');
    const early = await importUpload(api, audienceId, upload.uploadId);
    expect(early.status).toBe(409);
    expect(early.body).toMatchObject({ error: { message: expect.stringContaining('PUT the file') } });
  });

  it('answers 413 for an uploaded file over 32 MiB, without reading it', async () => {
    const audienceId = await newAudience(api);
    const upload = await createUpload(api, audienceId, 'text/csv');
    const file = `Số điện thoại\r\n${'0981234567\r\n'.repeat(Math.ceil((32 * 1024 * 1024) / 12) + 10)}`;
    expect((await putFile(upload.url, 'text/csv', file)).status).toBe(200);
    const refused = await importUpload(api, audienceId, upload.uploadId);
    expect(refused.status).toBe(413);
    expect(refused.body).toMatchObject({ error: { code: 'payload_too_large' } });
  });

  it('takes no other Content-Type than the one signed, and no altered or expired URL (403, as S3)', async () => {
    const audienceId = await newAudience(api);
    const upload = await createUpload(api, audienceId, 'text/csv');
    expect((await putFile(upload.url, 'application/json', '{}')).status).toBe(403);
    const altered = new URL(upload.url);
    altered.searchParams.set('type', 'application/json');
    expect((await putFile(altered.toString(), 'application/json', '{}')).status).toBe(403);
    const key = new URL(upload.url).pathname.replace('/local-files/', '');
    const expired = await localFileStore().uploadUrl(key, { contentType: 'text/csv', expiresInSeconds: -1 });
    const refused = await putFile(expired, 'text/csv', csvOf(1));
    expect(refused.status).toBe(403);
    expect(await refused.text()).toContain('Request has expired');
    // Nothing refused was kept.
    expect((await importUpload(api, audienceId, upload.uploadId)).status).toBe(409);
  });

  it('answers 400 for an upload id that is no id, or one given with subscribers', async () => {
    const audienceId = await newAudience(api);
    const bad = await send(api, 'importSubscribers', {
      params: { audienceId },
      as: 'officer',
      json: { uploadId: 'nope' },
    });
    expect(bad.status).toBe(400);
    expect(bad.body).toMatchObject({ error: { details: [{ path: 'uploadId', code: 'invalid_upload_id' }] } });
    const both = await send(api, 'importSubscribers', {
      params: { audienceId },
      as: 'officer',
      json: { uploadId: '01ARZ3NDEKTSV4RRFFQ69G5FAV', subscribers: [{ phone: '0981234567' }] },
    });
    expect(both.status).toBe(400);
    expect(both.body).toMatchObject({
      error: { details: [{ path: 'uploadId', code: 'subscribers_or_upload' }] },
    });
    const neither = await send(api, 'importSubscribers', { params: { audienceId }, as: 'officer', json: {} });
    expect(neither.status).toBe(400);
    expect(neither.body).toMatchObject({ error: { details: [{ path: 'subscribers', code: 'required' }] } });
  });

  it('answers 404 for an unknown audience, 400 for an unknown type, 403 for a planner', async () => {
    const unknown = await send(api, 'createImportUpload', {
      params: { audienceId: '01ARZ3NDEKTSV4RRFFQ69G5FAV' },
      as: 'officer',
      json: { contentType: 'text/csv' },
    });
    expect(unknown.status).toBe(404);
    const audienceId = await newAudience(api);
    const badType = await api.sendRaw('POST', `/v1/audiences/${audienceId}/import-uploads`, {
      as: 'officer',
      json: { contentType: 'application/pdf' },
    });
    expect(badType.status).toBe(400);
    expect(badType.body).toMatchObject({
      error: { details: [{ path: 'contentType', code: 'invalid_value' }] },
    });
    const planner = await send(api, 'createImportUpload', {
      params: { audienceId },
      as: 'planner',
      json: { contentType: 'text/csv' },
    });
    expect(planner.status).toBe(403);
  });
});
