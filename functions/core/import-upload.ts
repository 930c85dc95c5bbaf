import * as z from 'zod';
import { UploadId } from './audience.js';
import { getAudience, type AudienceDeps } from './audience-service.js';
import { AppError, ConflictError, NotFoundError } from './errors.js';
import { FILE_DAYS, FILE_URL_SECONDS, fileKey, type FileStore } from './files.js';
import type { Clock, Ids } from './clock.js';
import { IMPORT_MEDIA_TYPES, type ImportMediaType } from './media-types.js';

// In their own module so that every route's definition (http/route.ts) can name them without this one.
export { IMPORT_MEDIA_TYPES, XLSX_MEDIA_TYPE, type ImportMediaType } from './media-types.js';

/** The largest import body (API Gateway takes a body of at most ~6 MB in AWS). */
export const MAX_IMPORT_BYTES = 10 * 1024 * 1024;
/** The largest uploaded file: imported in the background (core/import-job.ts), up to MAX_JOB_ROWS rows. */
export const MAX_UPLOAD_BYTES = 32 * 1024 * 1024;

export const ImportUploadInput = z
  .strictObject({
    contentType: z.enum(IMPORT_MEDIA_TYPES).meta({
      description:
        'The type of the file to upload: the upload URL accepts a PUT with exactly this `Content-Type`',
    }),
  })
  .meta({ id: 'ImportUploadInput' });
export type ImportUploadInput = z.infer<typeof ImportUploadInput>;

export const ImportUploadView = z
  .object({
    uploadId: UploadId,
    url: z.url().meta({ description: 'PUT the file here, without a bearer token, before `expiresAt`' }),
    method: z.literal('PUT'),
    headers: z
      .object({ 'content-type': z.enum(IMPORT_MEDIA_TYPES) })
      .meta({ description: 'The headers the PUT must send, exactly' }),
    expiresAt: z.iso.datetime().meta({ description: 'When the URL stops working (15 minutes)' }),
    maxBytes: z.int().meta({ description: 'The largest file an import reads' }),
  })
  .meta({ id: 'ImportUpload' });
export type ImportUploadView = z.infer<typeof ImportUploadView>;

/**
 * An upload made for an audience: which file type it must be, and until when it can be imported (stored
 * so: the table's codec reads items with this schema).
 */
export const ImportUploadRecord = z.object({
  uploadId: z.string(),
  audienceId: z.string(),
  contentType: z.enum(IMPORT_MEDIA_TYPES),
  createdAt: z.string(),
  createdBy: z.string(),
  /** After this the upload is unknown: the file store has deleted its file by then (FILE_DAYS). */
  keptUntil: z.string(),
});
export type ImportUpload = z.output<typeof ImportUploadRecord>;

export interface ImportUploadStore {
  put(upload: ImportUpload): Promise<void>;
  get(audienceId: string, uploadId: string): Promise<ImportUpload | undefined>;
}

export interface ImportUploadDeps extends Clock, Ids {
  audiences: Pick<AudienceDeps, 'store'>;
  uploads: ImportUploadStore;
  files: FileStore;
}

const keyOf = (upload: Pick<ImportUpload, 'audienceId' | 'uploadId'>) =>
  fileKey('imports', upload.audienceId, upload.uploadId);

/** A place to upload an import's file to: the audience must exist (404 otherwise). */
export const createImportUpload = async (
  deps: ImportUploadDeps,
  audienceId: string,
  { contentType }: ImportUploadInput,
  userId: string,
): Promise<ImportUploadView> => {
  await getAudience(deps.audiences, audienceId);
  const now = deps.now();
  const upload: ImportUpload = {
    uploadId: deps.newId(),
    audienceId,
    contentType,
    createdAt: now.toISOString(),
    createdBy: userId,
    keptUntil: new Date(now.getTime() + FILE_DAYS * 86_400_000).toISOString(),
  };
  await deps.uploads.put(upload);
  const url = await deps.files.uploadUrl(keyOf(upload), {
    contentType,
    expiresInSeconds: FILE_URL_SECONDS,
  });
  return {
    uploadId: upload.uploadId,
    url,
    method: 'PUT',
    headers: { 'content-type': contentType },
    expiresAt: new Date(now.getTime() + FILE_URL_SECONDS * 1000).toISOString(),
    maxBytes: MAX_UPLOAD_BYTES,
  };
};

/** An uploaded file over MAX_UPLOAD_BYTES: not read. */
export class UploadTooLargeError extends AppError {
  constructor(size: number) {
    super(
      'payload_too_large',
      413,
      `The uploaded file has ${size} bytes; an import reads at most ${MAX_UPLOAD_BYTES}`,
      undefined,
      undefined,
      { code: 'upload_too_large', params: { size, limitBytes: MAX_UPLOAD_BYTES } },
    );
  }
}

/** This audience's upload, or a 404 for one it does not have (or no longer has). */
const uploadOf = async (
  deps: Pick<ImportUploadDeps, 'uploads' | 'now'>,
  audienceId: string,
  uploadId: string,
): Promise<ImportUpload> => {
  const upload = await deps.uploads.get(audienceId, uploadId);
  // DynamoDB's TTL deletes within days of expiry: an upload past its time is gone already.
  if (!upload || upload.keptUntil <= deps.now().toISOString())
    throw new NotFoundError(`Upload ${uploadId} of audience ${audienceId}`);
  return upload;
};

const notReceived = (uploadId: string) =>
  new ConflictError(`Nothing has been uploaded for upload ${uploadId}: PUT the file to its URL first`, {
    code: 'upload_not_received',
    params: { uploadId },
  });

/**
 * The upload, checked without reading its file: 404 for an upload this audience does not have, 409 while
 * nothing has been uploaded to it, 413 for a file over the limit.
 */
export const receivedUpload = async (
  deps: Pick<ImportUploadDeps, 'uploads' | 'files' | 'now'>,
  audienceId: string,
  uploadId: string,
): Promise<ImportUpload> => {
  const upload = await uploadOf(deps, audienceId, uploadId);
  // A limit of 0 bytes reads nothing: a file is reported by its size.
  const file = await deps.files.get(keyOf(upload), 0);
  if (!file.found) throw notReceived(uploadId);
  if ('tooLarge' in file && file.size > MAX_UPLOAD_BYTES) throw new UploadTooLargeError(file.size);
  return upload;
};

/** The file uploaded for this audience's upload, with its type: refused as `receivedUpload` refuses it. */
export const uploadedFile = async (
  deps: Pick<ImportUploadDeps, 'uploads' | 'files' | 'now'>,
  audienceId: string,
  uploadId: string,
): Promise<{ contentType: ImportMediaType; bytes: Uint8Array }> => {
  const upload = await uploadOf(deps, audienceId, uploadId);
  const file = await deps.files.get(keyOf(upload), MAX_UPLOAD_BYTES);
  if (!file.found) throw notReceived(uploadId);
  if ('tooLarge' in file) throw new UploadTooLargeError(file.size);
  return { contentType: upload.contentType, bytes: file.bytes };
};
