/**
 * Four eyes (contract §6), shared by the API and the console: whoever wrote any of a campaign's text (the
 * creator, every editor) or submitted the version under review has touched it and may not approve or
 * reject it. No schema imports, so the console bundles it without zod.
 */
export type ReviewBar = 'created' | 'edited' | 'submitted';

export interface Authorship {
  createdBy: string;
  editedBy: readonly string[];
  submittedBy?: string | undefined;
}

/** Why `userId` may not review this campaign, or undefined if they may. */
export const reviewBar = (campaign: Authorship, userId: string): ReviewBar | undefined => {
  if (campaign.createdBy === userId) return 'created';
  if (campaign.editedBy.includes(userId)) return 'edited';
  if (campaign.submittedBy === userId) return 'submitted';
  return undefined;
};
