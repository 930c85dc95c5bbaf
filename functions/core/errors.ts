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

export class InvalidJsonError extends AppError {
  constructor(message = 'The request body is not valid JSON') {
    super('invalid_json', 400, message, undefined, undefined, { code: 'invalid_json' });
  }
}

export class UnauthorizedError extends AppError {
  constructor(message = 'A valid bearer token is required') {
    super('unauthorized', 401, message, undefined, undefined, { code: 'unauthorized' });
  }
}

export class InvalidSignatureError extends AppError {
  constructor(message = 'The webhook signature is missing or invalid') {
    super('invalid_signature', 401, message, undefined, undefined, { code: 'invalid_signature' });
  }
}

export class ForbiddenError extends AppError {
  constructor(message = 'Your role does not allow this action') {
    super('forbidden', 403, message, undefined, undefined, { code: 'forbidden' });
  }
}

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
