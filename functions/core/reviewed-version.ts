import type { ReviewedVersion } from './campaign.js';

/**
 * The reviewed fields of a campaign as they stand (optional ones only when set): what a rejection keeps,
 * and what the console compares with it. Shared by the API and the console; no schema imports, so the
 * console bundles it without zod.
 */
export const reviewedVersion = (campaign: ReviewedVersion): ReviewedVersion => ({
  name: campaign.name,
  message: campaign.message,
  ...(campaign.variants ? { variants: campaign.variants } : {}),
  ...(campaign.treatments ? { treatments: campaign.treatments } : {}),
  ...(campaign.holdoutPercent ? { holdoutPercent: campaign.holdoutPercent } : {}),
  audienceIds: campaign.audienceIds,
  ...(campaign.filters ? { filters: campaign.filters } : {}),
  schedule: campaign.schedule,
  sendingWindow: campaign.sendingWindow,
  ...(campaign.partnerIds ? { partnerIds: campaign.partnerIds } : {}),
  timeZone: campaign.timeZone,
  ...(campaign.clickTracking ? { clickTracking: campaign.clickTracking } : {}),
});
