import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeMembers } from '#adapters/audience-store.js';
import { IMPORT_STEP_ROWS } from '#core/import-job.js';
import type { TestApi } from '#support/api.js';
import { newAudience } from '#support/audiences.js';
import { crashableRuntime } from '#support/crash.js';
import { importUpload, readImport, startImportApi, uploadFile, waitForImport } from '#support/imports.js';
import { waitFor } from '#support/sending.js';
import { queryAll } from '#support/table-items.js';
import { bodyOf, send } from '#support/typed-api.js';

/**
 * Issue #17: an uploaded file is imported in the background. `POST .../subscribers { uploadId }` answers
 * 202 with the job; `GET .../imports/{importId}` follows it until it has succeeded, with exactly the answer
 * the same file gets when sent synchronously; a run killed midway carries on after a restart, each row once.
 */

let api: TestApi;

beforeAll(async () => {
  api = await startImportApi();
});

afterAll(() => api?.close());

const PROVINCES = ['Bắc Kạn', 'Thái Nguyên', 'Huế', 'Cao Bằng', 'Không rõ'];
const PREFIXES = ['098', '091', '090', '092', '070'];

/** `n` rows of several carriers and provinces, some repeated, some rejected, with a name column. */
const csvOf = (n: number) =>
  [
    'Số điện thoại,Tỉnh,Họ và tên',
    ...Array.from({ length: n }, (_, i) => {
      if (i % 997 === 5) return `024 3123 ${String(i).padStart(4, '0')},Hà Nội,Cơ quan`;
      const at = i % 1009 === 7 ? i - 7 : i;
      return `${PREFIXES[at % 5]}${String(at).padStart(7, '0')},${PROVINCES[at % 5]},Người ${at}`;
    }),
  ].join('\r\n');

describe('a background import of an upload', () => {
  it('answers 202 and follows 30,000 rows to the answer the synchronous import gives', async () => {
    const rows = 30_000;
    const file = csvOf(rows);
    const audienceId = await newAudience(api);
    const uploadId = await uploadFile(api, audienceId, file);
    const answer = await importUpload(api, audienceId, uploadId);
    const started = bodyOf(answer, 202);
    expect(started).toMatchObject({ audienceId, status: 'running', rowsRead: 0 });
    expect(answer.headers.get('location')).toBe(`/v1/audiences/${audienceId}/imports/${started.importId}`);

    const done = await waitForImport(api, audienceId, started.importId, { lang: 'vi' });
    expect(done).toMatchObject({ status: 'succeeded', rowsRead: rows, totalRows: rows });
    expect(done.finishedAt).toBeDefined();

    const synchronous = await newAudience(api, 'Cùng tệp, gửi thẳng');
    const expected = bodyOf(
      await send(api, 'importSubscribers', {
        params: { audienceId: synchronous },
        as: 'officer',
        csv: file,
        headers: { 'accept-language': 'vi' },
      }),
      200,
    );
    expect(done.result).toEqual(expected);
    expect(done).toMatchObject({
      accepted: expected.accepted,
      duplicates: expected.duplicates,
      rejectedCount: expected.rejectedCount,
      rejected: expected.rejected,
    });
    const viewOf = async (id: string) => {
      const {
        id: _id,
        name: _name,
        createdAt: _at,
        ...view
      } = bodyOf(await send(api, 'getAudience', { params: { audienceId: id }, as: 'officer' }), 200);
      return view;
    };
    expect(await viewOf(audienceId)).toEqual(await viewOf(synchronous));
  }, 180_000);

  it('fails with the 400 the synchronous import answers for a file it cannot read', async () => {
    const audienceId = await newAudience(api);
    const uploadId = await uploadFile(api, audienceId, 'Họ và tên\r\nAn');
    const started = bodyOf(await importUpload(api, audienceId, uploadId), 202);
    const failed = await waitForImport(api, audienceId, started.importId);
    expect(failed.status).toBe('failed');
    expect(failed.error).toMatchObject({ code: 'validation_failed' });
    expect(JSON.stringify(failed.error)).toContain('csv_no_phone_column');
    // The audience is free again.
    const again = await importUpload(api, audienceId, await uploadFile(api, audienceId, csvOf(3)));
    const ok = await waitForImport(api, audienceId, bodyOf(again, 202).importId);
    expect(ok.result).toMatchObject({ accepted: 3, size: 3 });
  });

  it('answers 404 for an unknown import and for an import of another audience', async () => {
    const audienceId = await newAudience(api);
    const other = await newAudience(api, 'Khác');
    const unknown = await send(api, 'getImport', {
      params: { audienceId, importId: '01ARZ3NDEKTSV4RRFFQ69G5FAV' },
      as: 'officer',
    });
    expect(unknown.status).toBe(404);
    const started = bodyOf(await importUpload(api, other, await uploadFile(api, other, csvOf(2))), 202);
    const elsewhere = await send(api, 'getImport', {
      params: { audienceId, importId: started.importId },
      as: 'officer',
    });
    expect(elsewhere.status).toBe(404);
    expect((await readImport(api, other, started.importId)).importId).toBe(started.importId);
    await waitForImport(api, other, started.importId);
    // A bad id is a 400 on its field, as every id.
    const bad = await send(api, 'getImport', { params: { audienceId, importId: 'nope' }, as: 'officer' });
    expect(bad.status).toBe(400);
  });

  it('is not for planners: rejected rows show phones as written', async () => {
    const audienceId = await newAudience(api);
    const started = bodyOf(
      await importUpload(api, audienceId, await uploadFile(api, audienceId, csvOf(2))),
      202,
    );
    const planner = await send(api, 'getImport', {
      params: { audienceId, importId: started.importId },
      as: 'planner',
    });
    expect(planner.status).toBe(403);
    await waitForImport(api, audienceId, started.importId);
  });
});

