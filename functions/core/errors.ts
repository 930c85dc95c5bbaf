import { messageFor, type DetailCode, type ErrorMessageCode, type MessageParams } from './messages.js';

/**
 * Typed domain errors. Each carries a stable `code` from the contract (§1) and its HTTP status; each
 * detail a stable code from the message catalogue (messages.ts), its English message and the parameters
 * that render it in another language.
 */
export interface ErrorDetail {
  path: string;
  code: DetailCode;
  message: string;
  params?: MessageParams;
}

/** A detail with its English message from the catalogue. */
export const detail = (path: string, code: DetailCode, params?: MessageParams): ErrorDetail => ({
  path,
  code,
  message: messageFor(code, params, 'en'),
  ...(params ? { params } : {}),
});

/** The catalogue entry for the top-level message, when there is one (else the English text only). */
export interface CataloguedMessage {
  code: ErrorMessageCode;
  params?: MessageParams;
}

export class AppError extends Error {
  constructor(
    readonly code: string,
    readonly status: number,
    message: string,
    readonly details?: ErrorDetail[],
    readonly headers?: Record<string, string>,
    readonly catalogued?: CataloguedMessage,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

export class ValidationError extends AppError {
  constructor(message: string, details: ErrorDetail[] = []) {
    super('validation_failed', 400, message, details, undefined, { code: 'validation_failed' });
  }
}

/**
 * An error of one kind that needs nothing but its message (and has one that usually serves), its top-level
 * message catalogued under its own code.
 */
const errorKind = (code: ErrorMessageCode, status: number, fallback: string) =>
  class extends AppError {
    constructor(message = fallback) {
      super(code, status, message, undefined, undefined, { code });
    }
  };

export class InvalidJsonError extends errorKind('invalid_json', 400, 'The request body is not valid JSON') {}
export class UnauthorizedError extends errorKind('unauthorized', 401, 'A valid bearer token is required') {}
export class InvalidSignatureError extends errorKind(
  'invalid_signature',
  401,
  'The webhook signature is missing or invalid',
) {}
export class ForbiddenError extends errorKind('forbidden', 403, 'Your role does not allow this action') {}

export class NotFoundError extends AppError {
  constructor(what: string) {
    super('not_found', 404, `${what} was not found`, undefined, undefined, { code: 'not_found' });
  }
}

export class ConflictError extends AppError {
  constructor(message: string, catalogued: CataloguedMessage = { code: 'conflict' }) {
    super('conflict', 409, message, undefined, undefined, catalogued);
  }
}

export class PayloadTooLargeError extends AppError {
  constructor(limitBytes: number) {
    super(
      'payload_too_large',
      413,
      `The request body is larger than ${limitBytes} bytes`,
      undefined,
      undefined,
      {
        code: 'payload_too_large',
        params: { limitBytes },
      },
    );
  }
}

/** An answer too large for where it is served (a Lambda behind API Gateway answers at most 6 MB). */
export class AnswerTooLargeError extends AppError {
  constructor(limitBytes: number, hint: string) {
    super(
      'payload_too_large',
      413,
      `The answer would be larger than ${limitBytes} bytes: ${hint}`,
      undefined,
      undefined,
      {
        code: 'answer_too_large',
        params: { limitBytes },
      },
    );
  }
}

export class UnsupportedMediaTypeError extends AppError {
  constructor(accepted: readonly string[]) {
    super(
      'unsupported_media_type',
      415,
      `Content-Type must be one of: ${accepted.join(', ')}`,
      undefined,
      undefined,
      {
        code: 'unsupported_media_type',
        params: { accepted: accepted.join(', ') },
      },
    );
  }
}

export class RateLimitedError extends AppError {
  constructor(retryAfterSeconds: number) {
    super(
      'rate_limited',
      429,
      'Too many requests',
      undefined,
      { 'retry-after': String(retryAfterSeconds) },
      {
        code: 'rate_limited',
      },
    );
  }
}

/** Seconds a caller should wait before retrying a request that ran out of time. */
export const TIMED_OUT_RETRY_AFTER_SECONDS = 30;

/**
 * The handler ran out of time (the Lambda's timeout, which middy anticipates): the work may still finish or
 * be undone by its own lease, so the caller is told to look again or retry later, not that it failed.
 */
export class TimedOutError extends AppError {
  constructor() {
    super(
      'timed_out',
      503,
      'The request took longer than this service allows and was stopped; retry later',
      undefined,
      { 'retry-after': String(TIMED_OUT_RETRY_AFTER_SECONDS) },
      { code: 'timed_out' },
    );
  }
}

/** middy's `TimeoutError` (the handler's deadline) or the AWS SDK's (a call that took too long). */
export const isTimeout = (error: unknown): boolean => error instanceof Error && error.name === 'TimeoutError';
