import type { Schemas } from '../api/client.js';
import type { Catalogue } from '../i18n/vi.js';

export type AuditEntry = Schemas['AuditEntry'];

/** The action of an entry in plain words; an action the catalogue does not know yet is shown as the API names it. */
export const auditAction = (entry: Pick<AuditEntry, 'action'>, t: Catalogue): string =>
  t.admin.audit.actions[entry.action] ?? entry.action;

/** Who did it: a user's name, or "the system" for the scheduler and the dispatcher. */
export const auditActor = (entry: Pick<AuditEntry, 'actor'>, t: Catalogue): string =>
  entry.actor === 'system' ? t.admin.audit.system : entry.actor;

/**
 * The details of an entry, one line each: the status it moved from and to, the reason of a rejection, the
 * fields an edit changed, the (masked) phones and text of a test send.
 */
export const auditDetails = (entry: AuditEntry, t: Catalogue): string[] => {
  const words = t.admin.audit;
  const status = (value: string) => t.status[value] ?? value;
  const lines: string[] = [];
  if (entry.from && entry.from !== entry.to) lines.push(words.moved(status(entry.from), status(entry.to)));
  else if (!entry.from) lines.push(words.status(status(entry.to)));
  if (entry.reason) lines.push(words.reason(entry.reason));
  if (entry.fields?.length)
    lines.push(words.fields(entry.fields.map((field) => t.review.fields[field] ?? field).join(', ')));
  if (entry.phones?.length) lines.push(words.phones(entry.phones.join(', ')));
  if (entry.message) lines.push(words.message(entry.message));
  return lines;
};
