import { ConflictError } from '#core/errors.js';
import type { Progress } from './materialize.js';

/** Sending is over once materialisation has finished and every batch it wrote has settled. */
export const allSettled = (progress: Progress | undefined): boolean =>
  progress !== undefined && progress.materialized && progress.settledBatches >= progress.totalBatches;

/**
 * The one completion rule, applied by the sweep and by dispatch as it settles a batch: completes the
 * campaign once all is settled. A campaign completed meanwhile (by the other), paused or cancelled is left
 * as it is. True if this call completed it.
 */
export const completeIfDone = async (
  complete: (campaignId: string) => Promise<unknown>,
  campaignId: string,
  progress: Progress | undefined,
): Promise<boolean> => {
  if (!allSettled(progress)) return false;
  try {
    await complete(campaignId);
    return true;
  } catch (error) {
    if (error instanceof ConflictError) return false;
    throw error;
  }
};
