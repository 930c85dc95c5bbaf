import type { Campaign, CampaignCreateInput, CampaignInput } from './campaign.js';
import { createCampaign, type CampaignDeps } from './campaign-service.js';
import {
  editTemplate,
  newTemplate,
  type Template,
  type TemplateAuditEntry,
  type TemplateInput,
  type TemplatePatch,
  type TemplateRef,
  type TemplateVersion,
} from './content/templates.js';
import { ConflictError, detail, NotFoundError, ValidationError } from './errors.js';
import type { Page, PageRequest } from './page.js';
import type { Actor } from './roles.js';
import type { Clock, Ids } from './clock.js';

/** What reads templates: the template API and a campaign created from a template. */
export interface TemplateReader {
  get(id: string): Promise<Template | undefined>;
  getVersion(id: string, version: number): Promise<TemplateVersion | undefined>;
}

/** The storage of templates; DynamoDB implements it in adapters/template-store.ts. */
export interface TemplateStore extends TemplateReader {
  /** The head, its first version and the audit entry, in one write; the id must be new. */
  create(template: Template, version: TemplateVersion, audit: TemplateAuditEntry): Promise<void>;
  /**
   * Replaces the head only if it still has `expected`'s version and archived state, with the new version
   * item (when there is one: an archive makes none) and the audit entry, in one write: of two changes
   * made from the same head one wins, the other gets ConflictError.
   */
  replace(
    template: Template,
    expected: Pick<Template, 'version' | 'archived'>,
    version: TemplateVersion | undefined,
    audit: TemplateAuditEntry,
  ): Promise<void>;
  /** Newest first; without `archived`, only those not archived. */
  list(query: PageRequest & { archived: boolean }): Promise<Page<Template>>;
  /** Every version, newest first. */
  listVersions(id: string, page: PageRequest): Promise<Page<TemplateVersion>>;
  listAudit(id: string, page: PageRequest): Promise<Page<TemplateAuditEntry>>;
}

export interface TemplateDeps extends Clock, Ids {
  store: TemplateStore;
}

const auditEntry = (
  deps: TemplateDeps,
  template: Template,
  action: TemplateAuditEntry['action'],
  actor: Actor,
  fields?: string[],
): TemplateAuditEntry => ({
  id: deps.newId(),
  templateId: template.id,
  action,
  version: template.version,
  actor: actor.userId,
  at: template.updatedAt,
  ...(fields ? { fields } : {}),
});

export const createTemplate = async (
  deps: TemplateDeps,
  actor: Actor,
  input: TemplateInput,
): Promise<Template> => {
  const { template, version } = newTemplate(deps.newId(), input, {
    actor: actor.userId,
    at: deps.now().toISOString(),
  });
  await deps.store.create(template, version, auditEntry(deps, template, 'create', actor));
  return template;
};

export const getTemplate = async (deps: { store: TemplateReader }, id: string): Promise<Template> => {
  const template = await deps.store.get(id);
  if (!template) throw new NotFoundError(`Template ${id}`);
  return template;
};

export const getTemplateVersion = async (
  deps: { store: TemplateReader },
  id: string,
  version: number,
): Promise<TemplateVersion> => {
  const found = await deps.store.getVersion(id, version);
  if (found) return found;
  await getTemplate(deps, id);
  throw new NotFoundError(`Version ${version} of template ${id}`);
};

export const listTemplateVersions = async (deps: TemplateDeps, id: string, page: PageRequest) => {
  await getTemplate(deps, id);
  return deps.store.listVersions(id, page);
};

export const listTemplateAudit = async (deps: TemplateDeps, id: string, page: PageRequest) => {
  await getTemplate(deps, id);
  return deps.store.listAudit(id, page);
};

const archivedConflict = (id: string) =>
  new ConflictError(`Template ${id} is archived: unarchive it first`, {
    code: 'template_archived',
    params: { templateId: id },
  });

/**
 * An edit makes the next version (the fields sent change, the others are kept); one that changes nothing
 * makes none. With `patch.version`, an edit made from an older version is refused (409), as is any edit
 * of an archived template.
 */
export const updateTemplate = async (
  deps: TemplateDeps,
  actor: Actor,
  id: string,
  { version: expected, ...patch }: TemplatePatch,
): Promise<Template> => {
  const current = await getTemplate(deps, id);
  if (expected !== undefined && expected !== current.version) {
    throw new ConflictError(`Template ${id} is at version ${current.version}, not ${expected}`, {
      code: 'template_version_conflict',
      params: { templateId: id, current: current.version, expected },
    });
  }
  if (current.archived) throw archivedConflict(id);
  const edit = editTemplate(current, patch, { actor: actor.userId, at: deps.now().toISOString() });
  if (!edit) return current;
  await deps.store.replace(
    edit.template,
    current,
    edit.version,
    auditEntry(deps, edit.template, 'update', actor, edit.changed),
  );
  return edit.template;
};

/** Archives or unarchives; the version stays (the texts did not change). Doing it twice changes nothing. */
export const setTemplateArchived = async (
  deps: TemplateDeps,
  actor: Actor,
  id: string,
  action: 'archive' | 'unarchive',
): Promise<Template> => {
  const current = await getTemplate(deps, id);
  const archived = action === 'archive';
  if (current.archived === archived) return current;
  const updated: Template = {
    ...current,
    archived,
    updatedBy: actor.userId,
    updatedAt: deps.now().toISOString(),
  };
  await deps.store.replace(updated, current, undefined, auditEntry(deps, updated, action, actor));
  return updated;
};

/**
 * The create body of a campaign as the campaign service takes it: its own text as sent, or the texts of
 * a template's version copied (the current version unless `templateVersion` names one), with the
 * template and version to record. An archived template starts no campaign (409).
 */
export const campaignContentFrom = async (
  templates: TemplateReader,
  request: CampaignCreateInput,
): Promise<{ input: CampaignInput; template?: TemplateRef }> => {
  const { templateId, templateVersion, message, ...rest } = request;
  if (templateId === undefined) {
    if (message === undefined) {
      throw new ValidationError('A campaign needs a message', [detail('message', 'required')]);
    }
    return { input: { ...rest, message } };
  }
  const head = await templates.get(templateId);
  if (!head) {
    throw new ValidationError('Unknown template', [detail('templateId', 'unknown_template')]);
  }
  if (head.archived) {
    throw new ConflictError(`Template ${templateId} is archived`, {
      code: 'template_archived',
      params: { templateId },
    });
  }
  const chosen =
    templateVersion === undefined || templateVersion === head.version
      ? head
      : await templates.getVersion(templateId, templateVersion);
  if (!chosen) {
    throw new ValidationError('Unknown template version', [
      detail('templateVersion', 'unknown_template_version', { latest: head.version }),
    ]);
  }
  return {
    input: { ...rest, message: chosen.message, ...(chosen.variants ? { variants: chosen.variants } : {}) },
    template: { id: templateId, version: chosen.version },
  };
};

/** `POST /v1/campaigns`: a campaign with its own text, or with a template's texts copied. */
export const createCampaignFrom = async (
  deps: CampaignDeps & { templates: TemplateReader },
  actor: Actor,
  request: CampaignCreateInput,
): Promise<Campaign> => {
  const { input, template } = await campaignContentFrom(deps.templates, request);
  return createCampaign(deps, actor, input, template);
};
