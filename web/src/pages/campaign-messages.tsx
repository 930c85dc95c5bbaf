import { useEffect, useState } from 'preact/hooks';
import { unwrap, type Campaign, type Schemas } from '../api/client.js';
import { ApiError } from '../api/errors.js';
import { useApp } from '../app-context.js';
import { ErrorSummary, formErrors } from '../components/form.js';
import { PagedTable } from '../components/loaded.js';
import { PageTitle } from '../components/page-title.js';
import { StatusFilter } from '../components/status-filter.js';
import { usePagedList } from '../list/use-paged-list.js';
import { useI18n } from '../i18n/index.js';
import { Link, useLocation } from '../router.js';

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
  const [campaignError, setCampaignError] = useState<unknown>();

  useEffect(() => {
    void unwrap(api.GET('/v1/campaigns/{campaignId}', { params: { path: { campaignId } } }))
      .then(setCampaign)
      .catch(setCampaignError);
  }, [campaignId]);

  const list = usePagedList<MessageRow>(
    (cursor) =>
      unwrap(
        api.GET('/v1/campaigns/{campaignId}/messages', {
          params: {
            path: { campaignId },
            query: { limit: 50, ...(status ? { status } : {}), ...(cursor ? { cursor } : {}) },
          },
        }),
      ),
    [campaignId, status],
  );

  const error = campaignError ?? list.error;
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
      <StatusFilter
        id="message-status"
        label={t.campaignMessages.filter}
        all={t.campaignMessages.all}
        statuses={ROW_STATUSES}
        name={(s) => t.campaignMessages.statuses[s] ?? s}
        value={status}
        path={`/campaigns/${campaignId}/messages`}
      />
      {session?.role === 'planner' ? <p class="hint">{t.campaignMessages.masked}</p> : null}
      <ErrorSummary messages={general} />
      <PagedTable
        list={list}
        empty={<p data-testid="messages-empty">{t.campaignMessages.empty}</p>}
        label={t.campaignMessages.title(campaign?.name ?? '')}
        rowKey={(row, i) => row.messageId ?? `${row.phone}-${i}`}
        rowData={(row) => ({ 'data-status': row.status })}
        columns={[
          {
            label: t.campaignMessages.phone,
            class: 'phone-cell',
            testId: 'message-phone',
            cell: (row) => row.phone,
          },
          { label: t.campaignMessages.carrier, cell: (row) => t.carriers[row.carrier] ?? row.carrier },
          { label: t.campaignMessages.province, cell: (row) => row.province ?? '' },
          { label: t.campaignMessages.status, cell: (row) => t.campaignMessages.statuses[row.status] },
          {
            label: t.campaignMessages.reason,
            cell: (row) => (row.reason ? reasonText(row.reason, t.failureReasons) : ''),
          },
          {
            label: t.campaignMessages.sentAt,
            cell: (row) => (row.sentAt ? dateTime(row.sentAt, zone) : ''),
          },
          {
            label: t.campaignMessages.clicks,
            num: true,
            cell: (row) => (row.clicks === undefined ? '' : number(row.clicks)),
          },
        ]}
      />
    </section>
  );
};
