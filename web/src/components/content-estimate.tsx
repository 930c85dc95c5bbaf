import type { Campaign } from '../api/client.js';
import { languageName } from '../../../functions/core/content/languages.js';
import { useI18n } from '../i18n/index.js';
import { Link } from '../router.js';

type Estimate = Campaign['estimate'];

/**
 * The server's estimate per language variant, per treatment, the holdout and the fields the texts use
 * (missing values by audience, each audience a link). Shown only for what the estimate has: an estimate
 * made before variants existed has none of it.
 */
export const ContentEstimate = ({
  estimate,
  audienceNames,
}: {
  estimate: Estimate;
  audienceNames: Record<string, string>;
}) => {
  const { t, lang, number, money } = useI18n();
  const encoding = (value: 'GSM-7' | 'UCS-2') => (value === 'GSM-7' ? t.editor.gsm : t.editor.ucs);
  return (
    <>
      {estimate.holdout ? (
        <p data-testid="estimate-holdout">
          {t.content.holdoutCount}: {number(estimate.holdout)}
        </p>
      ) : null}
      {estimate.byVariant?.length ? (
        <div class="table-wrap">
          <table class="table content-table" data-testid="estimate-by-variant">
            <caption class="caption">{t.content.byVariant}</caption>
            <thead>
              <tr>
                <th scope="col">{t.content.languageCol}</th>
                <th scope="col" class="num">
                  {t.editor.recipients}
                </th>
                <th scope="col">{t.editor.encoding}</th>
                <th scope="col" class="num">
                  {t.editor.segments}
                </th>
                <th scope="col" class="num">
                  {t.editor.cost}
                </th>
              </tr>
            </thead>
            <tbody>
              {estimate.byVariant.map((variant) => (
                <tr key={variant.language}>
                  <th scope="row" lang={lang}>
                    {languageName(variant.language, lang)}
                  </th>
                  <td class="num">{number(variant.recipients)}</td>
                  <td>{encoding(variant.encoding)}</td>
                  <td class="num">{number(variant.segmentsPerMessage)}</td>
                  <td class="num">{money(variant.cost, estimate.currency)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
      {estimate.byTreatment?.length ? (
        <div class="table-wrap">
          <table class="table content-table" data-testid="estimate-by-treatment">
            <caption class="caption">{t.content.byTreatment}</caption>
            <thead>
              <tr>
                <th scope="col">{t.content.treatmentCol}</th>
                <th scope="col" class="num">
                  {t.editor.recipients}
                </th>
                <th scope="col" class="num">
                  {t.editor.totalSegments}
                </th>
                <th scope="col" class="num">
                  {t.editor.cost}
                </th>
              </tr>
            </thead>
            <tbody>
              {estimate.byTreatment.map((treatment) => (
                <tr key={treatment.treatment}>
                  <th scope="row">{treatment.treatment}</th>
                  <td class="num">{number(treatment.recipients)}</td>
                  <td class="num">{number(treatment.totalSegments)}</td>
                  <td class="num">{money(treatment.cost, estimate.currency)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
      {estimate.fields?.length ? (
        <div class="table-wrap">
          <table class="table content-table" data-testid="estimate-fields">
            <caption class="caption">{t.content.fieldsTitle}</caption>
            <thead>
              <tr>
                <th scope="col">{t.content.fieldCol}</th>
                <th scope="col" class="num">
                  {t.content.present}
                </th>
                <th scope="col" class="num">
                  {t.content.missing}
                </th>
                <th scope="col" class="num">
                  {t.content.longest}
                </th>
                <th scope="col">{t.content.missingIn}</th>
              </tr>
            </thead>
            <tbody>
              {estimate.fields.map((field) => (
                <tr key={field.key} class={field.required && field.missing ? 'row--warning' : undefined}>
                  <th scope="row">
                    {field.name}
                    <br />
                    <small>{field.required ? t.content.fieldRequired : t.content.fieldFallback}</small>
                  </th>
                  <td class="num">{number(field.present)}</td>
                  <td class="num">{number(field.missing)}</td>
                  <td class="num">{number(field.longest)}</td>
                  <td>
                    {Object.entries(field.missingByAudience).map(([audienceId, count]) => (
                      <span key={audienceId} class="missing-line">
                        <Link href={`/audiences/${audienceId}`}>
                          {t.content.missingLine(number(count), audienceNames[audienceId] ?? audienceId)}
                        </Link>
                      </span>
                    ))}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          <p class="hint">{t.content.fieldsHint}</p>
        </div>
      ) : null}
    </>
  );
};
