import { describe, expect, it } from 'vitest';
import { ConflictError } from '#core/errors.js';
import { allSettled, completeIfDone } from '#core/dispatch/completion.js';
import type { Progress } from '#core/dispatch/materialize.js';

const progress = (over: Partial<Progress>): Progress => ({
  materialized: true,
  totalBatches: 3,
  settledBatches: 3,
  suppressed: 0,
  capped: 0,
  unroutable: 0,
  ...over,
});

/** A completion port that records the campaigns it was asked to complete. */
const recorder = (fail?: Error) => {
  const completed: string[] = [];
  const complete = async (campaignId: string) => {
    if (fail) throw fail;
    completed.push(campaignId);
  };
  return { completed, complete };
};

describe('the completion rule (sweep and dispatch alike)', () => {
  it('holds once materialisation has finished and every batch has settled', () => {
    expect(allSettled(progress({}))).toBe(true);
    expect(allSettled(progress({ settledBatches: 2 }))).toBe(false);
    expect(allSettled(progress({ materialized: false }))).toBe(false);
    expect(allSettled(undefined)).toBe(false);
    // A campaign with nothing to send is done as soon as it is materialised.
    expect(allSettled(progress({ totalBatches: 0, settledBatches: 0 }))).toBe(true);
  });

  it('completes a campaign that is done, and only such a one', async () => {
    const port = recorder();
    expect(await completeIfDone(port.complete, 'c-done', progress({}))).toBe(true);
    expect(await completeIfDone(port.complete, 'c-busy', progress({ settledBatches: 1 }))).toBe(false);
    expect(await completeIfDone(port.complete, 'c-new', undefined)).toBe(false);
    expect(port.completed).toEqual(['c-done']);
  });

  it('leaves a campaign completed, paused or cancelled meanwhile as it is', async () => {
    const port = recorder(new ConflictError('Campaign is completed'));
    expect(await completeIfDone(port.complete, 'c-done', progress({}))).toBe(false);
  });

  it('passes any other failure on, for the caller to log or retry', async () => {
    const port = recorder(new Error('table unavailable'));
    await expect(completeIfDone(port.complete, 'c-done', progress({}))).rejects.toThrow('table unavailable');
  });
});
