import { unwrap } from '../api/client.js';
import { useApp } from '../app-context.js';
import { ALL_CARRIERS, type Partner } from '../admin/partner-form.js';
import { ErrorSummary, formErrors } from '../components/form.js';
import { PagedTable } from '../components/loaded.js';
import { ListHead } from '../components/page-title.js';
import { usePagedList } from '../list/use-paged-list.js';
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
  const list = usePagedList<Partner>(
    (cursor) =>
      unwrap(api.GET('/v1/partners', { params: { query: { limit: 50, ...(cursor ? { cursor } : {}) } } })),
    [],
  );

  return (
    <section>
      <ListHead title={words.title} create={{ href: '/partners/new', label: words.create }} />
      <ErrorSummary messages={formErrors(list.error, [], t).general} />
      <PagedTable
        list={list}
        empty={<p>{words.empty}</p>}
        label={words.title}
        rowKey={(partner) => partner.id}
        rowData={(partner) => ({ 'data-partner': partner.id })}
        columns={[
          {
            label: words.name,
            cell: (partner) => (
              <div>
                <Link href={`/partners/${partner.id}`}>{partner.name}</Link>
                <div class="hint">{partner.id}</div>
              </div>
            ),
          },
          { label: words.carriers, cell: (partner) => carrierNames(partner.carriers, t) },
          { label: words.tps, num: true, cell: (partner) => number(partner.tps) },
          {
            label: words.status,
            cell: (partner) => (
              <span class={`status status--${partner.enabled ? 'completed' : 'cancelled'}`}>
                {partner.enabled ? words.on : words.off}
              </span>
            ),
          },
          { label: words.secretRotatedAt, cell: (partner) => dateTime(partner.secretRotatedAt) },
        ]}
      />
    </section>
  );
};
