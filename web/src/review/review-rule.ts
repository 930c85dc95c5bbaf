import type { Role } from '../i18n/roles.js';
import { reviewBar, type Authorship, type ReviewBar } from '../../../functions/core/review.js';

export type { Authorship, ReviewBar };
export { reviewBar };

/** Roles that may approve or reject at all (contract §2: approver, and admin who may do everything). */
export const REVIEWER_ROLES: readonly Role[] = ['approver', 'admin'];

export type ReviewRight = { may: true } | { may: false; why: ReviewBar | 'role' };

export const reviewRight = (role: Role, campaign: Authorship, userId: string): ReviewRight => {
  if (!REVIEWER_ROLES.includes(role)) return { may: false, why: 'role' };
  const bar = reviewBar(campaign, userId);
  return bar ? { may: false, why: bar } : { may: true };
};
