import { parsePhoneNumberFromString } from 'libphonenumber-js/max';
import { carrierOf } from './carrier-prefixes.js';
import type { Carrier } from './carriers.js';

export type PhoneRejectionCode = 'invalid' | 'not_vietnamese' | 'landline' | 'not_mobile';

export type NormalizedPhone =
  { ok: true; phone: string; carrier: Carrier } | { ok: false; reason: string; code: PhoneRejectionCode };

const SEPARATORS = /[\s.()-]/g;
const DIGITS_WITH_OPTIONAL_PLUS = /^\+?\d+$/;
/** +84, then 9 national significant digits; mobile ranges start with 3, 5, 7, 8 or 9. */
const VIETNAMESE_MOBILE_E164 = /^\+84[35789]\d{8}$/;

/**
 * Normalises a Vietnamese mobile number written as `0981234567`, `84981234567`, `+84 98 123 4567`,
 * `(+84) 98-123-4567` or `0084981234567` to E.164 (`+84981234567`) and names its carrier.
 * libphonenumber-js parses and classifies the number, but our prefix table wins: a number in a prefix we
 * know is accepted even where libphonenumber-js's metadata says it is invalid (see docs/carriers.md).
 */
export function normalizeVietnameseMobile(input: string): NormalizedPhone {
  const compact = input.replace(SEPARATORS, '');
  if (!DIGITS_WITH_OPTIONAL_PLUS.test(compact)) {
    return reject(
      'invalid',
      'A phone number may contain only digits, a leading +, spaces, dots, dashes and brackets',
    );
  }
  const parsed = parsePhoneNumberFromString(compact, { defaultCountry: 'VN', extract: false });
  if (!parsed?.isPossible()) {
    return reject('invalid', 'Not a phone number: it has too few or too many digits');
  }
  if (parsed.countryCallingCode !== '84') {
    return reject('not_vietnamese', `Country code +${parsed.countryCallingCode} is not Vietnam (+84)`);
  }

  const phone = parsed.number;
  const carrier = carrierOf(phone);
  const type = parsed.isValid() ? parsed.getType() : undefined;
  if (VIETNAMESE_MOBILE_E164.test(phone) && (carrier !== 'unknown' || type === 'MOBILE')) {
    return { ok: true, phone, carrier };
  }
  const hasLandlineAreaCode = parsed.nationalNumber.startsWith('2');
  if (type === 'FIXED_LINE' || hasLandlineAreaCode) {
    return reject('landline', 'This is a Vietnamese landline (02x area code), which cannot receive SMS');
  }
  if (type === undefined || type === 'MOBILE') {
    return reject(
      'invalid',
      'Not a valid Vietnamese mobile number (0 followed by 9 digits, e.g. 098 123 4567)',
    );
  }
  const kind = type.toLowerCase().replaceAll('_', ' ');
  return reject('not_mobile', `This is a Vietnamese ${kind} number, not a mobile number`);
}

/** True when `s` is already a normalised Vietnamese mobile number in E.164 form. */
export function isVietnameseMobileE164(s: string): boolean {
  const result = normalizeVietnameseMobile(s);
  return result.ok && result.phone === s;
}

const SHOWN_AT_START = '+84'.length + 2;
const SHOWN_AT_END = 3;

/** `+84981234321` → `+8498****321`: country code and two digits, then the last three. */
export function maskPhone(e164: string): string {
  const hidden = e164.length - SHOWN_AT_START - SHOWN_AT_END;
  if (hidden <= 0) return '*'.repeat(e164.length);
  return `${e164.slice(0, SHOWN_AT_START)}${'*'.repeat(hidden)}${e164.slice(-SHOWN_AT_END)}`;
}

function reject(code: PhoneRejectionCode, reason: string): NormalizedPhone {
  return { ok: false, code, reason };
}
