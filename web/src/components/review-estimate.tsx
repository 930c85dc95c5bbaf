import type { Campaign } from '../api/client.js';
import { useI18n } from '../i18n/index.js';
import { CountsTable } from './counts.js';

/** The server's estimate as the approver weighs it: who is sent what, at what cost. */
export const ReviewEstimate = ({ estimate }: { estimate: Campaign['estimate'] }) => {
  const { t, number, money } = useI18n();
  const stats: [string, string][] = [
    [t.editor.recipients, number(estimate.recipients)],
    [t.editor.suppressed, number(estimate.suppressed)],
    [t.editor.unroutable, number(estimate.unroutable)],
    [t.editor.sendable, number(estimate.sendable)],
    [t.editor.totalSegments, number(estimate.totalSegments)],
    [t.editor.cost, money(estimate.cost, estimate.currency)],
  ];
  return (
    <section class="panel" aria-labelledby="review-estimate-title" data-testid="review-estimate">
      <h2 id="review-estimate-title">{t.review.estimateTitle}</h2>
      <p class="hint">{t.review.estimateHint}</p>
      <dl class="stats">
        {stats.map(([label, value]) => (
          <div key={label}>
            <dt>{label}</dt>
            <dd>{value}</dd>
          </div>
        ))}
      </dl>
      <CountsTable
        caption={t.audiences.byCarrier}
        label={t.audiences.carrier}
        counts={estimate.byCarrier}
        name={(carrier) => t.carriers[carrier] ?? carrier}
      />
    </section>
  );
};
