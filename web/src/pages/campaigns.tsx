import { useState } from 'preact/hooks';
import { unwrap, type Campaign } from '../api/client.js';
import { useApp, useSession } from '../app-context.js';
import { STATUS_ORDER, offers, type CampaignStatus, type UserAction } from '../campaign-actions.js';
import { Button, ErrorSummary, Notice, formErrors, useAction } from '../components/form.js';
import { costColumn } from '../components/campaign-columns.js';
import { StatusFilter } from '../components/status-filter.js';
import { PagedTable } from '../components/loaded.js';
import { useI18n } from '../i18n/index.js';
import { mayEdit } from '../nav.js';
import { Link, useLocation } from '../router.js';
import { ListHead } from '../components/page-title.js';
import { usePagedList } from '../list/use-paged-list.js';
import { hasMetrics } from '../metrics/view.js';

const ROW_ACTIONS = ['pause', 'resume', 'cancel'] as const satisfies readonly UserAction[];

/** Campaigns, newest first, by status, with pause, resume and cancel where the status allows. */
export const CampaignsPage = () => {
  const { t, money, number, dateTime } = useI18n();
  const { api } = useApp();
  const session = useSession();
  const { query } = useLocation();
  const status = (STATUS_ORDER as readonly string[]).includes(query.get('status') ?? '')
    ? (query.get('status') as CampaignStatus)
    : undefined;
  const [done, setDone] = useState<string>();
  const { busy, error: actionError, act } = useAction();

  const list = usePagedList(
    (cursor) =>
      unwrap(
        api.GET('/v1/campaigns', {
          params: { query: { limit: 50, ...(status ? { status } : {}), ...(cursor ? { cursor } : {}) } },
        }),
      ),
    [status],
  );

  const perform = async (campaign: Campaign, action: (typeof ROW_ACTIONS)[number]) => {
    // The buttons are disabled while an action runs, so this asks only when one may start.
    if (action === 'cancel' && !window.confirm(t.campaigns.confirmCancel(campaign.name))) return;
    await act(async () => {
      setDone(undefined);
      const updated = await unwrap(
        api.POST('/v1/campaigns/{campaignId}/{action}', {
          params: { path: { campaignId: campaign.id, action } },
          body: {},
        }),
      );
      list.update((items) => items.map((item) => (item.id === updated.id ? updated : item)));
      setDone(t.campaigns.done[action]);
    });
  };

  const { general } = formErrors(actionError ?? list.error, [], t);
  return (
    <section>
      <ListHead
        title={t.campaigns.title}
        create={mayEdit(session.role) ? { href: '/campaigns/new', label: t.campaigns.create } : undefined}
      />
      <StatusFilter
        id="status-filter"
        label={t.campaigns.filter}
        all={t.campaigns.all}
        statuses={STATUS_ORDER}
        name={(s) => t.status[s] ?? s}
        value={status}
        path="/campaigns"
      />
      <ErrorSummary messages={general} />
      {done ? <Notice>{done}</Notice> : null}
      <PagedTable
        list={list}
        empty={<p>{t.campaigns.empty}</p>}
        label={t.campaigns.title}
        rowKey={(campaign) => campaign.id}
        rowData={(campaign) => ({ 'data-campaign': campaign.id })}
        columns={[
          {
            label: t.campaigns.name,
            cell: (campaign) => (
              // Planners only read: a campaign that has started opens on its metrics.
              <Link
                href={
                  !mayEdit(session.role) && hasMetrics(campaign)
                    ? `/campaigns/${campaign.id}/metrics`
                    : `/campaigns/${campaign.id}`
                }
              >
                {campaign.name}
              </Link>
            ),
          },
          {
            label: t.campaigns.status,
            cell: (campaign) => (
              <>
                <span class={`status status--${campaign.status}`}>{t.status[campaign.status]}</span>
                {mayEdit(session.role) && hasMetrics(campaign) ? (
                  <>
                    {' '}
                    <Link
                      href={`/campaigns/${campaign.id}/metrics`}
                      aria-label={t.metrics.openOf(campaign.name)}
                    >
                      {t.metrics.open}
                    </Link>
                  </>
                ) : null}
              </>
            ),
          },
          { label: t.campaigns.sendAt, cell: (campaign) => dateTime(campaign.sendAt, campaign.timeZone) },
          {
            label: t.campaigns.recipients,
            num: true,
            cell: (campaign) => number(campaign.estimate.recipients),
          },
          costColumn(t.campaigns.cost, money),
          ...(mayEdit(session.role)
            ? [
                {
                  label: t.campaigns.actions,
                  class: 'actions',
                  cell: (campaign: Campaign) =>
                    ROW_ACTIONS.filter((action) => offers(action, campaign.status)).map((action) => (
                      <Button
                        key={action}
                        variant={action === 'cancel' ? 'warning' : 'secondary'}
                        busy={busy}
                        aria-label={`${t.campaigns[action]}: ${campaign.name}`}
                        onClick={() => void perform(campaign, action)}
                      >
                        {t.campaigns[action]}
                      </Button>
                    )),
                },
              ]
            : []),
        ]}
      />
    </section>
  );
};
