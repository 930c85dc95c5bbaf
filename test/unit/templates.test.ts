import { describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { CampaignCreateInput } from '#core/campaign.js';
import {
  TemplateInput,
  TemplatePatch,
  editTemplate,
  fieldsOfTemplate,
  newTemplate,
  type Template,
  type TemplateVersion,
} from '#core/content/templates.js';
import { ConflictError, ValidationError } from '#core/errors.js';
import { campaignContentFrom, type TemplateReader } from '#core/template-service.js';
import { issuesToDetails } from '#http/request.js';

const created = { actor: 'officer-1', at: '2027-07-01T01:00:00.000Z' };
const edited = { actor: 'officer-2', at: '2027-07-02T01:00:00.000Z' };

const input = TemplateInput.parse({
  name: 'Cảnh giác 30/7',
  description: 'Ngày toàn quốc phòng, chống mua bán người',
  message: 'Kính gửi {{Họ và tên|bà con}}, cảnh giác việc nhẹ lương cao. Gọi 111.',
  variants: {
    'vi-x-khongdau': 'Kinh gui {{ho_va_ten}}, canh giac. Goi 111. {{link:https://example.gov.vn/111}}',
  },
});

/** The 400's details as the API gives them: each field's path and catalogue code. */
const issuesOf = (schema: z.ZodType, value: unknown) => {
  const parsed = schema.safeParse(value);
  return parsed.success ? [] : issuesToDetails(parsed.error.issues).map((d) => [d.path, d.code]);
};

describe('a new template', () => {
  const { template, version } = newTemplate('t1', input, created);

  it('starts at version 1, not archived, created and last changed by its author', () => {
    expect(template).toMatchObject({
      id: 't1',
      version: 1,
      archived: false,
      createdBy: 'officer-1',
      createdAt: created.at,
      updatedBy: 'officer-1',
      updatedAt: created.at,
    });
  });

  it('derives its fields from every text: one per attribute, required when some use has no fallback', () => {
    // The vi text has a fallback; the unaccented variant does not: a recipient without it gets no text.
    expect(template.fields).toEqual([{ key: 'ho_va_ten', name: 'Họ và tên', required: true }]);
    expect(fieldsOfTemplate({ message: 'Chào {{tên|bạn}}. {{link:https://example.gov.vn}}' })).toEqual([
      { key: 'ten', name: 'tên', required: false },
    ]);
    expect(fieldsOfTemplate({ message: 'Không có trường nào. \\{{tên}}' })).toEqual([]);
  });

  it('is its own version 1, by its author', () => {
    expect(version).toEqual({
      templateId: 't1',
      version: 1,
      name: input.name,
      description: input.description,
      message: input.message,
      variants: input.variants,
      fields: template.fields,
      createdBy: 'officer-1',
      createdAt: created.at,
    });
  });

  it('holds no variants when given none or an empty set', () => {
    const { variants: _, ...plain } = input;
    expect(newTemplate('t2', plain, created).template).not.toHaveProperty('variants');
    expect(newTemplate('t3', { ...plain, variants: {} }, created).template).not.toHaveProperty('variants');
  });
});

describe('an edit', () => {
  const { template } = newTemplate('t1', input, created);

  it('makes the next version with the fields sent and keeps the others', () => {
    const edit = editTemplate(template, { message: 'Chào {{tên}}. Gọi 111.' }, edited);
    expect(edit?.changed).toEqual(['message']);
    expect(edit?.template).toEqual({
      ...template,
      message: 'Chào {{tên}}. Gọi 111.',
      fields: [
        { key: 'ten', name: 'tên', required: true },
        { key: 'ho_va_ten', name: 'ho_va_ten', required: true },
      ],
      version: 2,
      updatedBy: 'officer-2',
      updatedAt: edited.at,
    });
    expect(edit?.version).toMatchObject({ version: 2, createdBy: 'officer-2', createdAt: edited.at });
    expect(edit?.version.variants).toEqual(input.variants);
  });

  it('makes no version when nothing changes', () => {
    expect(editTemplate(template, {}, edited)).toBeUndefined();
    expect(
      editTemplate(
        template,
        { name: template.name, variants: { ...input.variants }, description: input.description },
        edited,
      ),
    ).toBeUndefined();
  });

  it('removes the description and the variants with null (or the variants with {})', () => {
    const edit = editTemplate(template, { description: null, variants: null }, edited);
    expect(edit?.changed).toEqual(['description', 'variants']);
    expect(edit?.template).not.toHaveProperty('description');
    expect(edit?.template).not.toHaveProperty('variants');
    expect(edit?.template.fields).toEqual([{ key: 'ho_va_ten', name: 'Họ và tên', required: false }]);
    expect(editTemplate(template, { variants: {} }, edited)?.changed).toEqual(['variants']);
  });

  it('counts versions on from the current one, never reusing a number', () => {
    const second = editTemplate(template, { name: 'Hai' }, edited)?.template as Template;
    const third = editTemplate(second, { name: 'Ba' }, edited);
    expect(third?.template.version).toBe(3);
    expect(third?.template.createdBy).toBe('officer-1');
  });
});

describe('template input', () => {
  it('names the field of each problem', () => {
    expect(issuesOf(TemplateInput, { name: '', message: 'Gọi {{tên' })).toEqual([
      ['name', 'too_small'],
      ['message', 'unclosed_placeholder'],
    ]);
    expect(
      issuesOf(TemplateInput, { name: 'x', message: 'ok', variants: { vi: 'a', 'not a tag': 'b' } }),
    ).toEqual([
      ['variants.vi', 'default_language_variant'],
      ['variants.not a tag', 'invalid_language_tag'],
    ]);
    expect(issuesOf(TemplateInput, { name: 'x', message: 'ok', extra: 1 })).toEqual([
      ['extra', 'unrecognized_keys'],
    ]);
    expect(issuesOf(TemplatePatch, { version: 0 })).toEqual([['version', 'too_small']]);
  });
});

describe('a campaign body with a template', () => {
  const body = {
    name: 'Từ mẫu',
    audienceIds: ['a1'],
    schedule: { asap: true },
  };

  it('takes a template or a message, never both, never neither', () => {
    expect(issuesOf(CampaignCreateInput, { ...body, templateId: 't1' })).toEqual([]);
    expect(issuesOf(CampaignCreateInput, { ...body, message: 'Gọi 111' })).toEqual([]);
    expect(issuesOf(CampaignCreateInput, { ...body, templateId: 't1', message: 'Gọi 111' })).toEqual([
      ['message', 'text_with_template'],
    ]);
    expect(issuesOf(CampaignCreateInput, { ...body, templateId: 't1', variants: { km: 'ហៅ 111' } })).toEqual([
      ['variants', 'text_with_template'],
    ]);
    expect(issuesOf(CampaignCreateInput, body)).toEqual([['message', 'required']]);
    expect(issuesOf(CampaignCreateInput, { ...body, message: 'Gọi 111', templateVersion: 2 })).toEqual([
      ['templateVersion', 'template_version_without_template'],
    ]);
  });

  const { template: v1 } = newTemplate('t1', input, created);
  const v2 = editTemplate(v1, { message: 'Phiên bản 2. Gọi 111.', variants: null }, edited);
  const versions = new Map<number, TemplateVersion>([
    [1, newTemplate('t1', input, created).version],
    [2, v2?.version as TemplateVersion],
  ]);
  const reader = (head: Template): TemplateReader => ({
    get: async (id) => (id === head.id ? head : undefined),
    getVersion: async (id, version) => (id === head.id ? versions.get(version) : undefined),
  });
  const head = v2?.template as Template;
  const parse = (extra: object) => CampaignCreateInput.parse({ ...body, ...extra });

  it('copies the texts of the current version and records it', async () => {
    const { input: campaign, template } = await campaignContentFrom(
      reader(head),
      parse({ templateId: 't1' }),
    );
    expect(template).toEqual({ id: 't1', version: 2 });
    expect(campaign.message).toBe('Phiên bản 2. Gọi 111.');
    expect(campaign).not.toHaveProperty('variants');
    expect(campaign).not.toHaveProperty('templateId');
  });

  it('or of the version asked for', async () => {
    const { input: campaign, template } = await campaignContentFrom(
      reader(head),
      parse({ templateId: 't1', templateVersion: 1 }),
    );
    expect(template).toEqual({ id: 't1', version: 1 });
    expect(campaign.message).toBe(input.message);
    expect(campaign.variants).toEqual(input.variants);
  });

  it('leaves a campaign with its own text as it is, recording no template', async () => {
    const result = await campaignContentFrom(reader(head), parse({ message: 'Gọi 111' }));
    expect(result).toEqual({ input: parse({ message: 'Gọi 111' }) });
  });

  it('refuses an unknown template or version (400 naming the field) and an archived one (409)', async () => {
    const refusal = (extra: object, from = head) =>
      campaignContentFrom(reader(from), parse(extra)).then(
        () => 'accepted',
        (error: unknown) =>
          error instanceof ValidationError
            ? error.details?.map((d) => `${d.path} ${d.code}`).join()
            : error instanceof ConflictError
              ? `409 ${error.catalogued?.code}`
              : String(error),
      );
    expect(await refusal({ templateId: 'nope' })).toBe('templateId unknown_template');
    expect(await refusal({ templateId: 't1', templateVersion: 3 })).toBe(
      'templateVersion unknown_template_version',
    );
    expect(await refusal({ templateId: 't1' }, { ...head, archived: true })).toBe('409 template_archived');
  });
});
