import { useEffect, useState } from 'preact/hooks';
import { unwrap, type Schemas } from '../api/client.js';
import { useApp } from '../app-context.js';
import { languageName } from '../../../functions/core/content/languages.js';
import { byLanguageOrder } from '../content-form.js';
import { useI18n } from '../i18n/index.js';
import { previewParts } from '../message-estimate.js';
import { ErrorSummary, formErrors } from './form.js';
import { Loaded } from './loaded.js';
import { PhoneBubbles } from './phone-preview.js';
import { EncodingLine } from './review-content.js';

type PreviewText = Schemas['PreviewText'];
type PreviewEntry = Schemas['CampaignPreview']['texts'][number];

/** One recipient's text: to whom (masked), the bubbles, its encoding and segments. */
const RecipientText = ({
  text,
  linkBase,
  testId,
}: {
  text: PreviewText;
  linkBase: string;
  testId: string;
}) => {
  const { t } = useI18n();
  return (
    <div data-testid={testId}>
      <p class="hint">{text.phone ? t.content.previewPhone(text.phone) : t.content.noRecipient}</p>
      <PhoneBubbles parts={previewParts(text.text, linkBase)} linkBase={linkBase} />
      <EncodingLine {...text} />
    </div>
  );
};

/** The worst case, when it is another recipient's text than the example (else it says nothing new). */
const worstOf = (entry: PreviewEntry): PreviewText | undefined =>
  entry.worst && (entry.worst.phone !== entry.example.phone || entry.worst.text !== entry.example.text)
    ? entry.worst
    : undefined;

/** Treatments in order, within each the languages in the tabs' order (Vietnamese first). */
const inTabsOrder = (texts: readonly PreviewEntry[]): PreviewEntry[] =>
  [...texts].sort(
    (a, b) => a.treatment.localeCompare(b.treatment) || byLanguageOrder(a.language, b.language),
  );

/**
 * What the recipients of a saved campaign read (`GET /v1/campaigns/{id}/preview`): for each treatment ×
 * language one real recipient's text, their phone masked, and the worst case (most segments). Read again
 * whenever `version` changes (a save).
 */
export const ContentPreview = ({
  campaignId,
  version,
  headingLevel = 3,
}: {
  campaignId: string;
  /** Changes when the campaign is saved: the preview is read again. */
  version: string;
  headingLevel?: 2 | 3;
}) => {
  const { t, lang, number } = useI18n();
  const { api, config } = useApp();
  const [preview, setPreview] = useState<Schemas['CampaignPreview']>();
  const [error, setError] = useState<unknown>();
  useEffect(() => {
    setError(undefined);
    void unwrap(api.GET('/v1/campaigns/{campaignId}/preview', { params: { path: { campaignId } } }))
      .then(setPreview)
      .catch((failure: unknown) => {
        setPreview(undefined);
        setError(failure);
      });
  }, [campaignId, version]);
  const Heading = headingLevel === 2 ? 'h2' : 'h3';
  const Sub = headingLevel === 2 ? 'h3' : 'h4';
  const treatments = new Set(preview?.texts.map((entry) => entry.treatment));
  return (
    <section class="panel" aria-labelledby="content-preview-title" data-testid="content-preview">
      <Heading id="content-preview-title">{t.content.previewTitle}</Heading>
      {error ? (
        <>
          <p>{t.content.previewUnavailable}</p>
          <ErrorSummary messages={formErrors(error, [], t).general} />
        </>
      ) : null}
      <Loaded value={preview} error={error}>
        {(found) => (
          <ul class="plain-list content-preview">
            {inTabsOrder(found.texts).map((entry) => {
              const language = languageName(entry.language, lang);
              const worst = worstOf(entry);
              const key = `${entry.treatment}-${entry.language}`;
              return (
                <li key={key} data-testid={`preview-${key}`}>
                  <Sub>
                    {treatments.size > 1
                      ? t.content.previewOf(t.content.treatment(entry.treatment), language)
                      : language}
                  </Sub>
                  <p>{t.content.previewRecipients(number(entry.recipients))}</p>
                  <RecipientText text={entry.example} linkBase={config.shortLinkBaseUrl} testId="example" />
                  {worst ? (
                    <>
                      <p>
                        <strong>{t.content.worstCase}</strong>
                      </p>
                      <RecipientText text={worst} linkBase={config.shortLinkBaseUrl} testId="worst" />
                    </>
                  ) : null}
                </li>
              );
            })}
          </ul>
        )}
      </Loaded>
    </section>
  );
};
