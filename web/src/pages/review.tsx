import { useEffect, useState } from 'preact/hooks';
import { ApiError } from '../api/errors.js';
import { unwrap, type Campaign } from '../api/client.js';
import { useApp, useSession } from '../app-context.js';
import { ConfirmDialog } from '../components/confirm-dialog.js';
import { describedBy, ErrorSummary, Field, formErrors, Notice, useBusy, Button } from '../components/form.js';
import { Facts } from '../components/facts.js';
import { PhonePreview } from '../components/phone-preview.js';
import { ReviewContentEstimate, ReviewEstimate } from '../components/review-estimate.js';
import { ReviewContent } from '../components/review-content.js';
import { ContentPreview } from '../components/content-preview.js';
import { ChangesSinceRejection } from '../components/review-changes.js';
import {
  describeAudiences,
  describePartners,
  describeSchedule,
  describeTargeting,
  describeWindow,
} from '../components/review-describe.js';
import { useI18n } from '../i18n/index.js';
import type { Catalogue } from '../i18n/vi.js';
import { liveEstimate, previewParts, withFallbacks } from '../message-estimate.js';
import { approvalSentence, approvalStart } from '../review/approval-summary.js';
import { reviewRight } from '../review/review-rule.js';
import { Link } from '../router.js';
import { PageTitle } from '../components/page-title.js';
import './review.css';

/** While a campaign is on its way out, the page reads it again this often to show where it stands. */
const FOLLOW_MS = 2_000;
const FOLLOWED: readonly Campaign['status'][] = ['scheduled', 'sending'];

/** The refusals a review can meet, in the page's words: four eyes (403) and a status changed meanwhile (409). */
const reviewErrors = (error: unknown, t: Catalogue) => {
  if (error instanceof ApiError && error.status === 403)
    return { byField: {}, general: [t.review.forbidden] };
  if (error instanceof ApiError && error.status === 409) return { byField: {}, general: [t.review.conflict] };
  return formErrors(error, ['reason'], t);
};

