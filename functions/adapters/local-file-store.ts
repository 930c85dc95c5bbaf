import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve, sep } from 'node:path';
import type { FileStore } from '#core/files.js';

/**
 * The local runtime's stand-in for the files bucket (issue #18): objects as files on disk, and expiring
 * URLs signed with an HMAC key of this process, which the local server (local/files.ts) serves at
 * `/local-files/{key}` as S3 serves a pre-signed URL: no bearer token, refused once expired or altered.
 * Only the storage differs from AWS: the handlers and the flow are the same.
 */

export const LOCAL_FILES_PATH = '/local-files/';

/** Never leaves the process: the URLs it signs work as long as this process runs. */
const signingKey = randomBytes(32);

const place: { baseUrl?: string; dir?: string } = {};

/** The local server says where it serves the files (its own URL) and, optionally, where they are kept. */
export const serveLocalFilesAt = (baseUrl: string, dir?: string): void => {
  place.baseUrl = baseUrl.replace(/\/+$/, '');
  if (dir) place.dir = dir;
};

const directory = (): string => (place.dir ??= mkdtempSync(join(tmpdir(), 'sms-files-')));

/** Keys as the core makes them (`exports/{id}/{id}.csv`): nothing that could leave the directory. */
const KEY = /^[\w-]+(?:\/[\w-]+(?:\.[\w-]+)*)*$/;

export class LocalFileKeyError extends Error {
  readonly code = 'local_file_key_invalid';
}

/** Where a key's file lives; its content type is kept beside it (`#` is in no key). */
export const localFilePath = (key: string): string => {
  if (!KEY.test(key)) throw new LocalFileKeyError(`Not a file key: ${key}`);
  const root = resolve(directory());
  const path = resolve(root, key);
  if (!path.startsWith(root + sep)) throw new LocalFileKeyError(`Not a file key: ${key}`);
  return path;
};
const typePath = (path: string) => `${path}#type`;

/** What a URL allows: one method on one key until `expires` (seconds since the epoch). */
export interface LocalFileGrant {
  method: 'GET' | 'PUT';
  key: string;
  expires: number;
  contentType: string;
  /** Downloads only: the name it is saved under. */
  filename?: string | undefined;
}

const signatureOf = (grant: LocalFileGrant): string =>
  createHmac('sha256', signingKey)
    .update(JSON.stringify([grant.method, grant.key, grant.expires, grant.contentType, grant.filename ?? '']))
    .digest('base64url');

const signedUrl = (grant: LocalFileGrant): string => {
  if (!place.baseUrl)
    throw new Error('The local file store has no address: the local API serves it (createLocalApi)');
  const query = new URLSearchParams({
    method: grant.method,
    expires: String(grant.expires),
    type: grant.contentType,
    ...(grant.filename ? { filename: grant.filename } : {}),
    signature: signatureOf(grant),
  });
  return `${place.baseUrl}${LOCAL_FILES_PATH}${grant.key}?${query.toString()}`;
};

/** Why a URL is refused, in S3's words (`AccessDenied`), or the grant it carries. */
export type LocalUrlCheck = { ok: true; grant: LocalFileGrant } | { ok: false; reason: string };

export const checkLocalFileUrl = (method: string, url: URL, now: Date): LocalUrlCheck => {
  const query = url.searchParams;
  const expires = Number(query.get('expires'));
  const grant: LocalFileGrant = {
    method: method === 'PUT' ? 'PUT' : 'GET',
    // A key needs no percent-encoding (see KEY): one that has any is no key of ours, and fails below.
    key: url.pathname.slice(LOCAL_FILES_PATH.length),
    expires,
    contentType: query.get('type') ?? '',
    filename: query.get('filename') ?? undefined,
  };
  const given = Buffer.from(query.get('signature') ?? '');
  const expected = Buffer.from(signatureOf(grant));
  if (query.get('method') !== method || given.length !== expected.length || !timingSafeEqual(given, expected))
    return { ok: false, reason: 'The request signature does not match' };
  if (!Number.isInteger(expires) || expires * 1000 <= now.getTime())
    return { ok: false, reason: 'Request has expired' };
  return { ok: true, grant };
};

const inSeconds = (seconds: number) => Math.floor(Date.now() / 1000) + seconds;

export const writeLocalFile = async (key: string, body: Uint8Array | string, contentType: string) => {
  const path = localFilePath(key);
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, body);
  await writeFile(typePath(path), contentType);
};

/** The file and its type, or undefined when none was written under the key. */
export const readLocalFile = async (
  key: string,
): Promise<{ bytes: Buffer; contentType: string } | undefined> => {
  const path = localFilePath(key);
  try {
    const [bytes, contentType] = await Promise.all([readFile(path), readFile(typePath(path), 'utf8')]);
    return { bytes, contentType };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
};

const sizeOf = async (path: string): Promise<number | undefined> => {
  try {
    return (await stat(path)).size;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
};

export const localFileStore = (): FileStore => ({
  put: writeLocalFile,
  async get(key, maxBytes) {
    const size = await sizeOf(localFilePath(key));
    if (size === undefined) return { found: false };
    if (size > maxBytes) return { found: true, tooLarge: true, size };
    const file = await readLocalFile(key);
    return file ? { found: true, ...file } : { found: false };
  },
  downloadUrl: (key, { filename, contentType, expiresInSeconds }) =>
    Promise.resolve(
      signedUrl({ method: 'GET', key, expires: inSeconds(expiresInSeconds), contentType, filename }),
    ),
  uploadUrl: (key, { contentType, expiresInSeconds }) =>
    Promise.resolve(signedUrl({ method: 'PUT', key, expires: inSeconds(expiresInSeconds), contentType })),
});
