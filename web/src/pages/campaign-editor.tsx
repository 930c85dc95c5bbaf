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
import { TreatmentsSection, VariantTabs } from '../components/content-editor.js';
import { DEFAULT_LANGUAGE, UNACCENTED_VIETNAMESE } from '../../../functions/core/content/languages.js';
import { contentOf, fromTemplate, missingFields, withVariant } from '../content-form.js';
import { Button, ErrorSummary, Field, Notice, describedBy, formErrors, useBusy } from '../components/form.js';
import { LiveEstimatePanel } from '../components/message-estimate.js';
import { PhoneHint } from '../components/phone-hint.js';
import { PhonePreview } from '../components/phone-preview.js';
import { TargetingFields } from '../components/targeting.js';
import { formatIsoDate } from '../i18n/format.js';
import { useI18n } from '../i18n/index.js';
import { liveEstimate, previewParts, pricingOf } from '../message-estimate.js';
import { mayEdit } from '../nav.js';
import { Link, rewriteUrl, useLocation } from '../router.js';
import { PageTitle } from '../components/page-title.js';

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
] as const;
const OCCASIONS = ['anti-trafficking-day', 'peak-period'] as const;
const MAX_TEST_PHONES = 5;
const CONTROLS = ['pause', 'resume', 'cancel'] as const satisfies readonly UserAction[];

interface Occasion {
  id: string;
  date?: string | undefined;
  start?: string | undefined;
}

