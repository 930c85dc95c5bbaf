import type { CampaignStore } from '#core/campaign-service.js';
import type { CampaignStatus } from '#core/campaign-status.js';
import type { Campaign } from '#core/campaign.js';
import type { SettingsStore } from '#core/settings.js';
import type { BatchStore } from './ports.js';

export interface FrequencyCapDeps {
  campaigns: Pick<CampaignStore, 'list'>;
  batches: Pick<BatchStore, 'listBatches'>;
  settings: Pick<SettingsStore, 'get'>;
  now: () => Date;
}

/** A cancelled (or failed) campaign's messages handed over before it stopped reached the phone too. */
const HANDED_OVER: readonly CampaignStatus[] = ['sending', 'paused', 'completed', 'cancelled', 'failed'];

const HOUR_MS = 3_600_000;

/**
 * The frequency cap (contract §6): the phones that already got `messages` messages from other campaigns
 * started inside the cap's window, counted back from `now`. Test batches and failed messages do not count.
 */
export const frequencyCappedPhones =
  (deps: FrequencyCapDeps) =>
  async (campaign: Campaign): Promise<Set<string>> => {
    const { frequencyCap } = await deps.settings.get();
    const since = deps.now().getTime() - frequencyCap.hours * HOUR_MS;
    const counts = new Map<string, number>();
    for (const status of HANDED_OVER) {
      let cursor: string | undefined;
      do {
        const page = await deps.campaigns.list({ status, limit: 100, cursor });
        for (const other of page.items) {
          if (other.id === campaign.id || !other.startedAt || Date.parse(other.startedAt) < since) continue;
          for await (const list of deps.batches.listBatches(other.id)) {
            for (const batch of list) {
              if (batch.test) continue;
              for (const m of batch.messages)
                if (m.state !== 'failed') counts.set(m.to, (counts.get(m.to) ?? 0) + 1);
            }
          }
        }
        cursor = page.nextCursor ?? undefined;
      } while (cursor);
    }
    return new Set([...counts].filter(([, n]) => n >= frequencyCap.messages).map(([phone]) => phone));
  };
