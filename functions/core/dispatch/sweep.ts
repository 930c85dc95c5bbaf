import { completeCampaign, type CampaignDeps } from '#core/campaign-service.js';
import { completeIfDone } from './completion.js';
import { materializeCampaign, type MaterializeDeps, type ProgressStore } from './materialize.js';
import { sweepMaterializes } from './materialize-lease.js';

/**
 * For every sending campaign: finish a materialisation that a crash cut short (its lease has expired) or
 * that never began (the `campaign.started` event was lost), leaving alone one whose run holds a live lease;
 * and complete it once every batch has settled. Idempotent: run it as often as you like.
 */
export const sweepSendingCampaigns = async (deps: {
  campaigns: CampaignDeps;
  materialize: MaterializeDeps;
  progress: ProgressStore;
}): Promise<void> => {
  const complete = (id: string) => completeCampaign(deps.campaigns, id);
  let cursor: string | undefined;
  do {
    const page = await deps.campaigns.campaigns.list({ status: 'sending', limit: 50, cursor });
    for (const campaign of page.items) {
      let progress = await deps.progress.get(campaign.id);
      const { now, leaseMs } = deps.materialize;
      if (sweepMaterializes(progress, campaign.startedAt, now(), leaseMs)) {
        const result = await materializeCampaign(deps.materialize, campaign);
        progress = result.status === 'finished' ? result.progress : undefined;
      }
      await completeIfDone(complete, campaign.id, progress);
    }
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
};
