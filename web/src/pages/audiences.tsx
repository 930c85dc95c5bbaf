import { unwrap } from '../api/client.js';
import { useApp } from '../app-context.js';
import { ErrorSummary, formErrors } from '../components/form.js';
import { PagedTable } from '../components/loaded.js';
import { useI18n } from '../i18n/index.js';
import { Link } from '../router.js';
import { ListHead } from '../components/page-title.js';
import { usePagedList } from '../list/use-paged-list.js';

/** The audiences, newest first, each with its size. */
export const AudiencesPage = () => {
  const { t, number, date } = useI18n();
  const { api } = useApp();
  const list = usePagedList(
    (cursor) =>
      unwrap(api.GET('/v1/audiences', { params: { query: { limit: 50, ...(cursor ? { cursor } : {}) } } })),
    [],
  );

  return (
    <section>
      <ListHead title={t.audiences.title} create={{ href: '/audiences/new', label: t.audiences.create }} />
      <ErrorSummary messages={formErrors(list.error, [], t).general} />
      <PagedTable
        list={list}
        empty={<p>{t.audiences.empty}</p>}
        label={t.audiences.title}
        rowKey={(audience) => audience.id}
        columns={[
          {
            label: t.audiences.name,
            cell: (audience) => (
              <>
                <Link href={`/audiences/${audience.id}`}>{audience.name}</Link>
                {audience.description ? <div class="hint">{audience.description}</div> : null}
              </>
            ),
          },
          { label: t.audiences.size, num: true, cell: (audience) => number(audience.size) },
          { label: t.audiences.createdAt, cell: (audience) => date(audience.createdAt) },
        ]}
      />
    </section>
  );
};
