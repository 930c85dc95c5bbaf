import { useEffect, useState } from 'preact/hooks';
import { unwrap, type Campaign, type Schemas } from '../api/client.js';
import { ApiError } from '../api/errors.js';
import { useApp } from '../app-context.js';
import { Button, ErrorSummary, formErrors } from '../components/form.js';
import { PageTitle } from '../components/page-title.js';
import { useI18n } from '../i18n/index.js';
import { Link, navigate, useLocation } from '../router.js';

type MessageRow = Schemas['MessageRow'];
const ROW_STATUSES = ['suppressed', 'queued', 'pending', 'delivered', 'failed'] as const;
type RowStatus = (typeof ROW_STATUSES)[number];

/** A reason as stored (`unreachable: ABSENT_SUBSCRIBER`): the catalogue's words, then the partner's code. */
const reasonText = (reason: string, labels: Record<string, string>): string => {
  const [key = '', ...rest] = reason.split(':');
  const detail = rest.join(':').trim();
  const label = labels[key.trim()] ?? key.trim();
  return detail ? `${label} (${detail})` : label;
};

/** Every recipient's message of a campaign, by status, a page at a time (phones masked for planners). */
export const CampaignMessagesPage = ({ params }: { params: Record<string, string> }) => {
  const { t, number, dateTime } = useI18n();
  const { api, session } = useApp();
  const campaignId = params.campaignId ?? '';
  const { query } = useLocation();
  const asked = query.get('status') ?? '';
  const status = (ROW_STATUSES as readonly string[]).includes(asked) ? (asked as RowStatus) : undefined;
  const [campaign, setCampaign] = useState<Campaign>();
  const [items, setItems] = useState<MessageRow[]>();
  const [nextCursor, setNextCursor] = useState<string | null>(null);
  const [error, setError] = useState<unknown>();

  useEffect(() => {
    void unwrap(api.GET('/v1/campaigns/{campaignId}', { params: { path: { campaignId } } }))
      .then(setCampaign)
      .catch(setError);
  }, [campaignId]);

  const load = async (cursor?: string) => {
    try {
      const page = await unwrap(
        api.GET('/v1/campaigns/{campaignId}/messages', {
          params: {
            path: { campaignId },
            query: { limit: 50, ...(status ? { status } : {}), ...(cursor ? { cursor } : {}) },
          },
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
  }, [campaignId, status]);

  const notFound = error instanceof ApiError && error.status === 404;
  const { general } = formErrors(notFound ? undefined : error, [], t);
  if (notFound)
    return (
      <section>
        <PageTitle text={t.metrics.unknown} />
        <p>{t.metrics.unknown}</p>
        <Link href="/campaigns">{t.common.back}</Link>
      </section>
    );
  const zone = campaign?.timeZone;
  return (
    <section>
      <div class="page-head">
        <PageTitle text={t.campaignMessages.title(campaign?.name ?? '')} />
        <Link href={`/campaigns/${campaignId}/metrics`}>{t.campaignMessages.back}</Link>
      </div>
      <div class="filters">
        <label for="message-status">{t.campaignMessages.filter}</label>
        <select
          id="message-status"
          value={status ?? ''}
          onChange={(event) => {
            const value = event.currentTarget.value;
            const base = `/campaigns/${campaignId}/messages`;
            navigate(value ? `${base}?status=${value}` : base);
          }}
        >
          <option value="">{t.campaignMessages.all}</option>
          {ROW_STATUSES.map((s) => (
            <option key={s} value={s}>
              {t.campaignMessages.statuses[s]}
            </option>
          ))}
        </select>
      </div>
      {session?.role === 'planner' ? <p class="hint">{t.campaignMessages.masked}</p> : null}
      <ErrorSummary messages={general} />
      {!items ? (
        error ? null : (
          <p>{t.common.loading}</p>
        )
      ) : items.length === 0 ? (
        <p data-testid="messages-empty">{t.campaignMessages.empty}</p>
      ) : (
        <div class="table-wrap">
          <table class="table table--stack" aria-label={t.campaignMessages.title(campaign?.name ?? '')}>
            <thead>
              <tr>
                <th scope="col">{t.campaignMessages.phone}</th>
                <th scope="col">{t.campaignMessages.carrier}</th>
                <th scope="col">{t.campaignMessages.province}</th>
                <th scope="col">{t.campaignMessages.status}</th>
                <th scope="col">{t.campaignMessages.reason}</th>
                <th scope="col">{t.campaignMessages.sentAt}</th>
                <th scope="col" class="num">
                  {t.campaignMessages.clicks}
                </th>
              </tr>
            </thead>
            <tbody>
              {items.map((row, i) => (
                <tr key={row.messageId ?? `${row.phone}-${i}`} data-status={row.status}>
                  <td data-label={t.campaignMessages.phone} class="phone-cell" data-testid="message-phone">
                    {row.phone}
                  </td>
                  <td data-label={t.campaignMessages.carrier}>{t.carriers[row.carrier] ?? row.carrier}</td>
                  <td data-label={t.campaignMessages.province}>{row.province ?? ''}</td>
                  <td data-label={t.campaignMessages.status}>{t.campaignMessages.statuses[row.status]}</td>
                  <td data-label={t.campaignMessages.reason}>
                    {row.reason ? reasonText(row.reason, t.failureReasons) : ''}
                  </td>
                  <td data-label={t.campaignMessages.sentAt}>
                    {row.sentAt ? dateTime(row.sentAt, zone) : ''}
                  </td>
                  <td class="num" data-label={t.campaignMessages.clicks}>
                    {row.clicks === undefined ? '' : number(row.clicks)}
                  </td>
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
