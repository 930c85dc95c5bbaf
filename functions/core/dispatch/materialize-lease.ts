/**
 * The materialisation lease (on the campaign's progress item): at most one run writes a campaign's batches
 * at a time. A run takes the lease before it reads anything, renews it as it goes, and gives it up when it
 * records the end; a run that crashed leaves a lease that expires, after which the sweep takes over and
 * resumes from the batches already written (the checkpoint). Pure rules; the store's conditional writes
 * apply the same conditions.
 */

/** Who holds the lease and until when (ISO time, from the holder's injected clock). */
export interface MaterializeLease {
  owner: string;
  until: string;
}

/** Long enough for a run to renew it many times over (it renews every half); short for a crash to heal. */
export const MATERIALIZE_LEASE_MS = 60_000;

export const leaseFor = (owner: string, now: Date, durationMs: number): MaterializeLease => ({
  owner,
  until: new Date(now.getTime() + durationMs).toISOString(),
});

/** Held by someone at `now`. */
export const leaseLive = (lease: MaterializeLease | undefined, now: Date): lease is MaterializeLease =>
  lease !== undefined && Date.parse(lease.until) > now.getTime();

/** `owner` may take the lease: nobody holds it live, or `owner` already does. */
export const mayTakeLease = (held: MaterializeLease | undefined, owner: string, now: Date): boolean =>
  !leaseLive(held, now) || held.owner === owner;

/** Time to renew: half the lease or less is left (so a renewal is one write per half lease, not per page). */
export const renewalDue = (lease: MaterializeLease, now: Date, durationMs: number): boolean =>
  Date.parse(lease.until) - now.getTime() <= durationMs / 2;

/**
 * Whether the sweep materialises a sending campaign: only what a crash cut short (its lease has expired)
 * or what never began (no lease a whole lease after the start: the `campaign.started` event was lost). A
 * live lease means a run is at work; the event's own run gets a lease's time to begin.
 */
export const sweepMaterializes = (
  state: { materialized: boolean; lease?: MaterializeLease } | undefined,
  startedAt: string | undefined,
  now: Date,
  durationMs: number,
): boolean => {
  if (state?.materialized) return false;
  if (state?.lease) return !leaseLive(state.lease, now);
  return startedAt === undefined || Date.parse(startedAt) + durationMs <= now.getTime();
};

/** This run no longer holds the lease: another took it over, so this one stops and leaves it the work. */
export class MaterializationSupersededError extends Error {
  readonly code = 'materialization_superseded';
  constructor(readonly campaignId: string) {
    super(`Another run took over the materialisation of campaign ${campaignId}`);
    this.name = 'MaterializationSupersededError';
  }
}
