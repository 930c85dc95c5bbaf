import type { CampaignStatus, UserAction } from '../../functions/core/campaign.js';

/**
 * Which buttons a campaign in each status offers. The API decides (409 for anything else, see
 * functions/core/campaign.ts); this copy of its table only hides what would fail. It is restated here
 * rather than imported so the console does not bundle the core's zod schemas with it.
 */
const OFFERED_FROM: Record<UserAction, readonly CampaignStatus[]> = {
  submit: ['draft', 'rejected'],
  approve: ['pending_approval'],
  reject: ['pending_approval'],
  pause: ['scheduled', 'sending'],
  resume: ['paused'],
  cancel: ['draft', 'pending_approval', 'rejected', 'scheduled', 'sending', 'paused'],
};

export const EDITABLE: readonly CampaignStatus[] = ['draft', 'rejected'];

export const offers = (action: UserAction, status: CampaignStatus): boolean =>
  OFFERED_FROM[action].includes(status);

export const isEditable = (status: CampaignStatus): boolean => EDITABLE.includes(status);

/** The statuses in the order the campaigns list offers them as filters. */
export const STATUS_ORDER = [
  'draft',
  'pending_approval',
  'rejected',
  'scheduled',
  'sending',
  'paused',
  'completed',
  'cancelled',
  'failed',
] as const satisfies readonly CampaignStatus[];

export type { CampaignStatus, UserAction };
