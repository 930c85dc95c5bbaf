import { GetObjectCommand, NoSuchKey, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { beforeEach, describe, expect, it } from 'vitest';
import { attachment, s3FileStore } from '#adapters/file-store.js';
import {
  checkLocalFileUrl,
  localFilePath,
  localFileStore,
  serveLocalFilesAt,
} from '#adapters/local-file-store.js';

/** Issue #18: the files bucket's adapter (S3 mocked, URLs signed for real) and the local stand-in. */

const s3Mock = mockClient(S3Client);
const client = new S3Client({
  region: 'ap-southeast-1',
  credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' },
  requestChecksumCalculation: 'WHEN_REQUIRED',
});
const KEY_ARN = 'arn:aws:kms:ap-southeast-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab';
const store = s3FileStore(client, { bucket: 'sms-files', keyArn: KEY_ARN });

/** A GetObject body as the SDK hands it over: a stream that can also be read whole. */
const bodyOf = (text: string) =>
  Object.assign(Readable.from([Buffer.from(text)]), {
    transformToByteArray: () => Promise.resolve(new Uint8Array(Buffer.from(text))),
    transformToString: () => Promise.resolve(text),
    transformToWebStream: () => new ReadableStream<Uint8Array>(),
  });

beforeEach(() => s3Mock.reset());

describe('S3 file store', () => {
  it('writes every object with SSE-KMS under the bucket’s key, with its content type', async () => {
    s3Mock.on(PutObjectCommand).resolves({});
    await store.put('exports/c1/e1.csv', 'a,b\r\n', 'text/csv; charset=utf-8');
    expect(s3Mock.commandCalls(PutObjectCommand)[0]?.args[0].input).toEqual({
      Bucket: 'sms-files',
      Key: 'exports/c1/e1.csv',
      Body: 'a,b\r\n',
      ContentType: 'text/csv; charset=utf-8',
      ServerSideEncryption: 'aws:kms',
      SSEKMSKeyId: KEY_ARN,
      BucketKeyEnabled: true,
    });
  });

  it('reads a file, tells a missing one, and does not read one over the limit', async () => {
    s3Mock
      .on(GetObjectCommand, { Key: 'imports/a/u1' })
      .resolves({ ContentLength: 7, ContentType: 'text/csv', Body: bodyOf('phone\r\n') });
    s3Mock
      .on(GetObjectCommand, { Key: 'imports/a/u2' })
      .rejects(new NoSuchKey({ message: 'The specified key does not exist.', $metadata: {} }));
    s3Mock
      .on(GetObjectCommand, { Key: 'imports/a/u3' })
      .resolves({ ContentLength: 11 * 1024 * 1024, Body: bodyOf('') });
    const found = await store.get('imports/a/u1', 100);
    expect(found).toMatchObject({ found: true, contentType: 'text/csv' });
    expect('bytes' in found && Buffer.from(found.bytes).toString()).toBe('phone\r\n');
    expect(await store.get('imports/a/u2', 100)).toEqual({ found: false });
    expect(await store.get('imports/a/u3', 10 * 1024 * 1024)).toEqual({
      found: true,
      tooLarge: true,
      size: 11 * 1024 * 1024,
    });
  });

  it('signs a download URL that expires, saves as an attachment and is never cached', async () => {
    const url = new URL(
      await store.downloadUrl('exports/c1/e1.csv', {
        filename: 'campaign-c1.csv',
        contentType: 'text/csv; charset=utf-8',
        expiresInSeconds: 900,
      }),
    );
    expect(url.hostname).toBe('sms-files.s3.ap-southeast-1.amazonaws.com');
    expect(url.pathname).toBe('/exports/c1/e1.csv');
    expect(url.searchParams.get('X-Amz-Expires')).toBe('900');
    expect(url.searchParams.get('X-Amz-Signature')).toMatch(/^[0-9a-f]{64}$/);
    expect(url.searchParams.get('response-content-disposition')).toBe(attachment('campaign-c1.csv'));
    expect(url.searchParams.get('response-content-type')).toBe('text/csv; charset=utf-8');
    expect(url.searchParams.get('response-cache-control')).toBe('no-store');
    // Signing sends nothing.
    expect(s3Mock.calls()).toHaveLength(0);
  });

  it('signs an upload URL for one content type, that expires, without a checksum of a body it never saw', async () => {
    const url = new URL(
      await store.uploadUrl('imports/a/u1', { contentType: 'text/csv', expiresInSeconds: 900 }),
    );
    expect(url.pathname).toBe('/imports/a/u1');
    expect(url.searchParams.get('X-Amz-Expires')).toBe('900');
    expect(url.searchParams.get('X-Amz-SignedHeaders')?.split(';')).toEqual(['content-type', 'host']);
    expect([...url.searchParams.keys()].filter((name) => /checksum/i.test(name))).toEqual([]);
  });

  it('names a download in plain ASCII and in UTF-8', () => {
    expect(attachment('Báo cáo "1".csv')).toBe(
      `attachment; filename="B_o c_o _1_.csv"; filename*=UTF-8''B%C3%A1o%20c%C3%A1o%20%221%22.csv`,
    );
  });
});

describe('the local stand-in', () => {
  serveLocalFilesAt('http://127.0.0.1:9', mkdtempSync(join(tmpdir(), 'file-store-test-')));
  const local = localFileStore();

  it('keeps a file under its key and reads it back, or says there is none', async () => {
    await local.put('imports/a/u1', 'phone\r\n', 'text/csv');
    const found = await local.get('imports/a/u1', 100);
    expect('bytes' in found && Buffer.from(found.bytes).toString()).toBe('phone\r\n');
    expect(found).toMatchObject({ contentType: 'text/csv' });
    expect(await local.get('imports/a/u1', 3)).toEqual({ found: true, tooLarge: true, size: 7 });
    expect(await local.get('imports/a/none', 100)).toEqual({ found: false });
  });

  it('refuses a key that could leave its directory', () => {
    for (const key of ['../etc/passwd', 'imports/../../x', '/abs', 'imports/a%2F..', 'a//b', 'a/b#type'])
      expect(() => localFilePath(key), key).toThrow(/Not a file key/);
  });

  it('signs URLs that work for their method and key until they expire, and not once altered', async () => {
    const url = new URL(
      await local.uploadUrl('imports/a/u2', { contentType: 'text/csv', expiresInSeconds: 60 }),
    );
    const now = new Date();
    expect(checkLocalFileUrl('PUT', url, now)).toMatchObject({
      ok: true,
      grant: { key: 'imports/a/u2', contentType: 'text/csv' },
    });
    expect(checkLocalFileUrl('PUT', url, new Date(now.getTime() + 61_000))).toEqual({
      ok: false,
      reason: 'Request has expired',
    });
    expect(checkLocalFileUrl('GET', url, now)).toMatchObject({ ok: false });
    const otherKey = new URL(url);
    otherKey.pathname = '/local-files/imports/b/u2';
    expect(checkLocalFileUrl('PUT', otherKey, now)).toMatchObject({ ok: false });
    const otherType = new URL(url);
    otherType.searchParams.set('type', 'application/json');
    expect(checkLocalFileUrl('PUT', otherType, now)).toMatchObject({ ok: false });
    const later = new URL(url);
    later.searchParams.set('expires', String(Number(url.searchParams.get('expires')) + 3600));
    expect(checkLocalFileUrl('PUT', later, new Date(now.getTime() + 61_000))).toMatchObject({
      ok: false,
      reason: 'The request signature does not match',
    });
  });
});
