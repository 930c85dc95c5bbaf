import type { Carrier } from './carriers.js';

/**
 * Vietnamese mobile prefixes (3-digit national form "0xx") since the 2018 move of all mobile numbers to
 * 10 digits (0 + 9 national significant digits), by the carrier allocated each range. Old 11-digit prefixes
 * are noted where a range was renumbered. With number portability a subscriber may since have moved to
 * another carrier. Sources and assumptions: docs/carriers.md.
 */
const ALLOCATIONS: readonly (readonly [Carrier, readonly string[]])[] = [
  // 032…039 were 0162…0169
  ['viettel', ['086', '096', '097', '098', '032', '033', '034', '035', '036', '037', '038', '039']],
  // 081, 082, 083, 084, 085 were 0127, 0129, 0123, 0124, 0125
  ['vinaphone', ['088', '091', '094', '081', '082', '083', '084', '085']],
  // 070, 076, 077, 078, 079 were 0120, 0126, 0122, 0128, 0121
  ['mobifone', ['089', '090', '093', '070', '076', '077', '078', '079']],
  // 056, 058 were 0186, 0188
  ['vietnamobile', ['092', '052', '056', '058']],
  // Gmobile (Gtel): 059 was 0199
  ['gmobile', ['099', '059']],
  // iTel (Indochina Telecom, MVNO on VinaPhone)
  ['itel', ['087']],
  // Reddi (Mobicast, MVNO)
  ['reddi', ['055']],
];

/** The carrier of each prefix in `ALLOCATIONS`. */
export const CARRIER_PREFIXES: Readonly<Record<string, Carrier>> = Object.freeze(
  Object.fromEntries(
    ALLOCATIONS.flatMap(([carrier, prefixes]) => prefixes.map((prefix) => [prefix, carrier] as const)),
  ),
);

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
