import type { Campaign } from '../api/client.js';
import { languageName } from '../../../functions/core/content/languages.js';
import { byLanguageOrder } from '../content-form.js';
import { useI18n } from '../i18n/index.js';
import { Link } from '../router.js';
import { GroupTable } from './group-table.js';

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
  const cost = {
    label: t.editor.cost,
    num: true,
    cell: (row: { cost: number }) => money(row.cost, estimate.currency),
  };
  return (
    <>
      {estimate.holdout ? (
        <p data-testid="estimate-holdout">
          {t.content.holdoutCount}: {number(estimate.holdout)}
        </p>
      ) : null}
      {estimate.byVariant?.length ? (
        <GroupTable
          class="table content-table"
          testId="estimate-by-variant"
          caption={t.content.byVariant}
          label={t.content.languageCol}
          rows={[...estimate.byVariant].sort((a, b) => byLanguageOrder(a.language, b.language))}
          rowKey={(variant) => variant.language}
          name={(variant) => languageName(variant.language, lang)}
          columns={[
            { label: t.editor.recipients, num: true, cell: (variant) => number(variant.recipients) },
            { label: t.editor.encoding, cell: (variant) => encoding(variant.encoding) },
            { label: t.editor.segments, num: true, cell: (variant) => number(variant.segmentsPerMessage) },
            cost,
          ]}
        />
      ) : null}
      {estimate.byTreatment?.length ? (
        <GroupTable
          class="table content-table"
          testId="estimate-by-treatment"
          caption={t.content.byTreatment}
          label={t.content.treatmentCol}
          rows={estimate.byTreatment}
          rowKey={(treatment) => treatment.treatment}
          name={(treatment) => treatment.treatment}
          columns={[
            { label: t.editor.recipients, num: true, cell: (treatment) => number(treatment.recipients) },
            {
              label: t.editor.totalSegments,
              num: true,
              cell: (treatment) => number(treatment.totalSegments),
            },
            cost,
          ]}
        />
      ) : null}
      {estimate.fields?.length ? (
        <>
          <GroupTable
            class="table content-table"
            testId="estimate-fields"
            caption={t.content.fieldsTitle}
            label={t.content.fieldCol}
            rows={estimate.fields}
            rowKey={(field) => field.key}
            rowClass={(field) => (field.required && field.missing ? 'row--warning' : undefined)}
            name={(field) => (
              <>
                {field.name}
                <br />
                <small>{field.required ? t.content.fieldRequired : t.content.fieldFallback}</small>
              </>
            )}
            columns={[
              { label: t.content.present, num: true, cell: (field) => number(field.present) },
              { label: t.content.missing, num: true, cell: (field) => number(field.missing) },
              { label: t.content.longest, num: true, cell: (field) => number(field.longest) },
              {
                label: t.content.missingIn,
                cell: (field) =>
                  Object.entries(field.missingByAudience).map(([audienceId, count]) => (
                    <span key={audienceId} class="missing-line">
                      <Link href={`/audiences/${audienceId}`}>
                        {t.content.missingLine(number(count), audienceNames[audienceId] ?? audienceId)}
                      </Link>
                    </span>
                  )),
              },
            ]}
          />
          <p class="hint">{t.content.fieldsHint}</p>
        </>
      ) : null}
    </>
  );
};
