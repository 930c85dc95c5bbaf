import * as z from 'zod';

/** One line of the audit log: who did what to which campaign, when (contract §6, `GET /v1/audit`). */
export const AuditEntry = z
  .object({
    id: z.string(),
    campaignId: z.string(),
    action: z.string(),
    from: z.string().optional(),
    to: z.string(),
    actor: z.string(),
    at: z.iso.datetime(),
    reason: z.string().optional(),
    fields: z.array(z.string()).optional().meta({ description: 'An edit: the fields it changed' }),
    phones: z
      .array(z.string())
      .optional()
      .meta({ description: 'A test send: the phones it went to, masked (+8498****321)' }),
    message: z.string().optional().meta({ description: 'A test send: the text it sent' }),
  })
  .meta({ id: 'AuditEntry' });
export type AuditEntry = z.output<typeof AuditEntry>;
