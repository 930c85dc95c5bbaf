import type { Carrier } from './carriers.js';

/**
 * Vietnamese mobile prefixes (3-digit national form "0xx") since the 2018 move of all mobile numbers to
 * 10 digits (0 + 9 national significant digits). Old 11-digit prefixes are noted where a range was
 * renumbered. A prefix names the carrier that was allocated the range; with number portability a
 * subscriber may since have moved to another carrier. Sources and assumptions: docs/carriers.md.
 */
export const CARRIER_PREFIXES: Readonly<Record<string, Carrier>> = Object.freeze({
  // Viettel
  '086': 'viettel',
  '096': 'viettel',
  '097': 'viettel',
  '098': 'viettel',
  '032': 'viettel', // was 0162
  '033': 'viettel', // was 0163
  '034': 'viettel', // was 0164
  '035': 'viettel', // was 0165
  '036': 'viettel', // was 0166
  '037': 'viettel', // was 0167
  '038': 'viettel', // was 0168
  '039': 'viettel', // was 0169

  // VinaPhone
  '088': 'vinaphone',
  '091': 'vinaphone',
  '094': 'vinaphone',
  '081': 'vinaphone', // was 0127
  '082': 'vinaphone', // was 0129
  '083': 'vinaphone', // was 0123
  '084': 'vinaphone', // was 0124
  '085': 'vinaphone', // was 0125

  // MobiFone
  '089': 'mobifone',
  '090': 'mobifone',
  '093': 'mobifone',
  '070': 'mobifone', // was 0120
  '076': 'mobifone', // was 0126
  '077': 'mobifone', // was 0122
  '078': 'mobifone', // was 0128
  '079': 'mobifone', // was 0121

  // Vietnamobile
  '092': 'vietnamobile',
  '052': 'vietnamobile',
  '056': 'vietnamobile', // was 0186
  '058': 'vietnamobile', // was 0188

  // Gmobile (Gtel)
  '099': 'gmobile',
  '059': 'gmobile', // was 0199

  // iTel (Indochina Telecom, MVNO on VinaPhone)
  '087': 'itel',

  // Reddi (Mobicast, MVNO)
  '055': 'reddi',
});

const NATIONAL_PREFIX = /^0\d{2}$/;
const VIETNAMESE_NINE_DIGIT_E164 = /^\+84\d{9}$/;

/** Carrier for a 3-digit national prefix such as "098"; `unknown` for anything not in the table. */
export function carrierForPrefix(prefix: string): Carrier {
  if (!NATIONAL_PREFIX.test(prefix)) return 'unknown';
  return CARRIER_PREFIXES[prefix] ?? 'unknown';
}

/** Carrier for a Vietnamese mobile E.164 number such as "+84981234567"; `unknown` for anything else. */
export function carrierOf(e164: string): Carrier {
  if (!VIETNAMESE_NINE_DIGIT_E164.test(e164)) return 'unknown';
  return carrierForPrefix(`0${e164.slice(3, 5)}`);
}
