import { useEffect, useState } from 'preact/hooks';
import { unwrap, type Campaign } from '../api/client.js';
import { useApp, useSession } from '../app-context.js';
import { Button, ErrorSummary, formErrors } from '../components/form.js';
import { describeSchedule } from '../components/review-describe.js';
import { useI18n } from '../i18n/index.js';
import { reviewRight } from '../review/review-rule.js';
import { Link } from '../router.js';
import { PageTitle } from '../components/page-title.js';
import './review.css';

/** The approver's queue: campaigns waiting for approval, the one to send first on top. */
export const ApprovalsPage = () => {
  const i18n = useI18n();
  const { t, number, money, dateTime } = i18n;
  const { api } = useApp();
  const session = useSession();
  const [items, setItems] = useState<Campaign[]>();
  const [nextCursor, setNextCursor] = useState<string | null>(null);
  const [error, setError] = useState<unknown>();

  const load = async (cursor?: string) => {
    try {
      const page = await unwrap(
        api.GET('/v1/campaigns', {
          params: { query: { status: 'pending_approval', limit: 50, ...(cursor ? { cursor } : {}) } },
        }),
      );
      setItems((current) => (cursor ? [...(current ?? []), ...page.items] : page.items));
      setNextCursor(page.nextCursor);
    } catch (failure) {
      setError(failure);
    }
  };
  useEffect(() => {
    void load();
  }, []);

  const queue = [...(items ?? [])].sort((a, b) => Date.parse(a.sendAt) - Date.parse(b.sendAt));
  return (
    <section>
      <PageTitle text={t.approvals.title} />
      <p>{t.approvals.intro}</p>
      <ErrorSummary messages={formErrors(error, [], t).general} />
      {!items ? (
        <p>{t.common.loading}</p>
      ) : queue.length === 0 ? (
        <p>{t.approvals.empty}</p>
      ) : (
        <div class="table-wrap">
          <table class="table queue" aria-label={t.approvals.title}>
            <thead>
              <tr>
                <th scope="col">{t.approvals.name}</th>
                <th scope="col">{t.approvals.submittedBy}</th>
                <th scope="col">{t.approvals.sendAt}</th>
                <th scope="col" class="num">
                  {t.approvals.messages}
                </th>
                <th scope="col" class="num">
                  {t.approvals.cost}
                </th>
                <th scope="col">{t.approvals.note}</th>
              </tr>
            </thead>
            <tbody>
              {queue.map((campaign) => {
                const right = reviewRight(session.role, campaign, session.user);
                return (
                  <tr key={campaign.id} data-campaign={campaign.id}>
                    <td data-label={t.approvals.name}>
                      <Link href={`/approvals/${encodeURIComponent(campaign.id)}`}>{campaign.name}</Link>
                    </td>
                    <td data-label={t.approvals.submittedBy}>
                      {campaign.submittedBy ?? campaign.createdBy}
                      {campaign.submittedAt ? (
                        <>
                          <br />
                          <small>{dateTime(campaign.submittedAt, campaign.timeZone)}</small>
                        </>
                      ) : null}
                    </td>
                    <td data-label={t.approvals.sendAt}>
                      {'asap' in campaign.schedule
                        ? t.review.asap
                        : describeSchedule(i18n, campaign.schedule, campaign.timeZone, campaign.sendAt)}
                    </td>
                    <td data-label={t.approvals.messages} class="num">
                      {number(campaign.estimate.sendable)}
                    </td>
                    <td data-label={t.approvals.cost} class="num">
                      {money(campaign.estimate.cost, campaign.estimate.currency)}
                    </td>
                    <td data-label={t.approvals.note}>
                      {campaign.rejection ? <span class="queue-note">{t.approvals.resubmitted}</span> : null}
                      {campaign.rejection && !right.may ? <br /> : null}
                      {!right.may ? <span class="queue-note">{t.approvals.yours}</span> : null}
                    </td>
                  </tr>
                );
              })}
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
