import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { uploadSubscribers } from '../src/api/upload.js';
import { ApiError } from '../src/api/errors.js';

/** Just enough of XMLHttpRequest to play an upload: progress events, then the server's answer. */
class FakeXhr {
  static last: FakeXhr | undefined;
  constructor() {
    FakeXhr.last = this;
  }
  headers: Record<string, string> = {};
  opened?: { method: string; url: string };
  sent?: unknown;
  status = 0;
  responseText = '';
  upload: {
    onprogress: ((event: { lengthComputable: boolean; loaded: number; total: number }) => void) | null;
    onload: (() => void) | null;
  } = { onprogress: null, onload: null };
  onload: (() => void) | null = null;
  onerror: (() => void) | null = null;
  open(method: string, url: string) {
    this.opened = { method, url };
  }
  setRequestHeader(name: string, value: string) {
    this.headers[name] = value;
  }
  send(body: unknown) {
    this.sent = body;
  }
  answer(status: number, body: unknown) {
    this.status = status;
    this.responseText = typeof body === 'string' ? body : JSON.stringify(body);
    this.onload?.();
  }
}

beforeEach(() => void vi.stubGlobal('XMLHttpRequest', FakeXhr));
afterEach(() => void vi.unstubAllGlobals());

const start = (progress: (number | null)[]) => {
  const answer = uploadSubscribers({
    url: '/v1/audiences/A/subscribers',
    body: new Blob(['phone\n0981234567\n']),
    contentType: 'text/csv',
    token: 'tok',
    lang: 'vi',
    onProgress: (sent) => progress.push(sent),
  });
  if (!FakeXhr.last) throw new Error('no request made');
  return { fake: FakeXhr.last, answer };
};

describe('uploading a CSV file with progress', () => {
  it('reports the upload’s progress, then that the server is working, then the server’s answer', async () => {
    const progress: (number | null)[] = [];
    const { fake, answer } = start(progress);
    expect(fake.opened).toEqual({ method: 'POST', url: '/v1/audiences/A/subscribers' });
    expect(fake.headers).toEqual({
      'Content-Type': 'text/csv',
      'Accept-Language': 'vi',
      Authorization: 'Bearer tok',
    });
    fake.upload.onprogress?.({ lengthComputable: true, loaded: 50, total: 200 });
    fake.upload.onprogress?.({ lengthComputable: true, loaded: 200, total: 200 });
    fake.upload.onload?.();
    const result = { accepted: 1, duplicates: 0, rejected: [], rejectedCount: 0, size: 1 };
    fake.answer(200, result);
    await expect(answer).resolves.toEqual(result);
    expect(progress).toEqual([0.25, 1, null]);
  });

  it('turns an error answer into an ApiError with its details', async () => {
    const { fake, answer } = start([]);
    fake.answer(400, {
      error: {
        code: 'validation_failed',
        message: 'x',
        details: [{ path: '(body)', message: 'no phone column' }],
      },
    });
    await expect(answer).rejects.toMatchObject({
      status: 400,
      details: [{ path: '(body)', message: 'no phone column' }],
    });
  });

  it('turns a lost connection into a network error', async () => {
    const { fake, answer } = start([]);
    fake.onerror?.();
    await expect(answer).rejects.toBeInstanceOf(ApiError);
    await expect(answer).rejects.toMatchObject({ status: 0, code: 'network_error' });
  });
});
