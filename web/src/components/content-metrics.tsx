import { languageName } from '../../../functions/core/content/languages.js';
import { useI18n } from '../i18n/index.js';
import {
  contentMetricsOf,
  describeComparison,
  treatmentComparisons,
  type GroupCounts,
} from '../metrics/content-metrics.js';

const COLUMNS = ['delivered', 'clicks', 'uniqueClicks', 'replies'] as const;

const GroupTable = ({
  caption,
  label,
  rows,
  name,
  testId,
}: {
  caption: string;
  label: string;
  rows: readonly GroupCounts[];
  name: (key: string) => string;
  testId: string;
}) => {
  const { t, number } = useI18n();
  return (
    <section>
      <h2>{caption}</h2>
      <div class="table-wrap" role="region" aria-label={caption} tabIndex={0}>
        <table class="table" data-testid={testId}>
          <caption class="visually-hidden">{caption}</caption>
          <thead>
            <tr>
              <th scope="col">{label}</th>
              {COLUMNS.map((key) => (
                <th key={key} scope="col" class="num">
                  {t.metrics[key]}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {rows.map((row) => (
              <tr key={row.key}>
                <th scope="row">{name(row.key)}</th>
                {COLUMNS.map((key) => (
                  <td key={key} class="num">
                    {number(row[key])}
                  </td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
};

/**
 * The campaign's metrics per language variant and per treatment side by side (the holdout beside them),
 * and each treatment's unique-click rate against A with its 95 % interval, in words. Nothing when the
 * metrics have no such split.
 */
export const ContentMetrics = ({ metrics }: { metrics: object }) => {
  const { t, lang } = useI18n();
  const { byVariant, byTreatment } = contentMetricsOf(metrics);
  const comparisons = treatmentComparisons(byTreatment);
  if (!byVariant.length && !byTreatment.length) return null;
  return (
    <div class="metrics__grid" data-testid="content-metrics">
      {byVariant.length ? (
        <GroupTable
          caption={t.content.byVariant}
          label={t.content.languageCol}
          rows={byVariant}
          name={(tag) => languageName(tag, lang)}
          testId="metrics-by-variant"
        />
      ) : null}
      {byTreatment.length ? (
        <GroupTable
          caption={t.content.byTreatment}
          label={t.content.treatmentCol}
          rows={byTreatment}
          name={(id) => (id === 'holdout' ? t.content.holdoutCount : t.content.treatment(id))}
          testId="metrics-by-treatment"
        />
      ) : null}
      {comparisons.length ? (
        <section aria-labelledby="comparison-title" data-testid="treatment-comparison">
          <h2 id="comparison-title">{t.content.comparison}</h2>
          <ul>
            {comparisons.map((comparison) => (
              <li key={comparison.b}>
                {describeComparison(comparison, t.content, lang)}
                {comparison.reliable
                  ? ` · ${t.content.pValue(comparison.pValue.toFixed(3))} · ${
                      comparison.pValue < 0.05 ? t.content.significant : t.content.notSignificant
                    }`
                  : ''}
              </li>
            ))}
          </ul>
          <p class="hint">{t.content.comparisonHint}</p>
        </section>
      ) : null}
    </div>
  );
};
