import type { Carrier } from '../../../functions/core/carriers.js';

/** The carriers' brand names, written the same in every language; only `unknown` is translated. */
export const CARRIER_BRANDS: Record<Exclude<Carrier, 'unknown'>, string> = {
  viettel: 'Viettel',
  vinaphone: 'VinaPhone',
  mobifone: 'MobiFone',
  vietnamobile: 'Vietnamobile',
  gmobile: 'Gmobile',
  itel: 'iTel',
  reddi: 'Reddi',
};
