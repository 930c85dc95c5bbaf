import { z } from 'zod';

/** Contract §1: the error body every 4xx/5xx carries. */
export const ErrorBody = z
  .object({
    error: z.object({
      code: z.string(),
      message: z.string(),
      details: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
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
