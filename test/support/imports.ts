import type { ImportMediaType } from '#core/import-upload.js';
import { startLocalImportJobs } from '#local/import-jobs.js';
import { startTestApi, type TestApi } from './api.js';
import { waitFor } from './sending.js';
import { bodyOf, send } from './typed-api.js';

type Api = Pick<TestApi, 'sendRaw'>;

/** The test API with the local import jobs behind it, as uploads are imported in the background: `close` stops both. */
export const startImportApi = async (): Promise<TestApi> => {
  const api = await startTestApi();
  const jobs = await startLocalImportJobs();
  return {
    ...api,
    async close() {
      await jobs.stop();
      await api.close();
    },
  };
};

/** An officer's upload for the audience: where to PUT a file of `contentType`, and its id. */
export const createUpload = async (api: Api, audienceId: string, contentType: ImportMediaType) =>
  bodyOf(
    await send(api, 'createImportUpload', { params: { audienceId }, as: 'officer', json: { contentType } }),
    201,
  );

/** PUTs `body` to an upload's pre-signed URL, as a browser does: the answer as it is. */
export const putFile = (url: string, contentType: string, body: string | Uint8Array) =>
  fetch(url, {
    method: 'PUT',
    headers: { 'content-type': contentType },
    body: typeof body === 'string' ? body : new Uint8Array(body),
  });

/** Uploads `file` for the audience (a pre-signed PUT) and answers its upload id. */
export const uploadFile = async (
  api: Api,
  audienceId: string,
  file: string | Uint8Array,
  contentType: ImportMediaType = 'text/csv',
): Promise<string> => {
  const upload = await createUpload(api, audienceId, contentType);
  const put = await putFile(upload.url, contentType, file);
  if (put.status !== 200) throw new Error(`The upload's PUT answered ${put.status}`);
  return upload.uploadId;
};

/** Imports an upload: the answer, 202 with the job when it started. */
export const importUpload = (api: Api, audienceId: string, uploadId: string) =>
  send(api, 'importSubscribers', { params: { audienceId }, as: 'officer', json: { uploadId } });

/** Imports an upload in the background and waits until the job has finished: the job as it ended. */
export const importedUpload = async (
  api: Api,
  audienceId: string,
  uploadId: string,
): Promise<ImportJobAnswer> => {
  const started = bodyOf(await importUpload(api, audienceId, uploadId), 202);
  return waitForImport(api, audienceId, started.importId);
};

export const readImport = async (api: Api, audienceId: string, importId: string, lang?: string) =>
  bodyOf(
    await send(api, 'getImport', {
      params: { audienceId, importId },
      as: 'officer',
      ...(lang ? { headers: { 'accept-language': lang } } : {}),
    }),
    200,
  );

export type ImportJobAnswer = Awaited<ReturnType<typeof readImport>>;

/** Polls the import until it is no longer running; answers it as it ended. */
export const waitForImport = async (
  api: Api,
  audienceId: string,
  importId: string,
  { timeoutMs = 120_000, lang }: { timeoutMs?: number; lang?: string } = {},
): Promise<ImportJobAnswer> => {
  let last: ImportJobAnswer | undefined;
  await waitFor(
    () => `import ${importId} to finish (${last?.status}: ${last?.rowsRead} of ${last?.totalRows} rows)`,
    async () => (last = await readImport(api, audienceId, importId, lang)).status !== 'running',
    timeoutMs,
    100,
  );
  if (!last) throw new Error('never read');
  return last;
};

/** Uploads and imports `file`, waits until the job has finished, answers the job. */
export const importInBackground = async (
  api: Api,
  audienceId: string,
  file: string | Uint8Array,
  contentType?: ImportMediaType,
): Promise<ImportJobAnswer> => {
  const uploadId = await uploadFile(api, audienceId, file, contentType);
  return importedUpload(api, audienceId, uploadId);
};
