import { describe, expect, it } from 'vitest';
import type { FileStore, StoredFile } from '#core/files.js';
import { uploadedFile, type ImportUpload, type ImportUploadStore } from '#core/import-upload.js';
import { exportReport } from '#core/report-export.js';

/** Issue #18's use cases over fakes: an upload's lifetime, and an export's file, URL and counts. */

const upload: ImportUpload = {
  uploadId: '01ARZ3NDEKTSV4RRFFQ69G5FAV',
  audienceId: 'A1',
  contentType: 'text/csv',
  createdAt: '2026-12-01T00:00:00.000Z',
  createdBy: 'officer@test',
  keptUntil: '2026-12-02T00:00:00.000Z',
};
const uploads: ImportUploadStore = {
  put: () => Promise.resolve(),
  get: (audienceId, uploadId) =>
    Promise.resolve(audienceId === upload.audienceId && uploadId === upload.uploadId ? upload : undefined),
};

const filesWith = (stored: StoredFile, written: { key?: string; text?: string } = {}): FileStore => ({
  put: (key, body) => {
    written.key = key;
    written.text =
      typeof body === 'string' ? body : new TextDecoder('utf-8', { ignoreBOM: true }).decode(body);
    return Promise.resolve();
  },
  get: () => Promise.resolve(stored),
  downloadUrl: (key, { expiresInSeconds }) =>
    Promise.resolve(`https://files/${key}?expires=${expiresInSeconds}`),
  uploadUrl: (key) => Promise.resolve(`https://files/${key}`),
});

const at = (iso: string) => () => new Date(iso);
const bytes = new TextEncoder().encode('phone\r\n0981234567\r\n');

describe('an uploaded file', () => {
  it('is read while its upload is kept, with the upload’s type', async () => {
    const file = await uploadedFile(
      {
        uploads,
        files: filesWith({ found: true, bytes, contentType: 'text/plain' }),
        now: at('2026-12-01T12:00:00Z'),
      },
      'A1',
      upload.uploadId,
    );
    expect(file).toEqual({ contentType: 'text/csv', bytes });
  });

  it('is unknown (404) once its upload is past its time, though TTL has not deleted it yet', async () => {
    const deps = {
      uploads,
      files: filesWith({ found: true, bytes, contentType: 'text/csv' }),
      now: at('2026-12-02T00:00:00Z'),
    };
    await expect(uploadedFile(deps, 'A1', upload.uploadId)).rejects.toMatchObject({ status: 404 });
  });

  it('is 404 for another audience, 409 when nothing was uploaded, 413 over the limit', async () => {
    const now = at('2026-12-01T12:00:00Z');
    const found = filesWith({ found: true, bytes, contentType: 'text/csv' });
    await expect(uploadedFile({ uploads, files: found, now }, 'A2', upload.uploadId)).rejects.toMatchObject({
      status: 404,
    });
    await expect(
      uploadedFile({ uploads, files: filesWith({ found: false }), now }, 'A1', upload.uploadId),
    ).rejects.toMatchObject({ status: 409, catalogued: { code: 'upload_not_received' } });
    await expect(
      uploadedFile(
        { uploads, files: filesWith({ found: true, tooLarge: true, size: 11 }), now },
        'A1',
        upload.uploadId,
      ),
    ).rejects.toMatchObject({ status: 413, catalogued: { code: 'upload_too_large' } });
  });
});

describe('a report export', () => {
  it('writes the whole report under its campaign, counts its rows and bytes, and signs a 15-minute URL', async () => {
    const written: { key?: string; text?: string } = {};
    async function* csv(onRows: (rows: number) => void) {
      yield '\uFEFFphone\r\n';
      onRows(2);
      yield 'Hà Nội\r\nHuế\r\n';
      onRows(0);
    }
    const exported = await exportReport(
      { files: filesWith({ found: false }, written), now: at('2026-12-01T00:00:00Z'), newId: () => 'E1' },
      'C1',
      csv,
    );
    expect(written).toEqual({ key: 'exports/C1/E1.csv', text: '\uFEFFphone\r\nHà Nội\r\nHuế\r\n' });
    expect(exported).toEqual({
      exportId: 'E1',
      url: 'https://files/exports/C1/E1.csv?expires=900',
      expiresAt: '2026-12-01T00:15:00.000Z',
      filename: 'campaign-C1.csv',
      rows: 2,
      bytes: new TextEncoder().encode('\uFEFFphone\r\nHà Nội\r\nHuế\r\n').length,
    });
  });
});