type TestResult = { phone: string; status: string }[];

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
  const { api, config } = useApp();
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
  const [activeLanguage, setActiveLanguage] = useState(DEFAULT_LANGUAGE);
  /** The template a new campaign starts from (`/campaigns/new?templateId=...`). */
  const [template, setTemplate] = useState<Schemas['Template']>();

  const update = (changes: Partial<CampaignForm>) => setForm((current) => ({ ...current, ...changes }));

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
  const activeText =
    activeLanguage === DEFAULT_LANGUAGE
      ? form.message
      : (form.content.variants.find((v) => v.language === activeLanguage)?.text ?? form.message);
  const live = useMemo(
    () =>
      liveEstimate(activeText, config.shortLinkBaseUrl, campaign ? pricingOf(campaign.estimate) : undefined),
    [activeText, campaign, config.shortLinkBaseUrl],
  );
  const parts = useMemo(
    () => previewParts(activeText, config.shortLinkBaseUrl),
    [activeText, config.shortLinkBaseUrl],
  );
  const setActiveText = (text: string) =>
    activeLanguage === DEFAULT_LANGUAGE
      ? update({ message: text })
      : update({ content: withVariant(form.content, activeLanguage, text) });
  const hasUnaccented = form.content.variants.some((v) => v.language === UNACCENTED_VIETNAMESE);
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
      <p>
        <Link href="/campaigns">{t.common.back}</Link>
      </p>
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
        <form
          noValidate
          onSubmit={(event) => {
            event.preventDefault();
            void saveDraft();
          }}
        >
          <fieldset class="plain" disabled={readOnly}>
            <Field id="name" label={t.editor.name} error={byField.name}>
              <input
                {...describedBy('name', { error: byField.name })}
                type="text"
                maxLength={200}
                value={form.name}
                onInput={(event) => update({ name: event.currentTarget.value })}
              />
            </Field>
          </fieldset>
          <VariantTabs
            idPrefix=""
            message={form.message}
            content={form.content}
            active={activeLanguage}
            readOnly={readOnly}
            error={byField.message}
            variantsError={byField.variants}
            onMessage={(message) => update({ message })}
            onContent={(content) => update({ content })}
            onActive={setActiveLanguage}
          />
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
                  <label key={audience.id} class="check">
                    <input
                      type="checkbox"
                      checked={form.audienceIds.includes(audience.id)}
                      onChange={(event) =>
                        update({
                          audienceIds: event.currentTarget.checked
                            ? [...form.audienceIds, audience.id]
                            : form.audienceIds.filter((id) => id !== audience.id),
                        })
                      }
                    />
                    {audience.name} ({t.audiences.sizeLine(number(audience.size))})
                  </label>
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
            <Field
              id="partners"
              label={t.editor.partners}
              hint={t.editor.partnersHint}
              error={byField.partnerIds}
            >
              <input
                {...describedBy('partners', { hint: true, error: byField.partnerIds })}
                type="text"
                value={form.partnerIds}
                onInput={(event) => update({ partnerIds: event.currentTarget.value })}
              />
            </Field>

            <fieldset class={`field${byField.schedule ? ' field--error' : ''}`}>
              <legend>{t.editor.schedule}</legend>
              {byField.schedule ? <p class="field-error">{byField.schedule}</p> : null}
              <div class="radios">
                <label class="radio">
                  <input
                    type="radio"
                    name="schedule-mode"
                    checked={form.scheduleMode === 'occasion'}
                    onChange={() => update({ scheduleMode: 'occasion' })}
                  />
                  {t.editor.byOccasion}
                </label>
                <label class="radio">
                  <input
                    type="radio"
                    name="schedule-mode"
                    checked={form.scheduleMode === 'date'}
                    onChange={() => update({ scheduleMode: 'date' })}
                  />
                  {t.editor.byDate}
                </label>
                <label class="radio">
                  <input
                    type="radio"
                    name="schedule-mode"
                    checked={form.scheduleMode === 'asap'}
                    onChange={() => update({ scheduleMode: 'asap' })}
                  />
                  {t.editor.asap}
                </label>
              </div>
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
                  <div class="field">
                    <label for="send-date">{t.editor.date}</label>
                    <input
                      id="send-date"
                      type="date"
                      value={form.date}
                      onInput={(event) => update({ date: event.currentTarget.value })}
                    />
                  </div>
                )}
                <div class="field">
                  <label for="send-time">{t.editor.time}</label>
                  <input
                    id="send-time"
                    type="text"
                    inputMode="numeric"
                    placeholder="08:00"
                    maxLength={5}
                    class="time"
                    value={form.time}
                    onInput={(event) => update({ time: event.currentTarget.value })}
                  />
                </div>
              </div>
              <p class="resolved" data-testid="resolved">
                {form.scheduleMode === 'asap'
                  ? t.editor.asapLine
                  : sendAt
                    ? t.editor.resolved(dateTime(sendAt))
                    : null}
              </p>
              <label class="check" hidden={form.scheduleMode === 'asap'}>
                <input
                  type="checkbox"
                  checked={form.repeat}
                  onChange={(event) => update({ repeat: event.currentTarget.checked })}
                />
                {t.editor.repeat}
              </label>
            </fieldset>

            <fieldset class={`field${byField.sendingWindow ? ' field--error' : ''}`}>
              <legend>{t.editor.window}</legend>
              {byField.sendingWindow ? <p class="field-error">{byField.sendingWindow}</p> : null}
              <label class="check">
                <input
                  type="checkbox"
                  checked={form.windowOn}
                  onChange={(event) => update({ windowOn: event.currentTarget.checked })}
                />
                {t.editor.windowOn}
              </label>
              {form.windowOn ? (
                <div class="inline">
                  <div class="field">
                    <label for="window-start">{t.editor.windowFrom}</label>
                    <input
                      id="window-start"
                      type="text"
                      inputMode="numeric"
                      placeholder="08:00"
                      maxLength={5}
                      class="time"
                      value={form.windowStart}
                      onInput={(event) => update({ windowStart: event.currentTarget.value })}
                    />
                  </div>
                  <div class="field">
                    <label for="window-end">{t.editor.windowTo}</label>
                    <input
                      id="window-end"
                      type="text"
                      inputMode="numeric"
                      placeholder="08:00"
                      maxLength={5}
                      class="time"
                      value={form.windowEnd}
                      onInput={(event) => update({ windowEnd: event.currentTarget.value })}
                    />
                  </div>
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
        </form>

        <div class="side">
          <LiveEstimatePanel
            text={activeText}
            estimate={live}
            currency={currency}
            readOnly={readOnly}
            onUseAlternative={setActiveText}
            onAddUnaccented={
              activeLanguage === DEFAULT_LANGUAGE && !hasUnaccented
                ? (text) => {
                    update({ content: withVariant(form.content, UNACCENTED_VIETNAMESE, text) });
                    setActiveLanguage(UNACCENTED_VIETNAMESE);
                    setNotice(t.content.unaccentedAdded);
                  }
                : undefined
            }
          />
          <PhonePreview parts={parts} linkBase={config.shortLinkBaseUrl} />
          <CampaignEstimatePanel
            campaign={campaign}
            audienceNames={Object.fromEntries(audiences.map((audience) => [audience.id, audience.name]))}
          />
          {campaign ? <ContentPreview campaignId={campaign.id} version={campaign.updatedAt} /> : null}
          {mayEdit(session.role) ? (
            <section class="panel" aria-labelledby="test-title">
              <h3 id="test-title">{t.editor.testTitle}</h3>
              <ErrorSummary messages={testErrors.general} />
              <form
                noValidate
                onSubmit={(event) => {
                  event.preventDefault();
                  void testSend();
                }}
              >
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
              </form>
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
