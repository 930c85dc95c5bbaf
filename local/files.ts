import type { IncomingMessage, ServerResponse } from 'node:http';
import { attachment } from '#adapters/file-store.js';
import {
  checkLocalFileUrl,
  LOCAL_FILES_PATH,
  LocalFileKeyError,
  readLocalFile,
  writeLocalFile,
} from '#adapters/local-file-store.js';

/**
 * The local server's stand-in for S3's pre-signed URLs (issue #18): `GET` and `PUT /local-files/{key}`,
 * no bearer token, the URL's own signature and expiry checked (functions/adapters/local-file-store.ts).
 * Refusals are S3's: 403 `AccessDenied` (expired, altered, another Content-Type), 404 `NoSuchKey`.
 */

/** S3 takes up to 5 GB in one PUT; on a developer's disk this is plenty. */
export const LOCAL_MAX_UPLOAD_BYTES = 64 * 1024 * 1024;

export const isLocalFilePath = (method: string, pathname: string): boolean =>
  (method === 'GET' || method === 'PUT') && pathname.startsWith(LOCAL_FILES_PATH);

const s3Error = (response: ServerResponse, status: number, code: string, message: string) => {
  response.writeHead(status, { 'content-type': 'application/xml' });
  response.end(
    `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${message}</Message></Error>`,
  );
};

const mediaOf = (contentType: string | undefined) => contentType?.split(';')[0]?.trim().toLowerCase();

export const serveLocalFile = async (
  request: IncomingMessage,
  response: ServerResponse,
  url: URL,
  readBody: () => Promise<Buffer>,
): Promise<void> => {
  const method = (request.method ?? 'GET').toUpperCase();
  const check = checkLocalFileUrl(method, url, new Date());
  if (!check.ok) {
    request.resume();
    s3Error(response, 403, 'AccessDenied', check.reason);
    return;
  }
  const { grant } = check;
  try {
    if (method === 'PUT') {
      // The type is part of the signature, as a signed `content-type` header is for S3.
      if (mediaOf(request.headers['content-type']) !== mediaOf(grant.contentType)) {
        request.resume();
        s3Error(response, 403, 'SignatureDoesNotMatch', 'The Content-Type is not the one signed');
        return;
      }
      await writeLocalFile(grant.key, await readBody(), grant.contentType);
      response.writeHead(200, { etag: '"local"' });
      response.end();
      return;
    }
    const file = await readLocalFile(grant.key);
    if (!file) {
      s3Error(response, 404, 'NoSuchKey', 'The specified key does not exist.');
      return;
    }
    response.writeHead(200, {
      'content-type': grant.contentType || file.contentType,
      'content-length': String(file.bytes.length),
      'cache-control': 'no-store',
      ...(grant.filename ? { 'content-disposition': attachment(grant.filename) } : {}),
    });
    response.end(file.bytes);
  } catch (error) {
    if (!(error instanceof LocalFileKeyError)) throw error;
    s3Error(response, 400, 'InvalidArgument', 'Not a key of this store');
  }
};
