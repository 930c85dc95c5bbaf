import * as z from 'zod';
import { customIssue } from './messages.js';
import { freeText } from './text.js';
import { normalizeVietnameseMobile } from './phone.js';

// The record and its sources in a module of their own: the table's codecs need them, not phone parsing.
import { OPT_OUT_SOURCES } from './opt-out-record.js';
export { OPT_OUT_SOURCES, type OptOut, type OptOutSource, type SuppressionList } from './opt-out-record.js';

/** A Vietnamese mobile number in any accepted format, normalised to E.164; otherwise a 400 naming why. */
export const PhoneNumber = z
  .string()
  .transform((raw, ctx) => {
    const result = normalizeVietnameseMobile(raw);
    if (result.ok) return result.phone;
    ctx.addIssue(customIssue(result.code, result.params));
    return z.NEVER;
  })
  .meta({
    description: 'A Vietnamese mobile number, e.g. 0981234567 or +84 98 123 4567',
    example: '0981234567',
  });

/** Percent-decodes a path segment that arrives still encoded (no phone contains `%` once decoded). */
export const decodedSegment = (value: string): string => {
  if (!value.includes('%')) return value;
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
};

export const OptOutParams = z.strictObject({
  phone: z.string().transform(decodedSegment).pipe(PhoneNumber),
});

export const OptOutInput = z
  .strictObject({
    phone: PhoneNumber,
    reason: freeText(500).optional(),
  })
  .meta({ id: 'OptOutInput' });
export type OptOutInput = z.infer<typeof OptOutInput>;

export const OptOutView = z
  .object({
    phone: z
      .string()
      .meta({ description: 'E.164; masked (+8498****321) for planners', example: '+84981234567' }),
    reason: z.string().optional(),
    source: z.enum(OPT_OUT_SOURCES),
    createdAt: z.iso.datetime(),
    createdBy: z.string(),
  })
  .meta({ id: 'OptOut' });
