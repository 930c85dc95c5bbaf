/**
 * Files too large for an API answer or request (issue #18): a campaign's report for download, a subscriber
 * file uploaded for an import. They live in the file store (S3 in AWS, the local runtime's stand-in) under
 * one prefix per use, for a day at most, and the caller moves their bytes through expiring URLs.
 */

/** The store's prefixes: each Lambda is granted only the prefix it uses, and only the way it uses it. */
export const FILE_PREFIXES = ['exports', 'imports'] as const;
export type FilePrefix = (typeof FILE_PREFIXES)[number];

/** How long a download or upload URL works. */
export const FILE_URL_SECONDS = 15 * 60;
/** How long a stored file (and an upload's record) is kept: the bucket's lifecycle rule deletes it then. */
export const FILE_DAYS = 1;

/** A key under a prefix: `exports/{campaignId}/{exportId}.csv`, `imports/{audienceId}/{uploadId}`. */
export const fileKey = (prefix: FilePrefix, ...parts: string[]): string => [prefix, ...parts].join('/');

/** What `get` found: the bytes, nothing under the key, or a file over the reader's limit (not read). */
export type StoredFile =
  | { found: true; bytes: Uint8Array; contentType: string | undefined }
  | { found: false }
  | { found: true; tooLarge: true; size: number };

export interface DownloadOptions {
  /** The name a browser saves it under (`Content-Disposition: attachment`). */
  filename: string;
  contentType: string;
  expiresInSeconds: number;
}

export interface UploadOptions {
  /** The only `Content-Type` the upload may have: it is part of the signature. */
  contentType: string;
  expiresInSeconds: number;
}

/** The port: S3 in AWS (functions/adapters/file-store.ts), files on disk under the local runtime. */
export interface FileStore {
  put(key: string, body: Uint8Array | string, contentType: string): Promise<void>;
  /** Reads at most `maxBytes`: a larger file is reported by its size, never read. */
  get(key: string, maxBytes: number): Promise<StoredFile>;
  /** A URL anyone holding it may GET the file from until it expires. */
  downloadUrl(key: string, options: DownloadOptions): Promise<string>;
  /** A URL anyone holding it may PUT the file to, with exactly `contentType`, until it expires. */
  uploadUrl(key: string, options: UploadOptions): Promise<string>;
}
