import { useEffect, useMemo, useState } from 'preact/hooks';
import {
  idempotencyKey,
  unwrap,
  type Audience,
  type Campaign,
  type CampaignInput,
  type Schemas,
} from '../api/client.js';
import { useApp, useSession } from '../app-context.js';
import { isEditable, offers, type UserAction } from '../campaign-actions.js';
import {
  campaignBody,
  campaignPatch,
  formStartingOn,
  formOf,
  nextOccasionYear,
  resolvedSendAt,
  type CampaignForm,
} from '../campaign-form.js';
import { CampaignEstimatePanel } from '../components/campaign-estimate.js';
import { ContentPreview } from '../components/content-preview.js';
import { TreatmentsSection } from '../components/content-editor.js';
import { MessageSide, MessageTabs, useMessageTexts } from '../components/message-texts.js';
import { contentOf, fromTemplate, missingFields } from '../content-form.js';
import {
  Button,
  Check,
  ErrorSummary,
  Field,
  Form,
  Notice,
  TextField,
  describedBy,
  formErrors,
  useBusy,
} from '../components/form.js';
import { PhoneHint } from '../components/phone-hint.js';
import { TargetingFields } from '../components/targeting.js';
import { formatIsoDate } from '../i18n/format.js';
import { useI18n } from '../i18n/index.js';
import type { Catalogue } from '../i18n/vi.js';
import { pricingOf } from '../message-estimate.js';
import { mayEdit } from '../nav.js';
import { Link, rewriteUrl, useLocation } from '../router.js';
import { BackLink, PageTitle } from '../components/page-title.js';
import { RadioGroup } from '../components/radio-group.js';

const FIELDS = [
  'name',
  'message',
  'audienceIds',
  'filters',
  'schedule',
  'sendingWindow',
  'partnerIds',
  'variants',
  'treatments',
  'holdoutPercent',
  'clickTracking',
] as const;
/** Aggregate first: the default, and what a person at risk is safest with. */
const CLICK_TRACKING = [
  'aggregate',
  'recipient',
  'off',
] as const satisfies readonly Campaign['clickTracking'][];
const OCCASIONS = ['anti-trafficking-day', 'peak-period'] as const;
const SCHEDULE_MODES = ['occasion', 'date', 'asap'] as const;
const SCHEDULE_MODE_WORDS = {
  occasion: 'byOccasion',
  date: 'byDate',
  asap: 'asap',
} as const satisfies Record<CampaignForm['scheduleMode'], keyof Catalogue['editor']>;
const MAX_TEST_PHONES = 5;
const CONTROLS = ['pause', 'resume', 'cancel'] as const satisfies readonly UserAction[];

interface Occasion {
  id: string;
  date?: string | undefined;
  start?: string | undefined;
}

/** The form's fields typed as free text. */
type TextKey = { [K in keyof CampaignForm]: string extends CampaignForm[K] ? K : never }[keyof CampaignForm];

type TestResult = { phone: string; status: string }[];

/** A time of day typed as HH:mm (24-hour), as officers write it. */
const TimeField = (props: { id: string; label: string; value: string; onValue: (value: string) => void }) => (
  <TextField {...props} inputMode="numeric" placeholder="08:00" maxLength={5} class="time" />
);

const splitPhones = (typed: string) =>
  typed
    .split(/[,;\s]+/)
    .map((phone) => phone.trim())
    .filter(Boolean);

/**
 * The campaign editor: the message with its live estimate and phone preview, audiences, filters,
 * schedule, sending window; save draft (the server's estimate), test send, submit for approval. A campaign
 * that can no longer be edited, or a planner, sees the same page read-only.
 */
