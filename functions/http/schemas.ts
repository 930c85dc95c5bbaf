import * as z from 'zod';
import { DETAIL_CODES } from '#core/messages.js';

/** Contract §1 and issue #12: the error body every 4xx/5xx carries, each detail with a stable code. */
export const ErrorBody = z
  .object({
    error: z.object({
      code: z.string().meta({
        description:
          'Stable: validation_failed, invalid_json, unauthorized, invalid_signature, forbidden, not_found, ' +
          'conflict, payload_too_large, unsupported_media_type, rate_limited, internal_error, timed_out',
      }),
      message: z.string().meta({ description: 'In words, in the language of `Accept-Language`' }),
      details: z
        .array(
          z.object({
            path: z
              .string()
              .meta({ description: 'The field, e.g. `schedule.sendAt`; `(body)` for the whole body' }),
            code: z.enum(DETAIL_CODES).meta({
              description: 'What is wrong, stable for programs; `message` says it in words',
            }),
            message: z.string().meta({
              description:
                'In English by default; with `Accept-Language: vi` in Vietnamese, naming the field ' +
                '("Lịch gửi: thời điểm đã qua")',
            }),
          }),
        )
        .optional(),
    }),
  })
  .meta({ id: 'Error' });

/** Contract §1: `?limit=50&cursor=...`, limit at most 500. */
export const ListQuery = z.strictObject({
  limit: z.coerce.number().int().min(1).max(500).default(50),
  cursor: z.string().min(1).max(2048).optional(),
});

export const page = <T extends z.ZodType>(item: T) =>
  z.object({ items: z.array(item), nextCursor: z.string().nullable() });

/** Answers every authenticated route may give. */
export const commonErrors = {
  400: { description: 'Invalid input', schema: ErrorBody },
  401: { description: 'Missing or invalid token', schema: ErrorBody },
  403: { description: 'Role not allowed', schema: ErrorBody },
};
