import {
  EDITABLE_STATUSES,
  allowedFrom,
  type CampaignStatus,
  type UserAction,
} from '../../functions/core/campaign-status.js';

/** Which buttons a campaign in each status offers: the core's table, so only what the API would take. */
export const offers = (action: UserAction, status: CampaignStatus): boolean =>
  allowedFrom(action).includes(status);

export const isEditable = (status: CampaignStatus): boolean => EDITABLE_STATUSES.includes(status);

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
