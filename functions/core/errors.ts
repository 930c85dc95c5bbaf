/** Typed domain errors. Each carries a stable `code` from the contract (§1) and its HTTP status. */
export interface ErrorDetail {
  path: string;
  message: string;
}

export class AppError extends Error {
  constructor(
    readonly code: string,
    readonly status: number,
    message: string,
    readonly details?: ErrorDetail[],
    readonly headers?: Record<string, string>,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

export class ValidationError extends AppError {
  constructor(message: string, details: ErrorDetail[] = []) {
    super('validation_failed', 400, message, details);
  }
}

export class InvalidJsonError extends AppError {
  constructor(message = 'The request body is not valid JSON') {
    super('invalid_json', 400, message);
  }
}

export class UnauthorizedError extends AppError {
  constructor(message = 'A valid bearer token is required') {
    super('unauthorized', 401, message);
  }
}

export class InvalidSignatureError extends AppError {
  constructor(message = 'The webhook signature is missing or invalid') {
    super('invalid_signature', 401, message);
  }
}

export class ForbiddenError extends AppError {
  constructor(message = 'Your role does not allow this action') {
    super('forbidden', 403, message);
  }
}

export class NotFoundError extends AppError {
  constructor(what: string) {
    super('not_found', 404, `${what} was not found`);
  }
}

export class ConflictError extends AppError {
  constructor(message: string) {
    super('conflict', 409, message);
  }
}

export class PayloadTooLargeError extends AppError {
  constructor(limitBytes: number) {
    super('payload_too_large', 413, `The request body is larger than ${limitBytes} bytes`);
  }
}

/** An answer too large for where it is served (a Lambda behind API Gateway answers at most 6 MB). */
export class AnswerTooLargeError extends AppError {
  constructor(limitBytes: number, hint: string) {
    super('payload_too_large', 413, `The answer would be larger than ${limitBytes} bytes: ${hint}`);
  }
}

export class UnsupportedMediaTypeError extends AppError {
  constructor(accepted: readonly string[]) {
    super('unsupported_media_type', 415, `Content-Type must be one of: ${accepted.join(', ')}`);
  }
}

export class RateLimitedError extends AppError {
  constructor(retryAfterSeconds: number) {
    super('rate_limited', 429, 'Too many requests', undefined, { 'retry-after': String(retryAfterSeconds) });
  }
}
