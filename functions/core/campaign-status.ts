/**
 * Contract §6: a campaign's statuses and the actions that move between them. No imports, so the console
 * bundles the same table to offer only the actions the API would take.
 */
export const CAMPAIGN_STATUSES = [
  'draft',
  'pending_approval',
  'scheduled',
  'sending',
  'paused',
  'completed',
  'rejected',
  'cancelled',
  'failed',
] as const;
export type CampaignStatus = (typeof CAMPAIGN_STATUSES)[number];

export const CAMPAIGN_ACTIONS = ['submit', 'approve', 'reject', 'pause', 'resume', 'cancel'] as const;
export type UserAction = (typeof CAMPAIGN_ACTIONS)[number];
export type CampaignAction = UserAction | 'start' | 'complete';

/** From which statuses each action may be taken; anything else is 409 conflict. */
const ALLOWED_FROM: Record<CampaignAction, readonly CampaignStatus[]> = {
  submit: ['draft', 'rejected'],
  approve: ['pending_approval'],
  reject: ['pending_approval'],
  pause: ['scheduled', 'sending'],
  resume: ['paused'],
  cancel: ['draft', 'pending_approval', 'rejected', 'scheduled', 'sending', 'paused'],
  start: ['scheduled'],
  complete: ['sending'],
};

export const EDITABLE_STATUSES: readonly CampaignStatus[] = ['draft', 'rejected'];

export const allowedFrom = (action: CampaignAction): readonly CampaignStatus[] => ALLOWED_FROM[action];

/** The status an action leads to; `resume` goes back to sending once the campaign has started. */
export const nextStatus = (
  action: CampaignAction,
  campaign: { startedAt?: string | undefined },
): CampaignStatus => {
  switch (action) {
    case 'submit':
      return 'pending_approval';
    case 'approve':
      return 'scheduled';
    case 'reject':
      return 'rejected';
    case 'pause':
      return 'paused';
    case 'resume':
      return campaign.startedAt ? 'sending' : 'scheduled';
    case 'cancel':
      return 'cancelled';
    case 'start':
      return 'sending';
    case 'complete':
      return 'completed';
  }
};