export const CampaignEditorPage = ({ params }: { params: Record<string, string> }) => {
  const { t, number, dateTime } = useI18n();
  const { api } = useApp();
  const session = useSession();
  const { query } = useLocation();
  const [now] = useState(() => new Date());
  const [campaign, setCampaign] = useState<Campaign>();
  const [form, setForm] = useState<CampaignForm>(() =>
    formStartingOn(now, params.campaignId ? null : query.get('startDate')),
  );
  const [savedBody, setSavedBody] = useState<string>();
  const [loading, setLoading] = useState(Boolean(params.campaignId));
  const [audiences, setAudiences] = useState<Audience[]>([]);
  const [occasions, setOccasions] = useState<Record<string, Occasion>>({});
  const [error, setError] = useState<unknown>();
  const [notice, setNotice] = useState<string>();
  const [testPhones, setTestPhones] = useState('');
  const [testError, setTestError] = useState<unknown>();
  const [testProblem, setTestProblem] = useState<string>();
  const [testResult, setTestResult] = useState<TestResult>();
  const [createKey] = useState(idempotencyKey);
  const { busy, run } = useBusy();
  /** The template a new campaign starts from (`/campaigns/new?templateId=...`). */
  const [template, setTemplate] = useState<Schemas['Template']>();

  const update = (changes: Partial<CampaignForm>) => setForm((current) => ({ ...current, ...changes }));
  /** A text field's value and its change, for the form's text `key`. */
  const bind = (key: TextKey) => ({
    value: form[key],
    onValue: (value: string) => setForm((current) => ({ ...current, [key]: value })),
  });

  useEffect(() => {
    void unwrap(api.GET('/v1/audiences', { params: { query: { limit: 100 } } }))
      .then((page) => setAudiences(page.items))
      .catch(setError);
    const templateId = query.get('templateId');
    if (!params.campaignId && templateId) {
      void unwrap(api.GET('/v1/templates/{templateId}', { params: { path: { templateId } } }))
        .then((found) => {
          setTemplate(found);
          setForm((current) => ({
            ...current,
            name: current.name || found.name,
            message: found.message,
            content: { ...current.content, variants: contentOf({ variants: found.variants }).variants },
          }));
        })
        .catch(setError);
    }
    if (!params.campaignId) return;
    void unwrap(
      api.GET('/v1/campaigns/{campaignId}', { params: { path: { campaignId: params.campaignId } } }),
    )
      .then((found) => {
        const loaded = formOf(found, now);
        setCampaign(found);
        setForm(loaded);
        setSavedBody(JSON.stringify(campaignPatch(loaded)));
      })
      .catch(setError)
      .finally(() => setLoading(false));
  }, []);

  useEffect(() => {
    void unwrap(api.GET('/v1/calendar', { params: { query: { year: form.year } } }))
      .then((calendar) => setOccasions(Object.fromEntries(calendar.occasions.map((o) => [o.id, o]))))
      .catch(setError);
  }, [form.year]);

  const readOnly = !mayEdit(session.role) || (campaign !== undefined && !isEditable(campaign.status));
  const texts = useMessageTexts(form, update);
  const pricing = useMemo(() => (campaign ? pricingOf(campaign.estimate) : undefined), [campaign]);
  const sendAt = resolvedSendAt(form, now);
  const dirty = JSON.stringify(campaignPatch(form)) !== savedBody;
  const selectedTotal = audiences
    .filter((audience) => form.audienceIds.includes(audience.id))
    .reduce((sum, audience) => sum + audience.size, 0);
  const { byField, general } = formErrors(error, FIELDS, t);
  const currency = campaign?.estimate.currency ?? 'VND';

  /** A new campaign's body; from a template, unchanged, it names the template (the API copies its texts and records the version). */
  const createBody = (): CampaignInput => {
    const full = campaignBody(form);
    const source = template ? fromTemplate(template, form.message, form.content) : undefined;
    if (!source) return full;
    const { message: _message, variants: _variants, ...rest } = full;
    return { ...rest, ...source };
  };

  /** Saves the draft (creating it the first time) and returns the server's view with its estimate. */
  const save = async (): Promise<Campaign | undefined> => {
    setError(undefined);
    try {
      const saved = campaign
        ? await unwrap(
            api.PATCH('/v1/campaigns/{campaignId}', {
              params: { path: { campaignId: campaign.id } },
              body: campaignPatch(form),
            }),
          )
        : await unwrap(
            api.POST('/v1/campaigns', {
              body: createBody(),
              params: { header: { 'Idempotency-Key': createKey } },
            }),
          );
      setCampaign(saved);
      setSavedBody(JSON.stringify(campaignPatch(form)));
      if (!campaign) rewriteUrl(`/campaigns/${saved.id}`);
      return saved;
    } catch (failure) {
      setError(failure);
      return undefined;
    }
  };
  const current = async () => (campaign && !dirty ? campaign : save());

  const saveDraft = () =>
    run(async () => {
      setNotice(undefined);
      if (await save()) setNotice(t.editor.saved);
    });

  const submit = () =>
    run(async () => {
      setNotice(undefined);
      const saved = await current();
      if (!saved) return;
      try {
        setCampaign(
          await unwrap(
            api.POST('/v1/campaigns/{campaignId}/{action}', {
              params: { path: { campaignId: saved.id, action: 'submit' } },
              body: {},
            }),
          ),
        );
        setNotice(t.editor.submitted);
      } catch (failure) {
        setError(failure);
      }
    });

  /** Pause, resume or cancel, as the campaigns list offers them. */
  const control = (action: (typeof CONTROLS)[number]) =>
    run(async () => {
      if (!campaign) return;
      if (action === 'cancel' && !window.confirm(t.campaigns.confirmCancel(campaign.name))) return;
      setNotice(undefined);
      setError(undefined);
      try {
        setCampaign(
          await unwrap(
            api.POST('/v1/campaigns/{campaignId}/{action}', {
              params: { path: { campaignId: campaign.id, action } },
              body: {},
            }),
          ),
        );
        setNotice(t.campaigns.done[action]);
      } catch (failure) {
        setError(failure);
      }
    });

  const testSend = () =>
    run(async () => {
      setTestError(undefined);
      setTestResult(undefined);
      const phones = splitPhones(testPhones);
      setTestProblem(phones.length > MAX_TEST_PHONES ? t.editor.tooManyPhones : undefined);
      if (phones.length > MAX_TEST_PHONES) return;
      const saved = readOnly ? campaign : await current();
      if (!saved) return;
      try {
        const answer = await unwrap(
          api.POST('/v1/campaigns/{campaignId}/test', {
            params: { path: { campaignId: saved.id } },
            body: { phones },
          }),
        );
        setTestResult(answer.messages.map(({ phone, status }) => ({ phone, status })));
      } catch (failure) {
        setTestError(failure);
      }
    });

  if (loading) return <p>{t.common.loading}</p>;
  const testErrors = formErrors(testError, ['phones'], t);
  const testFieldError = testProblem ?? testErrors.byField.phones;
  const title = !campaign ? t.editor.newTitle : readOnly ? t.editor.viewTitle : t.editor.editTitle;

  return (
    <section>
      <BackLink href="/campaigns" />
      <div class="page-head">
        <PageTitle text={campaign ? `${title}: ${campaign.name}` : title} />
        {campaign ? (
          <span class={`status status--${campaign.status}`}>{t.status[campaign.status]}</span>
        ) : null}
      </div>
      {template && !campaign ? (
        <p class="hint" data-testid="from-template">
          {fromTemplate(template, form.message, form.content)
            ? t.templates.fromTemplate(template.name, number(template.version))
            : t.templates.fromTemplateEdited}
        </p>
      ) : null}
      {campaign?.template ? (
        <p class="hint" data-testid="campaign-template">
          <Link href={`/templates/${campaign.template.id}`}>
            {t.templates.campaignTemplate(campaign.template.id, number(campaign.template.version))}
          </Link>
        </p>
      ) : null}
      {campaign?.rejection ? (
        <p class="field-error">{t.editor.rejectedBecause(campaign.rejection.reason)}</p>
      ) : null}
      {campaign && readOnly && mayEdit(session.role) ? <p>{t.editor.notEditable}</p> : null}
      {campaign && mayEdit(session.role) && CONTROLS.some((action) => offers(action, campaign.status)) ? (
        <div class="buttons">
          {CONTROLS.filter((action) => offers(action, campaign.status)).map((action) => (
            <Button
              key={action}
              variant={action === 'cancel' ? 'warning' : 'secondary'}
              busy={busy}
              onClick={() => void control(action)}
            >
              {action === 'cancel' ? t.campaigns.cancelCampaign : t.campaigns[action]}
            </Button>
          ))}
        </div>
      ) : null}
      <ErrorSummary messages={general} />
      {notice ? <Notice>{notice}</Notice> : null}
      <div class="editor">
        <Form onSubmit={saveDraft}>
          <fieldset class="plain" disabled={readOnly}>
            <TextField
              id="name"
              label={t.editor.name}
              error={byField.name}
              maxLength={200}
              {...bind('name')}
            />
          </fieldset>
          <MessageTabs idPrefix="" texts={texts} readOnly={readOnly} errors={byField} />
          <TreatmentsSection
            message={form.message}
            content={form.content}
            readOnly={readOnly}
            error={byField.treatments}
            holdoutError={byField.holdoutPercent}
            onContent={(content) => update({ content })}
          />

          <fieldset class="plain" disabled={readOnly}>
            <fieldset
              class={`field${byField.audienceIds ? ' field--error' : ''}`}
              aria-describedby="audiences-hint"
            >
              <legend>{t.editor.audiences}</legend>
              <p class="hint" id="audiences-hint">
                {t.editor.audiencesHint}
              </p>
              {byField.audienceIds ? <p class="field-error">{byField.audienceIds}</p> : null}
              <div class="checks">
                {audiences.map((audience) => (
                  <Check
                    key={audience.id}
                    label={`${audience.name} (${t.audiences.sizeLine(number(audience.size))})`}
                    checked={form.audienceIds.includes(audience.id)}
                    onChecked={(checked) =>
                      update({
                        audienceIds: checked
                          ? [...form.audienceIds, audience.id]
                          : form.audienceIds.filter((id) => id !== audience.id),
                      })
                    }
                  />
                ))}
              </div>
              {form.audienceIds.length ? (
                <p class="hint">{t.editor.audiencesTotal(number(selectedTotal))}</p>
              ) : null}
            </fieldset>

            <TargetingFields
              targeting={form.targeting}
              onChange={(targeting) => update({ targeting })}
              audiences={audiences}
              audienceIds={form.audienceIds}
              error={byField.filters}
            />
            <TextField
              id="partners"
              label={t.editor.partners}
              hint={t.editor.partnersHint}
              error={byField.partnerIds}
              {...bind('partnerIds')}
            />
            <Field
              id="click-tracking"
              label={t.editor.clickTracking}
              hint={t.editor.clickTrackingHint}
              error={byField.clickTracking}
            >
              <select
                value={form.clickTracking}
                {...describedBy('click-tracking', { hint: true, error: byField.clickTracking })}
                onChange={(event) => {
                  const mode = CLICK_TRACKING.find((m) => m === event.currentTarget.value);
                  if (mode) update({ clickTracking: mode });
                }}
              >
                {CLICK_TRACKING.map((mode) => (
                  <option key={mode} value={mode}>
                    {t.editor.clickTrackingModes[mode]}
                  </option>
                ))}
              </select>
            </Field>

            <RadioGroup
              name="schedule-mode"
              legend={t.editor.schedule}
              options={SCHEDULE_MODES}
              label={(mode) => t.editor[SCHEDULE_MODE_WORDS[mode]]}
              value={form.scheduleMode}
              onChange={(scheduleMode) => update({ scheduleMode })}
              error={byField.schedule}
            >
              <div class="inline" hidden={form.scheduleMode === 'asap'}>
                {form.scheduleMode === 'occasion' ? (
                  <>
                    <div class="field">
                      <label for="occasion">{t.editor.occasion}</label>
                      <select
                        id="occasion"
                        value={form.occasion}
                        onChange={(event) => {
                          const occasion =
                            event.currentTarget.value === 'peak-period'
                              ? 'peak-period'
                              : 'anti-trafficking-day';
                          update({ occasion, year: nextOccasionYear(occasion, now) });
                        }}
                      >
                        {OCCASIONS.map((id) => {
                          const found = occasions[id];
                          const day = found?.date ?? found?.start;
                          return (
                            <option key={id} value={id}>
                              {t.editor.occasions[id]}
                              {day ? ` – ${formatIsoDate(day)}` : ''}
                            </option>
                          );
                        })}
                      </select>
                    </div>
                    <div class="field">
                      <label for="year">{t.editor.year}</label>
                      <select
                        id="year"
                        value={String(form.year)}
                        onChange={(event) => update({ year: Number(event.currentTarget.value) })}
                      >
                        {[0, 1, 2].map((offset) => {
                          const year = nextOccasionYear(form.occasion, now) + offset;
                          return (
                            <option key={year} value={String(year)}>
                              {year}
                            </option>
                          );
                        })}
                      </select>
                    </div>
                  </>
                ) : (
                  <TextField id="send-date" label={t.editor.date} type="date" {...bind('date')} />
                )}
                <TimeField id="send-time" label={t.editor.time} {...bind('time')} />
              </div>
              <p class="resolved" data-testid="resolved">
                {form.scheduleMode === 'asap'
                  ? t.editor.asapLine
                  : sendAt
                    ? t.editor.resolved(dateTime(sendAt))
                    : null}
              </p>
              <Check
                label={t.editor.repeat}
                hidden={form.scheduleMode === 'asap'}
                checked={form.repeat}
                onChecked={(repeat) => update({ repeat })}
              />
            </RadioGroup>

            <fieldset class={`field${byField.sendingWindow ? ' field--error' : ''}`}>
              <legend>{t.editor.window}</legend>
              {byField.sendingWindow ? <p class="field-error">{byField.sendingWindow}</p> : null}
              <Check
                label={t.editor.windowOn}
                checked={form.windowOn}
                onChecked={(windowOn) => update({ windowOn })}
              />
              {form.windowOn ? (
                <div class="inline">
                  <TimeField id="window-start" label={t.editor.windowFrom} {...bind('windowStart')} />
                  <TimeField id="window-end" label={t.editor.windowTo} {...bind('windowEnd')} />
                </div>
              ) : (
                <p class="hint">{t.editor.windowAny}</p>
              )}
            </fieldset>
          </fieldset>

          {!readOnly && missingFields(campaign?.estimate).length ? (
            <ul class="field-error" id="submit-blocked" data-testid="submit-blocked">
              {missingFields(campaign?.estimate).map((field) => (
                <li key={field.key}>{t.content.missingRefusal(field.name, number(field.missing))}</li>
              ))}
            </ul>
          ) : null}
          {readOnly ? null : (
            <div class="buttons">
              <Button type="submit" variant="secondary" busy={busy}>
                {t.editor.saveDraft}
              </Button>
              {!campaign || offers('submit', campaign.status) ? (
                <Button
                  busy={busy}
                  aria-describedby={missingFields(campaign?.estimate).length ? 'submit-blocked' : undefined}
                  onClick={() => void submit()}
                >
                  {t.editor.submit}
                </Button>
              ) : null}
            </div>
          )}
        </Form>

        <div class="side">
          <MessageSide
            texts={texts}
            readOnly={readOnly}
            currency={currency}
            pricing={pricing}
            onUnaccentedAdded={() => setNotice(t.content.unaccentedAdded)}
          />
          <CampaignEstimatePanel
            campaign={campaign}
            audienceNames={Object.fromEntries(audiences.map((audience) => [audience.id, audience.name]))}
          />
          {campaign ? <ContentPreview campaignId={campaign.id} version={campaign.updatedAt} /> : null}
          {mayEdit(session.role) ? (
            <section class="panel" aria-labelledby="test-title">
              <h3 id="test-title">{t.editor.testTitle}</h3>
              <ErrorSummary messages={testErrors.general} />
              <Form onSubmit={testSend}>
                <Field id="test-phones" label={t.editor.testPhones} error={testFieldError}>
                  <input
                    {...describedBy('test-phones', { error: testFieldError })}
                    aria-describedby={`test-phones-check${testFieldError ? ' test-phones-error' : ''}`}
                    type="text"
                    inputMode="tel"
                    value={testPhones}
                    onInput={(event) => setTestPhones(event.currentTarget.value)}
                  />
                  <PhoneHint id="test-phones-check" phones={splitPhones(testPhones)} />
                </Field>
                <Button type="submit" variant="secondary" busy={busy} data-testid="test-send">
                  {t.editor.testSend}
                </Button>
              </Form>
              {testResult ? (
                <div role="status">
                  <p>{t.editor.testSent(number(testResult.length))}</p>
                  <ul>
                    {testResult.map((result) => (
                      <li key={result.phone}>
                        {result.phone}: {t.editor.testResult[result.status] ?? result.status}
                      </li>
                    ))}
                  </ul>
                </div>
              ) : null}
            </section>
          ) : null}
        </div>
      </div>
    </section>
  );
};
