import { useEffect, useState } from 'preact/hooks';
import { unwrap } from '../api/client.js';
import { useApp } from '../app-context.js';
import { ALL_CARRIERS, type Partner } from '../admin/partner-form.js';
import { Button, ErrorSummary, formErrors } from '../components/form.js';
import { PageTitle } from '../components/page-title.js';
import { useI18n } from '../i18n/index.js';
import type { Catalogue } from '../i18n/vi.js';
import { Link } from '../router.js';

export const carrierNames = (carriers: readonly string[], t: Catalogue): string =>
  carriers.includes(ALL_CARRIERS)
    ? t.admin.partners.allCarriers
    : carriers.map((carrier) => t.carriers[carrier] ?? carrier).join(', ');

/** The telecom partners (admin), in id order, each with its carriers, speed and whether it is enabled. */
export const PartnersPage = () => {
  const { t, number, dateTime } = useI18n();
  const words = t.admin.partners;
  const { api } = useApp();
  const [items, setItems] = useState<Partner[]>();
  const [nextCursor, setNextCursor] = useState<string | null>(null);
  const [error, setError] = useState<unknown>();

  const load = async (cursor?: string) => {
    setError(undefined);
    try {
      const page = await unwrap(
        api.GET('/v1/partners', { params: { query: { limit: 50, ...(cursor ? { cursor } : {}) } } }),
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
        <PageTitle text={words.title} />
        <Link class="button button--primary" href="/partners/new">
          {words.create}
        </Link>
      </div>
      <ErrorSummary messages={formErrors(error, [], t).general} />
      {!items ? (
        error ? null : (
          <p>{t.common.loading}</p>
        )
      ) : items.length === 0 ? (
        <p>{words.empty}</p>
      ) : (
        <div class="table-wrap">
          <table class="table table--stack" aria-label={words.title}>
            <thead>
              <tr>
                <th scope="col">{words.name}</th>
                <th scope="col">{words.carriers}</th>
                <th scope="col" class="num">
                  {words.tps}
                </th>
                <th scope="col">{words.status}</th>
                <th scope="col">{words.secretRotatedAt}</th>
              </tr>
            </thead>
            <tbody>
              {items.map((partner) => (
                <tr key={partner.id} data-partner={partner.id}>
                  <td data-label={words.name}>
                    <div>
                      <Link href={`/partners/${partner.id}`}>{partner.name}</Link>
                      <div class="hint">{partner.id}</div>
                    </div>
                  </td>
                  <td data-label={words.carriers}>{carrierNames(partner.carriers, t)}</td>
                  <td class="num" data-label={words.tps}>
                    {number(partner.tps)}
                  </td>
                  <td data-label={words.status}>
                    <span class={`status status--${partner.enabled ? 'completed' : 'cancelled'}`}>
                      {partner.enabled ? words.on : words.off}
                    </span>
                  </td>
                  <td data-label={words.secretRotatedAt}>{dateTime(partner.secretRotatedAt)}</td>
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
