import { useEffect, useState } from 'preact/hooks';
import { idempotencyKey, unwrap, type Schemas } from '../api/client.js';
import { useApp, useSession } from '../app-context.js';
import { Button, ErrorSummary, Form, Notice, TextField, formErrors, useAction } from '../components/form.js';
import { MessageSide, MessageTabs, useMessageTexts } from '../components/message-texts.js';
import { BackLink, PageTitle } from '../components/page-title.js';
import { DEFAULT_LANGUAGE, languageName } from '../../../functions/core/content/languages.js';
import {
  byLanguageOrder,
  contentOf,
  emptyContent,
  mayWriteTemplates,
  type ContentForm,
} from '../content-form.js';
import { useI18n } from '../i18n/index.js';
import { Link, rewriteUrl } from '../router.js';

type Template = Schemas['Template'];
type TemplateVersion = Schemas['TemplateVersion'];

const FIELDS = ['name', 'description', 'message', 'variants', 'version'] as const;
const TEXT_FIELDS = [
  { key: 'name', maxLength: 200 },
  { key: 'description', maxLength: 500 },
] as const;

interface TemplateForm {
  name: string;
  description: string;
  message: string;
  content: ContentForm;
}

const formOf = (template: Template | TemplateVersion): TemplateForm => ({
  name: template.name,
  description: template.description ?? '',
  message: template.message,
  content: contentOf({ variants: template.variants }),
});

const variantsOf = (content: ContentForm) =>
  Object.fromEntries(content.variants.map(({ language, text }) => [language, text]));

/**
 * A message template (`/templates/new`, `/templates/:templateId`): its name and texts by language with the
 * editor's tabs and checks; saving an existing one makes its next version (from the version shown: a
 * colleague's edit in between is refused, not overwritten). Its history of versions, archive, and
 * "create a campaign from this template". Approvers and planners read it.
 */
