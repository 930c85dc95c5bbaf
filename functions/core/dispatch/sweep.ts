import { completeCampaign, type CampaignDeps } from '../campaign-service.js';
import { completeIfDone } from './completion.js';
import { materializeCampaign, type MaterializeDeps, type ProgressStore } from './materialize.js';

/**
 * For every sending campaign: materialise it if that has not finished (first start, or a crash half-way),
 * and complete it once every batch has settled. Idempotent: run it as often as you like.
 */
export const sweepSendingCampaigns = async (deps: {
  campaigns: CampaignDeps;
  materialize: MaterializeDeps;
  progress: ProgressStore;
}): Promise<void> => {
  let cursor: string | undefined;
  do {
    const page = await deps.campaigns.campaigns.list({ status: 'sending', limit: 50, cursor });
    for (const campaign of page.items) {
      const progress = await materializeCampaign(deps.materialize, campaign);
      await completeIfDone((id) => completeCampaign(deps.campaigns, id), campaign.id, progress);
    }
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
};
