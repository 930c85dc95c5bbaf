import type { ImportMediaType } from '#core/import-upload.js';
import type { TestApi } from './api.js';
import { waitFor } from './sending.js';
import { bodyOf, send } from './typed-api.js';

type Api = Pick<TestApi, 'sendRaw'>;

/** Uploads `file` for the audience (a pre-signed PUT) and answers its upload id. */
export const uploadFile = async (
  api: Api,
  audienceId: string,
  file: string | Uint8Array,
  contentType: ImportMediaType = 'text/csv',
): Promise<string> => {
  const upload = bodyOf(
    await send(api, 'createImportUpload', { params: { audienceId }, as: 'officer', json: { contentType } }),
    201,
  );
  const put = await fetch(upload.url, {
    method: 'PUT',
    headers: { 'content-type': contentType },
    body: typeof file === 'string' ? file : new Uint8Array(file),
  });
  if (put.status !== 200) throw new Error(`The upload's PUT answered ${put.status}`);
  return upload.uploadId;
};

/** Imports an upload: the answer, 202 with the job when it started. */
export const importUpload = (api: Api, audienceId: string, uploadId: string) =>
  send(api, 'importSubscribers', { params: { audienceId }, as: 'officer', json: { uploadId } });

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
  const started = bodyOf(await importUpload(api, audienceId, uploadId), 202);
  return waitForImport(api, audienceId, started.importId);
};
