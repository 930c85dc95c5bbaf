import { z } from 'zod';
import {
  TemplateAuditEntry,
  TemplateVersionView,
  TemplateView,
  type Template,
  type TemplateVersion,
} from '#core/content/templates.js';
import { keys } from '#adapters/table.js';
import { parseItem, type Item } from './codec.js';

/**
 * The codecs of message templates (issue #16): the head (the current version), one immutable item per
 * version, and the template's audit entries. Stores use nothing else.
 */

const TEMPLATE = 'Template';
/** Template head: `TEMPLATE#{id}` / `TEMPLATE`, listed under `TEMPLATES` and, unless archived, `TEMPLATE_STATUS#active`. */
export const templateCodec = {
  entity: TEMPLATE,
  key: keys.template,
  toItem: (template: Template): Item => ({
    ...template,
    ...keys.template(template.id),
    ...keys.templateList(template.createdAt, template.id),
    ...(template.archived ? {} : keys.templateActive(template.createdAt, template.id)),
    entity: TEMPLATE,
  }),
  fromItem: (item: Item): Template => parseItem(TEMPLATE, z.object(TemplateView.shape), item),
} as const;

const TEMPLATE_VERSION = 'TemplateVersion';
/** One version of a template, written once: `TEMPLATEVERSION#{id}` / `{version 6 digits}`. */
export const templateVersionCodec = {
  entity: TEMPLATE_VERSION,
  key: keys.templateVersion,
  toItem: (version: TemplateVersion): Item => ({
    ...version,
    ...keys.templateVersion(version.templateId, version.version),
    entity: TEMPLATE_VERSION,
  }),
  fromItem: (item: Item): TemplateVersion =>
    parseItem(TEMPLATE_VERSION, z.object(TemplateVersionView.shape), item),
} as const;

const TEMPLATE_AUDIT = 'TemplateAudit';
/** Audit entry of a template: `TEMPLATEAUDIT#{templateId}` / `{at}#{id}`. */
export const templateAuditCodec = {
  entity: TEMPLATE_AUDIT,
  toItem: (entry: TemplateAuditEntry): Item => ({
    ...entry,
    ...keys.templateAudit(entry.templateId, entry.at, entry.id),
    entity: TEMPLATE_AUDIT,
  }),
  fromItem: (item: Item): TemplateAuditEntry =>
    parseItem(TEMPLATE_AUDIT, z.object(TemplateAuditEntry.shape), item),
} as const;
