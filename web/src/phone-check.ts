import type { NormalizedPhone } from '../../functions/core/phone.js';

/**
 * The core's phone normaliser (functions/core/phone.ts, what the API checks numbers with), loaded on first
 * use: its numbering metadata is too large for the first page, and only phone fields need it.
 */
export type Normalise = (input: string) => NormalizedPhone;

let loading: Promise<Normalise> | undefined;
export const loadNormaliser = (): Promise<Normalise> =>
  (loading ??= import('../../functions/core/phone.js').then((module) => module.normalizeVietnameseMobile));
