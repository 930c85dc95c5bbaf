import type { Campaign } from '../api/client.js';
import { languageName } from '../../../functions/core/content/languages.js';
import { byLanguageOrder } from '../content-form.js';
import { useI18n } from '../i18n/index.js';
import { liveEstimate } from '../message-estimate.js';

/** A text's encoding, segments and characters, in one line. */
export const EncodingLine = ({
  encoding,
  segments,
  characters,
}: {
  encoding: 'GSM-7' | 'UCS-2';
  segments: number;
  characters: number;
}) => {
  const { t, number } = useI18n();
  return (
    <p class="hint">
      {t.review.encodingLine(
        encoding === 'GSM-7' ? t.editor.gsm : t.editor.ucs,
        number(segments),
        number(characters),
      )}
    </p>
  );
};

/** One text as the approver reads it: the text itself, its encoding, characters and segments. */
const ReviewedText = ({ text, linkBase, testId }: { text: string; linkBase: string; testId?: string }) => {
  const estimate = liveEstimate(text, linkBase);
  return (
    <>
      <p class="highlighted variant-text" data-testid={testId}>
        {text}
      </p>
      <EncodingLine {...estimate} />
    </>
  );
};

/**
 * Every text the campaign can send, for the approver (issue #16): each language variant, each treatment
 * with its share (its own text, or the main text), the holdout, and the template it was made from.
 */
export const ReviewContent = ({ campaign, linkBase }: { campaign: Campaign; linkBase: string }) => {
  const { t, lang, number } = useI18n();
  const variants = Object.entries(campaign.variants ?? {}).sort(([a], [b]) => byLanguageOrder(a, b));
  const treatments = campaign.treatments ?? [];
  return (
    <section class="panel" aria-labelledby="review-content-title" data-testid="review-content">
      <h2 id="review-content-title">{t.content.variantsTitle}</h2>
      {campaign.template ? (
        <p data-testid="review-template">
          {t.templates.campaignTemplate(campaign.template.id, number(campaign.template.version))}
        </p>
      ) : null}
      {variants.length ? (
        <ul class="plain-list">
          {variants.map(([tag, text]) => (
            <li key={tag} data-language={tag}>
              <h3>{languageName(tag, lang)}</h3>
              <ReviewedText text={text} linkBase={linkBase} testId={`variant-${tag}`} />
            </li>
          ))}
        </ul>
      ) : (
        <p>{t.content.noVariants}</p>
      )}
      <h2>{t.content.treatmentsTitle}</h2>
      {treatments.length ? (
        <ul class="plain-list">
          {treatments.map((treatment) => (
            <li key={treatment.id} data-treatment={treatment.id}>
              <h3>{t.content.treatmentLine(treatment.id, number(treatment.percent))}</h3>
              {treatment.message !== undefined ? (
                <>
                  <ReviewedText
                    text={treatment.message}
                    linkBase={linkBase}
                    testId={`treatment-${treatment.id}-text`}
                  />
                  {Object.entries(treatment.variants ?? {}).map(([tag, text]) => (
                    <div key={tag}>
                      <h4>{languageName(tag, lang)}</h4>
                      <ReviewedText text={text} linkBase={linkBase} />
                    </div>
                  ))}
                </>
              ) : (
                <p data-testid={`treatment-${treatment.id}-text`}>{t.content.sameAsMain}</p>
              )}
            </li>
          ))}
        </ul>
      ) : (
        <p>{t.content.noTreatments}</p>
      )}
      <p data-testid="review-holdout">
        {campaign.holdoutPercent
          ? t.content.holdoutLine(number(campaign.holdoutPercent))
          : t.content.noHoldout}
      </p>
    </section>
  );
};
