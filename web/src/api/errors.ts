/**
 * An API error as contract §1 shapes it (`{ error: { code, message, details: [{ path, message, code? }] } }`),
 * or a network failure (status 0). Pages show `details` next to the field each one names.
 */
export interface ErrorDetail {
  path: string;
  message: string;
  code?: string;
}

export class ApiError extends Error {
  override readonly name = 'ApiError';
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details: readonly ErrorDetail[] = [],
  ) {
    super(message);
  }
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null;

/** The ApiError an answer's status and body stand for, whatever the body holds. */
export const apiErrorFrom = (status: number, body: unknown): ApiError => {
  const error = isRecord(body) && isRecord(body.error) ? body.error : undefined;
  const details = Array.isArray(error?.details)
    ? error.details.filter(isRecord).map((detail) => ({
        path: String(detail.path ?? ''),
        message: String(detail.message ?? ''),
        ...(typeof detail.code === 'string' ? { code: detail.code } : {}),
      }))
    : [];
  return new ApiError(
    status,
    typeof error?.code === 'string' ? error.code : `http_${status}`,
    typeof error?.message === 'string' ? error.message : `HTTP ${status}`,
    details,
  );
};

/**
 * Error messages by form field: a detail whose path is `field` or starts with `field.` / `field[` goes to
 * that field (`schedule.sendAt` → `schedule`, when the form has no `schedule.sendAt`); the rest are general.
 */
export const fieldErrors = (
  error: ApiError | undefined,
  fields: readonly string[],
): { byField: Record<string, string>; general: string[] } => {
  const byField: Record<string, string> = {};
  const general: string[] = [];
  for (const detail of error?.details ?? []) {
    const field =
      fields.find((name) => detail.path === name) ??
      fields.find((name) => detail.path.startsWith(`${name}.`) || detail.path.startsWith(`${name}[`));
    if (field) byField[field] = byField[field] ? `${byField[field]}; ${detail.message}` : detail.message;
    else
      general.push(
        detail.path && detail.path !== '(body)' ? `${detail.path}: ${detail.message}` : detail.message,
      );
  }
  if (error && !error.details.length) general.push(error.message);
  return { byField, general };
};
