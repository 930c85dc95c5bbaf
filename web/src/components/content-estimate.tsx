import type { Campaign } from '../api/client.js';
import { languageName } from '../../../functions/core/content/languages.js';
import { byLanguageOrder } from '../content-form.js';
import { useI18n } from '../i18n/index.js';
import { Link } from '../router.js';
import { GroupTable, type GroupColumn } from './group-table.js';

type Estimate = Campaign['estimate'];
type Variant = NonNullable<Estimate['byVariant']>[number];
type Treatment = NonNullable<Estimate['byTreatment']>[number];
type Field = NonNullable<Estimate['fields']>[number];

/** Whether the estimate has anything `ContentEstimate` shows (one made before variants existed has none). */
export const hasContentEstimate = (estimate: Estimate) =>
  Boolean(estimate.holdout) ||
  [estimate.byVariant, estimate.byTreatment, estimate.fields].some((rows) => rows?.length);

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
  const count = <R,>(label: string, value: (row: R) => number): GroupColumn<R> => ({
    label,
    num: true,
    cell: (row) => number(value(row)),
  });
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
      <EstimateTable
        testId="estimate-by-variant"
        caption={t.content.byVariant}
        label={t.content.languageCol}
        rows={
          estimate.byVariant &&
          [...estimate.byVariant].sort((a, b) => byLanguageOrder(a.language, b.language))
        }
        rowKey={(variant) => variant.language}
        name={(variant) => languageName(variant.language, lang)}
        columns={[
          count(t.editor.recipients, (variant: Variant) => variant.recipients),
          { label: t.editor.encoding, cell: (variant) => encoding(variant.encoding) },
          count(t.editor.segments, (variant: Variant) => variant.segmentsPerMessage),
          cost,
        ]}
      />
      <EstimateTable
        testId="estimate-by-treatment"
        caption={t.content.byTreatment}
        label={t.content.treatmentCol}
        rows={estimate.byTreatment}
        rowKey={(treatment) => treatment.treatment}
        name={(treatment) => treatment.treatment}
        columns={[
          count(t.editor.recipients, (treatment: Treatment) => treatment.recipients),
          count(t.editor.totalSegments, (treatment: Treatment) => treatment.totalSegments),
          cost,
        ]}
      />
      <EstimateTable
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
          count(t.content.present, (field: Field) => field.present),
          count(t.content.missing, (field: Field) => field.missing),
          count(t.content.longest, (field: Field) => field.longest),
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
        hint={t.content.fieldsHint}
      />
    </>
  );
};

/** One of the estimate's tables, with its hint below; nothing when the estimate has no such rows. */
const EstimateTable = <R,>({
  rows,
  hint,
  ...table
}: Omit<Parameters<typeof GroupTable<R>>[0], 'rows' | 'class'> & {
  rows: readonly R[] | undefined;
  hint?: string;
}) =>
  rows?.length ? (
    <>
      <GroupTable {...table} rows={rows} class="table content-table" />
      {hint ? <p class="hint">{hint}</p> : null}
    </>
  ) : null;
