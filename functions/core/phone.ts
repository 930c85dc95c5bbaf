import {
  parsePhoneNumberFromString,
  validatePhoneNumberLength,
  type MetadataJson,
} from 'libphonenumber-js/core';
import { carrierOf } from './carrier-prefixes.js';
import type { Carrier } from './carriers.js';
import { messageFor, type MessageParams } from './messages.js';
import PHONE_METADATA from './phone-metadata.json' with { type: 'json' };

/** Why a phone is refused: a code of the message catalogue (messages.ts). */
export type PhoneRejectionCode =
  | 'invalid_characters'
  | 'scientific_notation'
  | 'too_short'
  | 'too_long'
  | 'not_vietnamese'
  | 'landline'
  | 'not_mobile'
  | 'invalid_mobile';

export type NormalizedPhone =
  | { ok: true; phone: string; carrier: Carrier }
  | { ok: false; code: PhoneRejectionCode; params?: MessageParams; reason: string };

const SEPARATORS = /[\s.()-]/g;
const DIGITS_WITH_OPTIONAL_PLUS = /^\+?\d+$/;
/**
 * How Excel writes a long number in a General-formatted column once saved as CSV or copied out:
 * `9.81234567E+08`, `9,81E+08` (a comma where the decimal separator is one). The digits it drops cannot
 * be recovered, so such a phone is refused with how to fix the column rather than guessed.
 */
/** A national number that lost its leading 0 (see normalizeVietnameseMobile). */
const WITHOUT_LEADING_ZERO = /^[35789]\d{8}$/;
const SCIENTIFIC_NOTATION = /^\d+(?:[.,]\d*)?e[+-]?\d+$/i;
/** +84, then 9 national significant digits; mobile ranges start with 3, 5, 7, 8 or 9. */
const VIETNAMESE_MOBILE_E164 = /^\+84[35789]\d{8}$/;

/**
 * Normalises a Vietnamese mobile number written as `0981234567`, `84981234567`, `+84 98 123 4567`,
 * `(+84) 98-123-4567` or `0084981234567` to E.164 (`+84981234567`) and names its carrier.
 * Nine digits without the leading 0 (`981234567`: Excel drops the 0 of a phone typed in a number column)
 * are read as the national number, i.e. as `0981234567`: unambiguous, since a nine-digit string can be
 * no other form of a Vietnamese mobile (with `84` in front it would be too short), and accepted only when
 * it starts with a mobile range's first digit (3, 5, 7, 8 or 9) and the prefix checks below pass.
 * libphonenumber-js parses and classifies the number, but our prefix table wins: a number in a prefix we
 * know is accepted even where libphonenumber-js's metadata says it is invalid (see docs/carriers.md).
 * The numbering data is libphonenumber-js's `max` metadata cut to what this reads (phone-metadata.json).
 */
export const normalizeVietnameseMobile = (input: string): NormalizedPhone =>
  normalizeVietnameseMobileWith(PHONE_METADATA, input);

/** The normaliser over any libphonenumber-js metadata: the tests hold the cut data to the full data. */
export function normalizeVietnameseMobileWith(metadata: MetadataJson, input: string): NormalizedPhone {
  const compact = input.replace(SEPARATORS, '');
  if (SCIENTIFIC_NOTATION.test(input.trim())) return reject('scientific_notation');
  if (!DIGITS_WITH_OPTIONAL_PLUS.test(compact)) {
    return reject('invalid_characters');
  }
  const digits = WITHOUT_LEADING_ZERO.test(compact) ? `0${compact}` : compact;
  const parsed = parsePhoneNumberFromString(digits, { defaultCountry: 'VN', extract: false }, metadata);
  if (!parsed?.isPossible()) {
    return reject(
      validatePhoneNumberLength(compact, 'VN', metadata) === 'TOO_LONG' ? 'too_long' : 'too_short',
    );
  }
  if (parsed.countryCallingCode !== '84') {
    return reject('not_vietnamese', { countryCode: parsed.countryCallingCode });
  }

  const phone = parsed.number;
  const carrier = carrierOf(phone);
  const type = parsed.isValid() ? parsed.getType() : undefined;
  if (VIETNAMESE_MOBILE_E164.test(phone) && (carrier !== 'unknown' || type === 'MOBILE')) {
    return { ok: true, phone, carrier };
  }
  const hasLandlineAreaCode = parsed.nationalNumber.startsWith('2');
  if (type === 'FIXED_LINE' || hasLandlineAreaCode) {
    return reject('landline');
  }
  if (type === undefined || type === 'MOBILE') return reject('invalid_mobile');
  return reject('not_mobile', { kind: type.toLowerCase().replaceAll('_', ' ') });
}

/** True when `s` is already a normalised Vietnamese mobile number in E.164 form. */
export function isVietnameseMobileE164(s: string): boolean {
  const result = normalizeVietnameseMobile(s);
  return result.ok && result.phone === s;
}

// In a module of its own: masking needs no phone metadata (150 KB that every handler would otherwise load).
export { maskPhone } from './phone-mask.js';

function reject(code: PhoneRejectionCode, params?: MessageParams): NormalizedPhone {
  return { ok: false, code, ...(params ? { params } : {}), reason: messageFor(code, params, 'en') };
}
