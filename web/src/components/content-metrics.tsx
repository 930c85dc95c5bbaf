import { languageName } from '../../../functions/core/content/languages.js';
import { useI18n } from '../i18n/index.js';
import { GroupSection, type GroupColumn } from './group-table.js';
import {
  contentMetricsOf,
  describeComparison,
  treatmentComparisons,
  type GroupCounts,
} from '../metrics/content-metrics.js';

const COLUMNS = ['delivered', 'clicks', 'uniqueClicks', 'replies'] as const;

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
    // One table under another, not side by side: five columns do not fit half a page.
    <div data-testid="content-metrics">
      <CountsSection
        caption={t.content.byVariant}
        label={t.content.languageCol}
        rows={byVariant}
        name={(key) => languageName(key, lang)}
        testId="metrics-by-variant"
      />
      <CountsSection
        caption={t.content.byTreatment}
        label={t.content.treatmentCol}
        rows={byTreatment}
        name={(key) => (key === 'holdout' ? t.content.holdoutCount : t.content.treatment(key))}
        testId="metrics-by-treatment"
      />
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

/** The counts of one split (language variants or treatments), a row per group; nothing when it has none. */
const CountsSection = ({
  rows,
  name,
  ...section
}: {
  caption: string;
  label: string;
  rows: readonly GroupCounts[];
  name: (key: string) => string;
  testId: string;
}) => {
  const { t, number } = useI18n();
  return rows.length ? (
    <GroupSection
      {...section}
      rows={rows}
      rowKey={(row) => row.key}
      name={(row) => name(row.key)}
      columns={COLUMNS.map((key): GroupColumn<GroupCounts> => ({
        label: t.metrics[key],
        num: true,
        cell: (row) => number(row[key]),
      }))}
    />
  ) : null;
};
