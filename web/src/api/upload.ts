import type { ImportResult } from './client.js';
import { ApiError, apiErrorFrom } from './errors.js';

export interface UploadOptions {
  url: string;
  body: Blob;
  contentType: string;
  token: string | undefined;
  lang: string;
  /** Fraction of the body sent, 0..1; then `null` while the server works on it. */
  onProgress: (sent: number | null) => void;
}

/**
 * Sends a CSV import with XMLHttpRequest, the one browser API that reports upload progress (fetch does
 * not), then parses the server's answer like the typed client does.
 */
export const uploadSubscribers = (options: UploadOptions): Promise<ImportResult> =>
  new Promise((resolve, reject) => {
    const request = new XMLHttpRequest();
    request.open('POST', options.url);
    request.setRequestHeader('Content-Type', options.contentType);
    request.setRequestHeader('Accept-Language', options.lang);
    if (options.token) request.setRequestHeader('Authorization', `Bearer ${options.token}`);
    request.upload.onprogress = (event) => {
      if (event.lengthComputable && event.total > 0) options.onProgress(event.loaded / event.total);
    };
    request.upload.onload = () => options.onProgress(null);
    request.onerror = () => reject(new ApiError(0, 'network_error', 'network error'));
    request.onload = () => {
      let body: unknown;
      try {
        body = JSON.parse(request.responseText);
      } catch {
        body = undefined;
      }
      if (request.status >= 200 && request.status < 300 && body) resolve(body as ImportResult);
      else reject(apiErrorFrom(request.status, body));
    };
    request.send(options.body);
  });

export interface PutFileOptions {
  url: string;
  body: Blob;
  contentType: string;
  /** Fraction of the body sent, 0..1. */
  onProgress: (sent: number) => void;
}

/**
 * PUTs a file to an upload's pre-signed URL (S3, or the local runtime's stand-in): no bearer token, the
 * signed `Content-Type` exactly. XMLHttpRequest, for its upload progress.
 */
export const putFile = (options: PutFileOptions): Promise<void> =>
  new Promise((resolve, reject) => {
    const request = new XMLHttpRequest();
    request.open('PUT', options.url);
    request.setRequestHeader('Content-Type', options.contentType);
    request.upload.onprogress = (event) => {
      if (event.lengthComputable && event.total > 0) options.onProgress(event.loaded / event.total);
    };
    request.onerror = () => reject(new ApiError(0, 'network_error', 'network error'));
    request.onload = () => {
      if (request.status >= 200 && request.status < 300) resolve();
      else
        reject(
          new ApiError(request.status, `http_${request.status}`, request.statusText || 'upload refused'),
        );
    };
    request.send(options.body);
  });
