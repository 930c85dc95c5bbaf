/**
 * Message templates (issue #16): a named, versioned text with its language variants, which campaigns copy.
 * Pure rules: what a new template and an edit make (the head, which holds the current version, and one
 * immutable version item per version), and the fields a template's texts use.
 */
import * as z from 'zod';
import { MessageText, TemplateId, Variants } from '../campaign.js';
import { freeText, nameText } from '../text.js';
import { contentFields, type Content } from './content.js';

export { TemplateId };

/** A version number as a path parameter takes it (`/versions/{version}`). */
export const TemplateVersionNumber = z.coerce.number().int().min(1).max(1_000_000);

const templateFields = {
  name: nameText(200).min(1),
  description: freeText(1000).optional(),
  message: MessageText.meta({ description: 'The vi text; the fallback of every recipient' }),
  variants: Variants.optional(),
};

export const TemplateInput = z.strictObject(templateFields).meta({ id: 'TemplateInput' });
export type TemplateInput = z.output<typeof TemplateInput>;

export const TemplatePatch = z
  .strictObject({
    ...templateFields,
    description: freeText(1000).nullable().optional().meta({ description: 'null removes it' }),
    variants: Variants.nullable().optional().meta({ description: 'null (or {}) removes every variant' }),
    version: z.int().min(1).optional().meta({
      description:
        'The version this edit was made from: when the template has moved on since, 409 and nothing changes',
    }),
  })
  .partial()
  .meta({ id: 'TemplatePatch' });
export type TemplatePatch = z.output<typeof TemplatePatch>;

export const TemplateField = z
  .object({
    key: z.string().meta({ description: 'The attribute it reads (accents folded, lower case, `_`)' }),
    name: z.string().meta({ description: 'As first written in the texts' }),
    required: z.boolean().meta({
      description: 'Some use has no fallback: a recipient without the value cannot be sent this text',
    }),
  })
  .meta({ id: 'TemplateField' });
export type TemplateField = z.output<typeof TemplateField>;

const content = {
  name: z.string(),
  description: z.string().optional(),
  message: z.string(),
  variants: z.record(z.string(), z.string()).optional(),
  fields: z.array(TemplateField).meta({
    description: 'The placeholders its texts use, once each (derived: `{{Họ và tên}}` reads ho_va_ten)',
  }),
  version: z.int().min(1),
};

export const TemplateView = z
  .object({
    id: z.string(),
    ...content,
    version: z.int().min(1).meta({ description: 'The current version; every edit makes the next one' }),
    archived: z.boolean().meta({ description: 'An archived template cannot start a new campaign' }),
    createdBy: z.string(),
    createdAt: z.iso.datetime(),
    updatedBy: z.string().meta({ description: 'Who made the latest change (an edit, an archive)' }),
    updatedAt: z.iso.datetime(),
  })
  .meta({ id: 'Template' });
export type Template = z.output<typeof TemplateView>;

/** One version as it was written: never changed afterwards. */
export const TemplateVersionView = z
  .object({
    templateId: z.string(),
    ...content,
    createdBy: z.string().meta({ description: 'Who wrote this version' }),
    createdAt: z.iso.datetime(),
  })
  .meta({ id: 'TemplateVersion' });
export type TemplateVersion = z.output<typeof TemplateVersionView>;

/** What an edit can change: the content of a version. */
export const TEMPLATE_CONTENT_FIELDS = ['name', 'description', 'message', 'variants'] as const;
type ContentField = (typeof TEMPLATE_CONTENT_FIELDS)[number];

/** The template and version a campaign was created from. */
export interface TemplateRef {
  id: string;
  version: number;
}

/** The fields a template's texts use (the message and every variant), once each. */
export const fieldsOfTemplate = (template: Pick<Content, 'message' | 'variants'>): TemplateField[] =>
  contentFields({ message: template.message, variants: template.variants }).map(
    ({ key, name, required }) => ({ key, name, required }),
  );

/** Empty variants are no variants: the item holds none, so two templates alike compare alike. */
const variantsOrNone = (variants: Readonly<Record<string, string>> | null | undefined) =>
  variants && Object.keys(variants).length ? { variants: { ...variants } } : {};

export const versionOf = (template: Template): TemplateVersion => ({
  templateId: template.id,
  name: template.name,
  ...(template.description !== undefined ? { description: template.description } : {}),
  message: template.message,
  ...variantsOrNone(template.variants),
  fields: template.fields,
  version: template.version,
  createdBy: template.updatedBy,
  createdAt: template.updatedAt,
});

interface Change {
  actor: string;
  at: string;
}

/** A new template at version 1, and that version. */
export const newTemplate = (
  id: string,
  input: TemplateInput,
  { actor, at }: Change,
): { template: Template; version: TemplateVersion } => {
  const template: Template = {
    id,
    name: input.name,
    ...(input.description ? { description: input.description } : {}),
    message: input.message,
    ...variantsOrNone(input.variants),
    fields: fieldsOfTemplate(input),
    version: 1,
    archived: false,
    createdBy: actor,
    createdAt: at,
    updatedBy: actor,
    updatedAt: at,
  };
  return { template, version: versionOf(template) };
};

const sameVariants = (a: Template['variants'], b: Template['variants']) =>
  JSON.stringify(Object.entries(a ?? {}).sort()) === JSON.stringify(Object.entries(b ?? {}).sort());

/**
 * An edit: the next version, with the fields the patch sends and the others kept. `undefined` when the
 * patch changes nothing (no new version for it); `changed` names the fields that moved.
 */
export const editTemplate = (
  current: Template,
  patch: TemplatePatch,
  { actor, at }: Change,
): { template: Template; version: TemplateVersion; changed: ContentField[] } | undefined => {
  const next = {
    name: patch.name ?? current.name,
    description:
      patch.description === null ? undefined : (patch.description ?? current.description) || undefined,
    message: patch.message ?? current.message,
    variants: patch.variants === null ? undefined : (patch.variants ?? current.variants),
  };
  const changed = TEMPLATE_CONTENT_FIELDS.filter((field) =>
    field === 'variants' ? !sameVariants(next.variants, current.variants) : next[field] !== current[field],
  );
  if (!changed.length) return undefined;
  const { description: _description, variants: _variants, ...kept } = current;
  const template: Template = {
    ...kept,
    name: next.name,
    ...(next.description !== undefined ? { description: next.description } : {}),
    message: next.message,
    ...variantsOrNone(next.variants),
    fields: fieldsOfTemplate(next),
    version: current.version + 1,
    updatedBy: actor,
    updatedAt: at,
  };
  return { template, version: versionOf(template), changed };
};

/** One line of a template's audit trail: who created, edited, archived or unarchived it, and when. */
export const TemplateAuditEntry = z
  .object({
    id: z.string(),
    templateId: z.string(),
    action: z.enum(['create', 'update', 'archive', 'unarchive']),
    version: z.int().meta({ description: 'The template’s version after the action' }),
    actor: z.string(),
    at: z.iso.datetime(),
    fields: z.array(z.string()).optional().meta({ description: 'An edit: the fields it changed' }),
  })
  .meta({ id: 'TemplateAuditEntry' });
export type TemplateAuditEntry = z.output<typeof TemplateAuditEntry>;
