import { useState } from 'preact/hooks';
import { unwrap, type Schemas } from '../api/client.js';
import { useApp, useSession } from '../app-context.js';
import { Check, ErrorSummary, formErrors } from '../components/form.js';
import { PagedTable } from '../components/loaded.js';
import { ListHead } from '../components/page-title.js';
import { templateLanguages, mayWriteTemplates } from '../content-form.js';
import { useI18n } from '../i18n/index.js';
import { usePagedList } from '../list/use-paged-list.js';
import { Link } from '../router.js';

export type Template = Schemas['Template'];

/** The message templates: name, languages, fields, version, last change; archived ones on request. */
export const TemplatesPage = () => {
  const { t, lang, number, dateTime } = useI18n();
  const words = t.templates;
  const { api } = useApp();
  const session = useSession();
  const [archived, setArchived] = useState(false);
  const list = usePagedList<Template>(
    (cursor) =>
      unwrap(
        api.GET('/v1/templates', {
          params: {
            query: {
              limit: 50,
              ...(archived ? { archived: 'true' as const } : {}),
              ...(cursor ? { cursor } : {}),
            },
          },
        }),
      ),
    [archived],
  );
  const writer = mayWriteTemplates(session.role);
  return (
    <section>
      <ListHead
        title={words.title}
        create={writer ? { href: '/templates/new', label: words.create } : undefined}
      />
      <p class="hint">{words.intro}</p>
      {writer ? null : <p>{words.readOnly}</p>}
      <Check label={words.showArchived} checked={archived} onChecked={setArchived} />
      <ErrorSummary messages={formErrors(list.error, [], t).general} />
      <PagedTable
        list={list}
        empty={<p>{words.empty}</p>}
        label={words.title}
        rowKey={(template) => template.id}
        rowData={(template) => ({ 'data-template': template.id })}
        columns={[
          {
            label: words.name,
            cell: (template) => (
              <div>
                <Link href={`/templates/${template.id}`}>{template.name}</Link>
                {template.archived ? <span class="status status--cancelled">{words.archived}</span> : null}
                {template.description ? <div class="hint">{template.description}</div> : null}
              </div>
            ),
          },
          { label: words.languages, cell: (template) => templateLanguages(template, lang).join(', ') },
          {
            label: words.fields,
            cell: (template) =>
              template.fields.length ? template.fields.map((field) => field.name).join(', ') : words.none,
          },
          { label: words.version, num: true, cell: (template) => number(template.version) },
          {
            label: words.updated,
            cell: (template) => `${dateTime(template.updatedAt)} · ${template.updatedBy}`,
          },
        ]}
      />
    </section>
  );
};
