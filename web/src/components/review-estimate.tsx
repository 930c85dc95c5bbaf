import type { Campaign } from '../api/client.js';
import { useI18n } from '../i18n/index.js';
import { ContentEstimate, hasContentEstimate } from './content-estimate.js';
import { CountsTable } from './counts.js';
import { Facts, type Fact } from './facts.js';

/** The server's estimate as the approver weighs it: how many are sent, through which carriers, at what cost. */
export const ReviewEstimate = ({ estimate }: { estimate: Campaign['estimate'] }) => {
  const { t, number, money } = useI18n();
  const stats: Fact[] = [
    { label: t.editor.recipients, value: number(estimate.recipients) },
    { label: t.editor.suppressed, value: number(estimate.suppressed) },
    { label: t.editor.unroutable, value: number(estimate.unroutable) },
    { label: t.editor.sendable, value: number(estimate.sendable) },
    { label: t.editor.totalSegments, value: number(estimate.totalSegments) },
    { label: t.editor.cost, value: money(estimate.cost, estimate.currency) },
  ];
  return (
    <section class="panel" aria-labelledby="review-estimate-title" data-testid="review-estimate">
      <h2 id="review-estimate-title">{t.review.estimateTitle}</h2>
      <p class="hint">{t.review.estimateHint}</p>
      <Facts items={stats} />
      <CountsTable
        caption={t.audiences.byCarrier}
        label={t.audiences.carrier}
        counts={estimate.byCarrier}
        name={(carrier) => t.carriers[carrier] ?? carrier}
      />
    </section>
  );
};

/**
 * The estimate per language variant, per treatment and per field, in a panel of its own across the page:
 * in the review's narrow column their four and five columns did not fit (they scrolled, cut off at the
 * edge). Nothing when the estimate has none of them.
 */
export const ReviewContentEstimate = ({
  estimate,
  audienceNames = {},
}: {
  estimate: Campaign['estimate'];
  audienceNames?: Record<string, string>;
}) => {
  const { t } = useI18n();
  if (!hasContentEstimate(estimate)) return null;
  return (
    <section
      class="panel"
      aria-labelledby="review-content-estimate-title"
      data-testid="review-content-estimate"
    >
      <h2 id="review-content-estimate-title">{t.review.contentEstimateTitle}</h2>
      <ContentEstimate estimate={estimate} audienceNames={audienceNames} />
    </section>
  );
};