/** One campaign under review: what goes out, to whom, when, what changed since it was rejected; the decision. */
export const ReviewPage = ({ params }: { params: Record<string, string> }) => {
  const i18n = useI18n();
  const { t, number, dateTime } = i18n;
  const { api, config } = useApp();
  const session = useSession();
  const campaignId = params.campaignId ?? '';
  const [campaign, setCampaign] = useState<Campaign>();
  const [audienceNames, setAudienceNames] = useState<Record<string, string>>({});
  const [loadError, setLoadError] = useState<unknown>();
  const [error, setError] = useState<unknown>();
  const [done, setDone] = useState<string>();
  const [confirming, setConfirming] = useState(false);
  const [reason, setReason] = useState('');
  const [reasonError, setReasonError] = useState<string>();
  const { busy, run } = useBusy();

  const read = () => unwrap(api.GET('/v1/campaigns/{campaignId}', { params: { path: { campaignId } } }));

  useEffect(() => {
    read().then(setCampaign, setLoadError);
  }, [campaignId]);

  // Audience names for the page and its list of changes (ids of the rejected version included).
  const audienceIds = campaign
    ? [...new Set([...campaign.audienceIds, ...(campaign.rejection?.version?.audienceIds ?? [])])]
    : [];
  useEffect(() => {
    const unknown = audienceIds.filter((id) => !(id in audienceNames));
    if (!unknown.length) return;
    void Promise.all(
      unknown.map((audienceId) =>
        unwrap(api.GET('/v1/audiences/{audienceId}', { params: { path: { audienceId } } })).then(
          (audience) => [audienceId, audience.name] as const,
          () => [audienceId, audienceId] as const,
        ),
      ),
    ).then((found) => setAudienceNames((names) => ({ ...names, ...Object.fromEntries(found) })));
  }, [audienceIds.join(',')]);

  // After approval, follow the campaign until it is sent (or stopped): every read, changed or not, is
  // followed by the next one while the status is still on the way.
  const followed = campaign !== undefined && FOLLOWED.includes(campaign.status);
  useEffect(() => {
    if (!followed) return;
    const timer = setInterval(() => {
      read().then(setCampaign, setError);
    }, FOLLOW_MS);
    return () => clearInterval(timer);
  }, [followed]);

  const decide = (action: 'approve' | 'reject') =>
    run(async () => {
      setError(undefined);
      setDone(undefined);
      try {
        const updated = await unwrap(
          api.POST('/v1/campaigns/{campaignId}/{action}', {
            params: { path: { campaignId, action } },
            body: action === 'reject' ? { reason: reason.trim() } : {},
          }),
        );
        setCampaign(updated);
        setConfirming(false);
        setDone(action === 'approve' ? t.review.approved : t.review.rejected);
      } catch (failure) {
        setError(failure);
        if (failure instanceof ApiError && failure.status === 409) {
          // Decided meanwhile by someone else: show where it stands now, with no stale buttons.
          setConfirming(false);
          await read().then(setCampaign, () => undefined);
        }
      }
    });

  const reject = () => {
    if (!reason.trim()) {
      setReasonError(t.review.reasonRequired);
      document.getElementById('reject-reason')?.focus();
      return;
    }
    setReasonError(undefined);
    void decide('reject');
  };

  if (loadError) return <ErrorSummary messages={formErrors(loadError, [], t).general} />;
  if (!campaign) return <p>{t.common.loading}</p>;

  const right = reviewRight(session.role, campaign, session.user);
  const pending = campaign.status === 'pending_approval';
  const { byField, general } = reviewErrors(error, t);
  const fieldError = reasonError ?? byField.reason;
  const start = approvalStart(campaign, Date.now());
  const when =
    'at' in start
      ? describeSchedule(i18n, campaign.schedule, campaign.timeZone, campaign.sendAt)
      : start.now === 'asap'
        ? t.review.asap
        : t.review.pastDue(dateTime(campaign.sendAt, campaign.timeZone));
  /** Who submitted or approved it, and when, in the campaign's time zone. */
  const signedOff = (by: string, at: string | undefined) =>
    t.review.submittedAt(by, at ? dateTime(at, campaign.timeZone) : '');

  return (
    <section class="review">
      <p>
        <Link href="/approvals">{t.review.back}</Link>
      </p>
      <PageTitle text={t.review.title(campaign.name)} />
      <p class="review-status" role="status">
        {t.review.status}:{' '}
        <span class={`status status--${campaign.status}`} data-testid="review-status">
          {t.status[campaign.status]}
        </span>
      </p>
      {!confirming ? <ErrorSummary messages={general} /> : null}
      {done ? <Notice>{done}</Notice> : null}

      <ChangesSinceRejection campaign={campaign} audienceNames={audienceNames} />

      <div class="columns">
        <div class="main-column">
          <section class="panel" aria-labelledby="message-title">
            <h2 id="message-title">{t.review.message}</h2>
            <p class="highlighted">{campaign.message}</p>
            <p>
              {t.review.encodingLine(
                campaign.estimate.encoding === 'GSM-7' ? t.editor.gsm : t.editor.ucs,
                number(campaign.estimate.segmentsPerMessage),
                number(liveEstimate(campaign.message, config.shortLinkBaseUrl).characters),
              )}
            </p>
            <PhonePreview
              parts={previewParts(withFallbacks(campaign.message), config.shortLinkBaseUrl)}
              linkBase={config.shortLinkBaseUrl}
            />
          </section>
          <ReviewContent campaign={campaign} linkBase={config.shortLinkBaseUrl} />
          <ContentPreview campaignId={campaign.id} version={campaign.updatedAt} headingLevel={2} />
        </div>
        <div class="side">
          <section class="panel" aria-labelledby="facts-title">
            <h2 id="facts-title">{t.review.factsTitle}</h2>
            <Facts
              class="facts"
              items={[
                { label: t.review.schedule, value: when, testId: 'review-when' },
                { label: t.editor.window, value: describeWindow(i18n, campaign.sendingWindow) },
                { label: t.review.timeZone, value: campaign.timeZone },
                { label: t.review.audiences, value: describeAudiences(campaign.audienceIds, audienceNames) },
                {
                  label: t.targeting.label,
                  value: describeTargeting(i18n, campaign.filters),
                  testId: 'targeting',
                },
                { label: t.review.partners, value: describePartners(i18n, campaign.partnerIds) },
                {
                  label: t.editor.clickTracking,
                  value: t.editor.clickTrackingModes[campaign.clickTracking],
                  testId: 'review-click-tracking',
                },
              ]}
            />
          </section>
          <section class="panel" aria-labelledby="people-title">
            <h2 id="people-title">{t.review.people}</h2>
            <Facts
              class="facts"
              items={[
                { label: t.review.createdBy, value: campaign.createdBy, testId: 'created-by' },
                {
                  label: t.review.editedBy,
                  value: campaign.editedBy.length ? campaign.editedBy.join(', ') : t.review.nobody,
                  testId: 'edited-by',
                },
                {
                  label: t.review.submittedBy,
                  value: campaign.submittedBy
                    ? signedOff(campaign.submittedBy, campaign.submittedAt)
                    : t.review.nobody,
                  testId: 'submitted-by',
                },
                campaign.approvedBy
                  ? {
                      label: t.review.approvedBy,
                      value: signedOff(campaign.approvedBy, campaign.approvedAt),
                      testId: 'approved-by',
                    }
                  : false,
              ]}
            />
          </section>
          <ReviewEstimate estimate={campaign.estimate} />
        </div>
      </div>
      <ReviewContentEstimate estimate={campaign.estimate} audienceNames={audienceNames} />

      <section class="panel decision" aria-labelledby="decision-title">
        <h2 id="decision-title">{t.review.decision}</h2>
        {!pending ? (
          <p>{t.review.notPending(t.status[campaign.status] ?? campaign.status)}</p>
        ) : !right.may ? (
          <p class="barred" data-testid="barred">
            {t.review.barred[right.why]}
          </p>
        ) : (
          <>
            <div class="buttons">
              <Button busy={busy} onClick={() => setConfirming(true)}>
                {t.review.approve}
              </Button>
            </div>
            <Field id="reject-reason" label={t.review.reason} hint={t.review.reasonHint} error={fieldError}>
              <textarea
                {...describedBy('reject-reason', { hint: true, error: fieldError })}
                rows={3}
                maxLength={1000}
                value={reason}
                onInput={(event) => setReason(event.currentTarget.value)}
              />
            </Field>
            <div class="buttons">
              <Button variant="warning" busy={busy} onClick={reject}>
                {t.review.reject}
              </Button>
            </div>
          </>
        )}
      </section>

      <ConfirmDialog
        id="approve-dialog"
        open={confirming}
        title={t.review.confirmTitle}
        confirmLabel={t.review.approve}
        cancelLabel={t.common.back}
        busy={busy}
        onConfirm={() => void decide('approve')}
        onClose={() => {
          setConfirming(false);
        }}
      >
        <p data-testid="approve-sentence">{approvalSentence(campaign, Date.now(), i18n.lang)}</p>
        {confirming ? <ErrorSummary messages={general} /> : null}
      </ConfirmDialog>
    </section>
  );
};
