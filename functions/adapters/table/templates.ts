import * as z from 'zod';
import {
  TemplateAuditEntry,
  TemplateVersionView,
  TemplateView,
  type Template,
  type TemplateVersion,
} from '#core/content/templates.js';
import { keys } from '#adapters/table.js';
import { entityCodec } from './codec.js';

/**
 * The codecs of message templates (issue #16): the head (the current version), one immutable item per
 * version, and the template's audit entries. Stores use nothing else.
 */

/** Template head: `TEMPLATE#{id}` / `TEMPLATE`, listed under `TEMPLATES` and, unless archived, `TEMPLATE_STATUS#active`. */
export const templateCodec = {
  ...entityCodec('Template', z.object(TemplateView.shape), (template: Template) => ({
    ...keys.template(template.id),
    ...keys.templateList(template.createdAt, template.id),
    ...(template.archived ? {} : keys.templateActive(template.createdAt, template.id)),
  })),
  key: keys.template,
} as const;

/** One version of a template, written once: `TEMPLATEVERSION#{id}` / `{version 6 digits}`. */
export const templateVersionCodec = {
  ...entityCodec('TemplateVersion', z.object(TemplateVersionView.shape), (version: TemplateVersion) =>
    keys.templateVersion(version.templateId, version.version),
  ),
  key: keys.templateVersion,
} as const;

/** Audit entry of a template: `TEMPLATEAUDIT#{templateId}` / `{at}#{id}`. */
export const templateAuditCodec = entityCodec(
  'TemplateAudit',
  z.object(TemplateAuditEntry.shape),
  (entry: TemplateAuditEntry) => keys.templateAudit(entry.templateId, entry.at, entry.id),
);
