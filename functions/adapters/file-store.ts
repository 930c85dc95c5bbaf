import { GetObjectCommand, NoSuchKey, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import type { FileStore } from '#core/files.js';

export interface S3FileStoreOptions {
  bucket: string;
  /** The bucket's KMS key: every object written is encrypted with it (SSE-KMS), not with S3's own key. */
  keyArn: string;
}

/** `attachment; filename="…"` with the name also in RFC 5987 form, for names beyond ASCII. */
export const attachment = (filename: string): string => {
  const ascii = filename.replace(/[^\x20-\x7e]|["\\]/g, '_');
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(filename)}`;
};

/**
 * The file store on S3 (issue #18). Objects are written with SSE-KMS under the bucket's key; an upload
 * through a pre-signed PUT gets the same key from the bucket's default encryption. A pre-signed URL acts
 * with this Lambda's rights, so the CDK grants each function exactly the prefix and action its URLs need.
 */
export const s3FileStore = (client: S3Client, { bucket, keyArn }: S3FileStoreOptions): FileStore => ({
  async put(key, body, contentType) {
    await client.send(
      new PutObjectCommand({
        Bucket: bucket,
        Key: key,
        Body: body,
        ContentType: contentType,
        ServerSideEncryption: 'aws:kms',
        SSEKMSKeyId: keyArn,
        BucketKeyEnabled: true,
      }),
    );
  },

  async get(key, maxBytes) {
    try {
      const object = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
      const size = object.ContentLength ?? 0;
      if (size > maxBytes) {
        // Not read: the connection is let go rather than drained.
        object.Body?.transformToWebStream()
          .cancel()
          .catch(() => undefined);
        return { found: true, tooLarge: true, size };
      }
      const bytes = (await object.Body?.transformToByteArray()) ?? new Uint8Array();
      return { found: true, bytes, contentType: object.ContentType };
    } catch (error) {
      if (error instanceof NoSuchKey) return { found: false };
      throw error;
    }
  },

  downloadUrl: (key, { filename, contentType, expiresInSeconds }) =>
    getSignedUrl(
      client,
      new GetObjectCommand({
        Bucket: bucket,
        Key: key,
        ResponseContentDisposition: attachment(filename),
        ResponseContentType: contentType,
        ResponseCacheControl: 'no-store',
      }),
      { expiresIn: expiresInSeconds },
    ),

  uploadUrl: (key, { contentType, expiresInSeconds }) =>
    getSignedUrl(client, new PutObjectCommand({ Bucket: bucket, Key: key, ContentType: contentType }), {
      expiresIn: expiresInSeconds,
      // The uploader must send exactly this type: S3 refuses a PUT whose Content-Type differs.
      signableHeaders: new Set(['content-type']),
    }),
});
