/**
 * Per-partner pacing (contract §8: never more than `tps` messages per second to one partner, across all
 * consumers). The shared state is one counter per partner per wall-clock second; a consumer may send a
 * batch only if adding it keeps that second's count at or under `tps`.
 */
export const unixSecond = (at: Date): number => Math.floor(at.getTime() / 1000);

/** The largest count a second may already have for `size` more messages to fit. */
export const admissionLimit = (tps: number, size: number): number => tps - size;

/** Milliseconds until the next second starts. */
export const msUntilNextSecond = (now: Date): number => 1000 - (now.getTime() % 1000);