describe('a background import killed midway', () => {
  const runtime = crashableRuntime('import-job');

  afterAll(() => runtime.close(), 60_000);

  it('carries on after a SIGKILL of npm start and a restart, each row once', async () => {
    // Four steps: the kill lands after the first is committed and before the last.
    const rows = 4 * IMPORT_STEP_ROWS;
    const file = csvOf(rows);
    const first = await runtime.start();
    const audienceId = await newAudience(first.api, 'Bị ngắt');
    const uploadId = await uploadFile(first.api, audienceId, file);
    const started = bodyOf(await importUpload(first.api, audienceId, uploadId), 202);
    let seen = { status: 'running', rowsRead: 0 };
    await waitFor(
      () => `some but not all rows imported (${JSON.stringify(seen)})`,
      async () => {
        seen = await readImport(first.api, audienceId, started.importId);
        return seen.status === 'running' && seen.rowsRead > 0;
      },
      120_000,
      20,
    );
    expect(await runtime.crash(first.local)).toBeNull();

    const second = await runtime.start();
    const done = await waitForImport(second.api, audienceId, started.importId);
    expect(done).toMatchObject({ status: 'succeeded', rowsRead: rows });

    // Each phone in the table's chunks once, and as many as the audience counts.
    const client = await runtime.tableClient();
    const phones: string[] = [];
    try {
      const chunks = await queryAll(client, {
        TableName: 'sms-campaigns',
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :chunk)',
        ExpressionAttributeValues: { ':pk': `AUDIENCE#${audienceId}`, ':chunk': 'CHUNK#' },
      });
      for (const item of chunks) phones.push(...decodeMembers(item.members).map((m) => m.phone));
    } finally {
      client.destroy();
    }
    expect(phones.length).toBe(new Set(phones).size);
    expect(phones.length).toBe(done.result?.accepted);
    const audience = bodyOf(
      await send(second.api, 'getAudience', { params: { audienceId }, as: 'officer' }),
      200,
    );
    expect(audience.size).toBe(phones.length);
    expect(done.result?.size).toBe(phones.length);
    expect(done.result?.accepted).toBe(rows - done.duplicates - done.rejectedCount);
    expect(await second.local.stop('SIGTERM')).toBe(0);
  }, 300_000);
});
