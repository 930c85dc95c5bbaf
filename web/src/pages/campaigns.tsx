import { useEffect, useState } from 'preact/hooks';
import { unwrap, type Campaign } from '../api/client.js';
import { useApp, useSession } from '../app-context.js';
import { STATUS_ORDER, offers, type CampaignStatus, type UserAction } from '../campaign-actions.js';
import { Button, ErrorSummary, Notice, formErrors, useBusy } from '../components/form.js';
import { useI18n } from '../i18n/index.js';
import { mayEdit } from '../nav.js';
import { Link, navigate, useLocation } from '../router.js';
import { PageTitle } from '../components/page-title.js';
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
  const [items, setItems] = useState<Campaign[]>();
  const [nextCursor, setNextCursor] = useState<string | null>(null);
  const [error, setError] = useState<unknown>();
  const [done, setDone] = useState<string>();
  const { busy, run } = useBusy();

  const load = async (cursor?: string) => {
    try {
      const page = await unwrap(
        api.GET('/v1/campaigns', {
          params: { query: { limit: 50, ...(status ? { status } : {}), ...(cursor ? { cursor } : {}) } },
        }),
      );
      setItems((current) => (cursor ? [...(current ?? []), ...page.items] : page.items));
      setNextCursor(page.nextCursor);
    } catch (failure) {
      setError(failure);
    }
  };
  useEffect(() => {
    setItems(undefined);
    void load();
  }, [status]);

  const act = (campaign: Campaign, action: (typeof ROW_ACTIONS)[number]) =>
    run(async () => {
      if (action === 'cancel' && !window.confirm(t.campaigns.confirmCancel(campaign.name))) return;
      setError(undefined);
      setDone(undefined);
      try {
        const updated = await unwrap(
          api.POST('/v1/campaigns/{campaignId}/{action}', {
            params: { path: { campaignId: campaign.id, action } },
            body: {},
          }),
        );
        setItems((current) => current?.map((item) => (item.id === updated.id ? updated : item)));
        setDone(t.campaigns.done[action]);
      } catch (failure) {
        setError(failure);
      }
    });

  const { general } = formErrors(error, [], t);
  return (
    <section>
      <div class="page-head">
        <PageTitle text={t.campaigns.title} />
        {mayEdit(session.role) ? (
          <Link class="button button--primary" href="/campaigns/new">
            {t.campaigns.create}
          </Link>
        ) : null}
      </div>
      <div class="filters">
        <label for="status-filter">{t.campaigns.filter}</label>
        <select
          id="status-filter"
          value={status ?? ''}
          onChange={(event) => {
            const value = event.currentTarget.value;
            navigate(value ? `/campaigns?status=${value}` : '/campaigns');
          }}
        >
          <option value="">{t.campaigns.all}</option>
          {STATUS_ORDER.map((s) => (
            <option key={s} value={s}>
              {t.status[s]}
            </option>
          ))}
        </select>
      </div>
      <ErrorSummary messages={general} />
      {done ? <Notice>{done}</Notice> : null}
      {!items ? (
        <p>{t.common.loading}</p>
      ) : items.length === 0 ? (
        <p>{t.campaigns.empty}</p>
      ) : (
        <div class="table-wrap">
          <table class="table table--stack" aria-label={t.campaigns.title}>
            <thead>
              <tr>
                <th scope="col">{t.campaigns.name}</th>
                <th scope="col">{t.campaigns.status}</th>
                <th scope="col">{t.campaigns.sendAt}</th>
                <th scope="col" class="num">
                  {t.campaigns.recipients}
                </th>
                <th scope="col" class="num">
                  {t.campaigns.cost}
                </th>
                {mayEdit(session.role) ? <th scope="col">{t.campaigns.actions}</th> : null}
              </tr>
            </thead>
            <tbody>
              {items.map((campaign) => (
                <tr key={campaign.id} data-campaign={campaign.id}>
                  <td data-label={t.campaigns.name}>
                    {/* Planners only read: a campaign that has started opens on its metrics. */}
                    <Link
                      href={
                        !mayEdit(session.role) && hasMetrics(campaign)
                          ? `/campaigns/${campaign.id}/metrics`
                          : `/campaigns/${campaign.id}`
                      }
                    >
                      {campaign.name}
                    </Link>
                  </td>
                  <td data-label={t.campaigns.status}>
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
                  </td>
                  <td data-label={t.campaigns.sendAt}>{dateTime(campaign.sendAt, campaign.timeZone)}</td>
                  <td class="num" data-label={t.campaigns.recipients}>
                    {number(campaign.estimate.recipients)}
                  </td>
                  <td class="num" data-label={t.campaigns.cost}>
                    {money(campaign.estimate.cost, campaign.estimate.currency)}
                  </td>
                  {mayEdit(session.role) ? (
                    <td class="actions" data-label={t.campaigns.actions}>
                      {ROW_ACTIONS.filter((action) => offers(action, campaign.status)).map((action) => (
                        <Button
                          key={action}
                          variant={action === 'cancel' ? 'warning' : 'secondary'}
                          busy={busy}
                          aria-label={`${t.campaigns[action]}: ${campaign.name}`}
                          onClick={() => void act(campaign, action)}
                        >
                          {t.campaigns[action]}
                        </Button>
                      ))}
                    </td>
                  ) : null}
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
