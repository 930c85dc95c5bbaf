import { unwrap, type Campaign } from '../api/client.js';
import { useApp, useSession } from '../app-context.js';
import { ErrorSummary, formErrors } from '../components/form.js';
import { costColumn } from '../components/campaign-columns.js';
import { PagedTable } from '../components/loaded.js';
import { describeSchedule } from '../components/review-describe.js';
import { useI18n } from '../i18n/index.js';
import { reviewRight } from '../review/review-rule.js';
import { Link } from '../router.js';
import { PageTitle } from '../components/page-title.js';
import { usePagedList } from '../list/use-paged-list.js';
import './review.css';

/** The queue's order: the campaign to send first on top. */
const bySendAt = (items: readonly Campaign[]) =>
  [...items].sort((a, b) => Date.parse(a.sendAt) - Date.parse(b.sendAt));

/** The approver's queue: campaigns waiting for approval, the one to send first on top. */
export const ApprovalsPage = () => {
  const i18n = useI18n();
  const { t, number, money, dateTime } = i18n;
  const { api } = useApp();
  const session = useSession();
  const list = usePagedList(
    (cursor) =>
      unwrap(
        api.GET('/v1/campaigns', {
          params: { query: { status: 'pending_approval', limit: 50, ...(cursor ? { cursor } : {}) } },
        }),
      ),
    [],
  );
  return (
    <section>
      <PageTitle text={t.approvals.title} />
      <p>{t.approvals.intro}</p>
      <ErrorSummary messages={formErrors(list.error, [], t).general} />
      <PagedTable
        list={list}
        empty={<p>{t.approvals.empty}</p>}
        label={t.approvals.title}
        class="table queue"
        order={bySendAt}
        rowKey={(campaign) => campaign.id}
        rowData={(campaign) => ({ 'data-campaign': campaign.id })}
        columns={[
          {
            label: t.approvals.name,
            cell: (campaign) => (
              <Link href={`/approvals/${encodeURIComponent(campaign.id)}`}>{campaign.name}</Link>
            ),
          },
          {
            label: t.approvals.submittedBy,
            cell: (campaign) => (
              <>
                {campaign.submittedBy ?? campaign.createdBy}
                {campaign.submittedAt ? (
                  <>
                    <br />
                    <small>{dateTime(campaign.submittedAt, campaign.timeZone)}</small>
                  </>
                ) : null}
              </>
            ),
          },
          {
            label: t.approvals.sendAt,
            cell: (campaign) =>
              'asap' in campaign.schedule
                ? t.review.asap
                : describeSchedule(i18n, campaign.schedule, campaign.timeZone, campaign.sendAt),
          },
          {
            label: t.approvals.messages,
            num: true,
            cell: (campaign) => number(campaign.estimate.sendable),
          },
          costColumn(t.approvals.cost, money),
          {
            label: t.approvals.note,
            cell: (campaign) => {
              const right = reviewRight(session.role, campaign, session.user);
              return (
                <>
                  {campaign.rejection ? <span class="queue-note">{t.approvals.resubmitted}</span> : null}
                  {campaign.rejection && !right.may ? <br /> : null}
                  {!right.may ? <span class="queue-note">{t.approvals.yours}</span> : null}
                </>
              );
            },
          },
        ]}
      />
    </section>
  );
};
