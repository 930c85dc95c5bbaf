/** Contract §3: the carriers a recipient can belong to. `unknown` when the prefix is not in our table. */
export const CARRIERS = [
  'viettel',
  'vinaphone',
  'mobifone',
  'vietnamobile',
  'gmobile',
  'itel',
  'reddi',
  'unknown',
] as const;
export type Carrier = (typeof CARRIERS)[number];

export const isCarrier = (value: string): value is Carrier => (CARRIERS as readonly string[]).includes(value);