export const TemplatePage = ({ params }: { params: Record<string, string> }) => {
  const { t, lang, number, dateTime } = useI18n();
  const words = t.templates;
  const { api } = useApp();
  const session = useSession();
  const id = params.templateId;
  const [template, setTemplate] = useState<Template>();
  const [versions, setVersions] = useState<TemplateVersion[]>([]);
  const [form, setForm] = useState<TemplateForm>({
    name: '',
    description: '',
    message: '',
    content: emptyContent(),
  });
  const [loading, setLoading] = useState(Boolean(id));
  const [loadError, setLoadError] = useState<unknown>();
  const [notice, setNotice] = useState<string>();
  const [createKey] = useState(idempotencyKey);
  const { busy, error, act } = useAction();
  const texts = useMessageTexts(form, (changes) => setForm({ ...form, ...changes }));
  const writer = mayWriteTemplates(session.role);
  const readOnly = !writer || Boolean(template?.archived);

  const loadVersions = (templateId: string) =>
    unwrap(
      api.GET('/v1/templates/{templateId}/versions', {
        params: { path: { templateId }, query: { limit: 50 } },
      }),
    ).then((page) => setVersions([...page.items].sort((a, b) => b.version - a.version)));

  useEffect(() => {
    if (!id) return;
    void unwrap(api.GET('/v1/templates/{templateId}', { params: { path: { templateId: id } } }))
      .then((found) => {
        setTemplate(found);
        setForm(formOf(found));
        return loadVersions(found.id);
      })
      .catch(setLoadError)
      .finally(() => setLoading(false));
  }, []);

  const save = () =>
    act(async () => {
      setNotice(undefined);
      const body = {
        name: form.name,
        message: form.message,
        variants: variantsOf(form.content),
      };
      if (template) {
        const saved = await unwrap(
          api.PATCH('/v1/templates/{templateId}', {
            params: { path: { templateId: template.id } },
            body: { ...body, description: form.description.trim() || null, version: template.version },
          }),
        );
        setTemplate(saved);
        setForm(formOf(saved));
        setNotice(words.saved(number(saved.version)));
        await loadVersions(saved.id);
      } else {
        const created = await unwrap(
          api.POST('/v1/templates', {
            params: { header: { 'Idempotency-Key': createKey } },
            body: { ...body, ...(form.description.trim() ? { description: form.description.trim() } : {}) },
          }),
        );
        setTemplate(created);
        setForm(formOf(created));
        setNotice(words.created);
        rewriteUrl(`/templates/${created.id}`);
        await loadVersions(created.id);
      }
    });

  const archive = (action: 'archive' | 'unarchive') =>
    act(async () => {
      if (!template) return;
      if (action === 'archive' && !window.confirm(words.confirmArchive(template.name))) return;
      setNotice(undefined);
      const changed = await unwrap(
        api.POST('/v1/templates/{templateId}/{action}', {
          params: { path: { templateId: template.id, action } },
        }),
      );
      setTemplate(changed);
      setNotice(action === 'archive' ? words.archivedNotice : words.unarchivedNotice);
    });

  if (loadError) {
    return (
      <section>
        <BackLink href="/templates" />
        <ErrorSummary messages={formErrors(loadError, [], t).general} />
      </section>
    );
  }
  if (loading) return <p>{t.common.loading}</p>;
  const { byField, general } = formErrors(error, FIELDS, t);
  const title = template ? template.name : words.newTitle;

  return (
    <section>
      <BackLink href="/templates" />
      <div class="page-head">
        <PageTitle text={title} />
        {template ? (
          <span class="hint" data-testid="template-version">
            {words.versionLine(number(template.version))}
            {template.archived ? ` · ${words.archived}` : ''}
          </span>
        ) : null}
      </div>
      {!writer ? <p>{words.readOnly}</p> : null}
      <ErrorSummary messages={[...general, ...(byField.version ? [byField.version] : [])]} />
      {notice ? <Notice>{notice}</Notice> : null}
      {template && !template.archived ? (
        <div class="buttons">
          {session.role === 'planner' ? null : (
            <Link class="button button--primary" href={`/campaigns/new?templateId=${template.id}`}>
              {words.useTemplate}
            </Link>
          )}
        </div>
      ) : null}
      <div class="editor">
        <Form onSubmit={save}>
          <fieldset class="plain" disabled={readOnly}>
            {TEXT_FIELDS.map(({ key, maxLength }) => (
              <TextField
                key={key}
                id={`template-${key}`}
                label={words[key]}
                error={byField[key]}
                maxLength={maxLength}
                value={form[key]}
                onValue={(value) => setForm({ ...form, [key]: value })}
              />
            ))}
          </fieldset>
          <MessageTabs idPrefix="template-" texts={texts} readOnly={readOnly} errors={byField} />
          {readOnly ? null : (
            <div class="buttons">
              <Button type="submit" busy={busy}>
                {template ? words.saveVersion : words.save}
              </Button>
            </div>
          )}
        </Form>
        <div class="side">
          <MessageSide texts={texts} readOnly={readOnly} currency="VND" />
        </div>
      </div>
      {template && writer ? (
        <div class="buttons">
          <Button
            variant={template.archived ? 'secondary' : 'warning'}
            busy={busy}
            onClick={() => void archive(template.archived ? 'unarchive' : 'archive')}
          >
            {template.archived ? words.unarchive : words.archive}
          </Button>
        </div>
      ) : null}
      {template ? (
        <section class="panel" aria-labelledby="history-title" data-testid="template-history">
          <h2 id="history-title">{words.history}</h2>
          <ol class="plain-list">
            {versions.map((version) => (
              <li key={version.version} data-version={String(version.version)}>
                <details>
                  <summary>
                    {words.versionLine(number(version.version))}
                    {version.version === template.version ? ` (${words.current})` : ''} ·{' '}
                    {dateTime(version.createdAt)} · {version.createdBy}
                  </summary>
                  <h3>{languageName(DEFAULT_LANGUAGE, lang)}</h3>
                  <p class="highlighted variant-text">{version.message}</p>
                  {Object.entries(version.variants ?? {})
                    .sort(([a], [b]) => byLanguageOrder(a, b))
                    .map(([tag, text]) => (
                      <div key={tag}>
                        <h3>{languageName(tag, lang)}</h3>
                        <p class="highlighted variant-text">{text}</p>
                      </div>
                    ))}
                </details>
              </li>
            ))}
          </ol>
        </section>
      ) : null}
    </section>
  );
};
