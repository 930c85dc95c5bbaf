import type { Campaign } from '../api/client.js';
import { useI18n } from '../i18n/index.js';
import { ContentEstimate } from './content-estimate.js';
import { CountsTable } from './counts.js';
import { Facts } from './facts.js';

/**
 * The estimate's recipients by current province (`byProvince`, beside `byCarrier`), when the API gives
 * them: read defensively, as the field arrived with targeting by place and group.
 */
export const estimateByProvince = (estimate: object): Record<string, number> | undefined => {
  if (!('byProvince' in estimate)) return undefined;
  const counts = estimate.byProvince;
  if (typeof counts !== 'object' || counts === null) return undefined;
  const entries = Object.entries(counts).filter(
    (entry): entry is [string, number] => typeof entry[1] === 'number',
  );
  return Object.fromEntries(entries);
};

/** The server's estimate of a saved campaign: the authority on recipients and cost. */
export const CampaignEstimatePanel = ({
  campaign,
  audienceNames = {},
}: {
  campaign: Campaign | undefined;
  /** Audience names by id, for the missing field values' links. */
  audienceNames?: Record<string, string>;
}) => {
  const { t, number, money, dateTime } = useI18n();
  const estimate = campaign?.estimate;
  const byProvince = estimate ? estimateByProvince(estimate) : undefined;
  return (
    <section class="panel" aria-labelledby="server-estimate-title" data-testid="server-estimate">
      <h3 id="server-estimate-title">{t.editor.serverEstimate}</h3>
      <p class="hint">{t.editor.estimateHint}</p>
      {!estimate || !campaign ? (
        <p>{t.editor.estimateAfterSave}</p>
      ) : (
        <>
          <Facts
            items={[
              { label: t.editor.recipients, value: number(estimate.recipients), testId: 'recipients' },
              { label: t.editor.suppressed, value: number(estimate.suppressed) },
              { label: t.editor.unroutable, value: number(estimate.unroutable) },
              { label: t.editor.sendable, value: number(estimate.sendable) },
              { label: t.editor.segments, value: number(estimate.segmentsPerMessage) },
              { label: t.editor.totalSegments, value: number(estimate.totalSegments) },
              {
                label: t.editor.cost,
                value: money(estimate.cost, estimate.currency),
                testId: 'server-cost',
              },
            ]}
          />
          <p>{t.editor.resolved(dateTime(campaign.sendAt, campaign.timeZone))}</p>
          <ContentEstimate estimate={estimate} audienceNames={audienceNames} />
          <CountsTable
            caption={t.audiences.byCarrier}
            label={t.audiences.carrier}
            counts={estimate.byCarrier}
            name={(carrier) => t.carriers[carrier] ?? carrier}
          />
          {byProvince && Object.keys(byProvince).length ? (
            <CountsTable caption={t.audiences.byProvince} label={t.audiences.province} counts={byProvince} />
          ) : null}
        </>
      )}
    </section>
  );
};
