import { useEffect, useState } from 'preact/hooks';
import { unwrap, type Audience } from '../api/client.js';
import { useApp } from '../app-context.js';
import { Button, ErrorSummary, formErrors } from '../components/form.js';
import { useI18n } from '../i18n/index.js';
import { Link } from '../router.js';
import { PageTitle } from '../components/page-title.js';

/** The audiences, newest first, each with its size. */
export const AudiencesPage = () => {
  const { t, number, date } = useI18n();
  const { api } = useApp();
  const [items, setItems] = useState<Audience[]>();
  const [nextCursor, setNextCursor] = useState<string | null>(null);
  const [error, setError] = useState<unknown>();

  const load = async (cursor?: string) => {
    try {
      const page = await unwrap(
        api.GET('/v1/audiences', { params: { query: { limit: 50, ...(cursor ? { cursor } : {}) } } }),
      );
      setItems((current) => (cursor ? [...(current ?? []), ...page.items] : page.items));
      setNextCursor(page.nextCursor);
    } catch (failure) {
      setError(failure);
    }
  };
  useEffect(() => void load(), []);

  return (
    <section>
      <div class="page-head">
        <PageTitle text={t.audiences.title} />
        <Link class="button button--primary" href="/audiences/new">
          {t.audiences.create}
        </Link>
      </div>
      <ErrorSummary messages={formErrors(error, [], t).general} />
      {!items ? (
        <p>{t.common.loading}</p>
      ) : items.length === 0 ? (
        <p>{t.audiences.empty}</p>
      ) : (
        <div class="table-wrap">
          <table class="table table--stack" aria-label={t.audiences.title}>
            <thead>
              <tr>
                <th scope="col">{t.audiences.name}</th>
                <th scope="col" class="num">
                  {t.audiences.size}
                </th>
                <th scope="col">{t.audiences.createdAt}</th>
              </tr>
            </thead>
            <tbody>
              {items.map((audience) => (
                <tr key={audience.id}>
                  <td data-label={t.audiences.name}>
                    <Link href={`/audiences/${audience.id}`}>{audience.name}</Link>
                    {audience.description ? <div class="hint">{audience.description}</div> : null}
                  </td>
                  <td class="num" data-label={t.audiences.size}>
                    {number(audience.size)}
                  </td>
                  <td data-label={t.audiences.createdAt}>{date(audience.createdAt)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {nextCursor ? (
        <Button variant="secondary" onClick={() => void load(nextCursor)}>
          {t.common.more}
        </Button>
      ) : null}
    </section>
  );
};
