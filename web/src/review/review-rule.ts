import type { Role } from '../i18n/roles.js';

/**
 * Four eyes, as the API applies it (reviewBarReason in functions/core/campaign.ts; web/test/review-rule.test.ts
 * checks the two agree): whoever created, edited or submitted a campaign may not approve or reject it. The
 * console only hides what the API would refuse with 403; it is restated here so the console does not bundle
 * the core's zod schemas.
 */
export type ReviewBar = 'created' | 'edited' | 'submitted';

export interface Authorship {
  createdBy: string;
  editedBy: readonly string[];
  submittedBy?: string | undefined;
}

export const reviewBar = (campaign: Authorship, userId: string): ReviewBar | undefined => {
  if (campaign.createdBy === userId) return 'created';
  if (campaign.editedBy.includes(userId)) return 'edited';
  if (campaign.submittedBy === userId) return 'submitted';
  return undefined;
};

/** Roles that may approve or reject at all (contract §2: approver, and admin who may do everything). */
export const REVIEWER_ROLES: readonly Role[] = ['approver', 'admin'];

export type ReviewRight = { may: true } | { may: false; why: ReviewBar | 'role' };

export const reviewRight = (role: Role, campaign: Authorship, userId: string): ReviewRight => {
  if (!REVIEWER_ROLES.includes(role)) return { may: false, why: 'role' };
  const bar = reviewBar(campaign, userId);
  return bar ? { may: false, why: bar } : { may: true };
};
