import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { normalizeVietnameseMobile, normalizeVietnameseMobileWith } from '#core/phone.js';
import PHONE_METADATA from '#core/phone-metadata.json' with { type: 'json' };
import { MAX_METADATA, restrictPhoneMetadata } from '../../scripts/phone-metadata.js';

const FULL = MAX_METADATA;
const CALLING_CODES = [...Object.keys(FULL.country_calling_codes), ...Object.keys(FULL.nonGeographic)];
/** `PHONE_METADATA_RUNS=200000` for a longer search after upgrading libphonenumber-js. */
const RUNS = Number(process.env.PHONE_METADATA_RUNS ?? 2_000);

const digits = (minLength: number, maxLength: number) =>
  fc.string({ unit: fc.constantFrom(...'0123456789'), minLength, maxLength });
const withSeparators = (phone: fc.Arbitrary<string>) =>
  fc
    .tuple(phone, fc.integer({ min: 0, max: 4 }))
    .map(([text, style]) =>
      style === 0 ? text : text.replace(/(\d{3})(?=\d)/g, `$1${[' ', '-', '.', ') ('][style - 1] ?? ''}`),
    );

/** Vietnamese numbers in each written form, of every length around the real ones (mobile, fixed, short codes). */
const vietnamese = fc
  .tuple(fc.constantFrom('0', '+84', '84', '0084', '', '+840'), digits(0, 13))
  .map(([prefix, rest]) => `${prefix}${rest}`);
/** Vietnamese numbers in our prefixes and the landline area codes, with 7 to 9 more digits. */
const vietnameseRanges = fc
  .tuple(
    fc.constantFrom('0', '+84'),
    fc.constantFrom('3', '5', '7', '8', '9', '2', '1'),
    digits(1, 2),
    digits(6, 9),
  )
  .map((parts) => parts.join(''));
/** Numbers of every other calling code, international (+, 00) or with the national prefix left in. */
const foreign = fc
  .tuple(
    fc.constantFrom('+', '00', '+0'),
    fc.constantFrom(...CALLING_CODES),
    fc.constantFrom('', '0'),
    digits(0, 15),
  )
  .map(([plus, callingCode, trunk, rest]) => `${plus}${callingCode}${trunk}${rest}`);
const anyDigits = fc.tuple(fc.constantFrom('', '+'), digits(1, 20)).map(([plus, rest]) => `${plus}${rest}`);

describe('the phone metadata (functions/core/phone-metadata.json)', () => {
  it('is what scripts/phone-metadata.ts makes of the installed libphonenumber-js (npm run gen:phone-metadata)', () => {
    expect(PHONE_METADATA).toEqual(restrictPhoneMetadata(FULL));
  });

  it('keeps Vietnam’s numbering plan whole', () => {
    expect(PHONE_METADATA.countries.VN).toEqual(FULL.countries.VN);
  });

  it('is a fraction of the full metadata', () => {
    expect(JSON.stringify(PHONE_METADATA).length).toBeLessThan(JSON.stringify(FULL).length / 3);
  });

  // Found by the properties below on cuts that went too far: the country is picked by type patterns (+1 310:
  // Canada's, too short for the US), the national prefix is stripped (Réunion's 0, the UK's (0)).
  it.each([
    '+1 310 0000',
    '+1 310 1234',
    '+1 204 555 0123',
    '+262 0 700 0000',
    '+44 (0) 20 7946 0958',
    '+7 700 123 4567',
  ])('answers %j as the full metadata', (phone) => {
    expect(normalizeVietnameseMobile(phone)).toEqual(normalizeVietnameseMobileWith(FULL, phone));
  });

  it.each([
    ['Vietnamese numbers in every form', vietnamese],
    ['numbers in the mobile ranges and landline area codes', vietnameseRanges],
    ['numbers of every other calling code', foreign],
    ['any digits', anyDigits],
  ])(
    'answers as the full metadata for %s',
    (_what, phones) => {
      fc.assert(
        fc.property(withSeparators(phones), (phone) => {
          expect(normalizeVietnameseMobile(phone)).toEqual(normalizeVietnameseMobileWith(FULL, phone));
        }),
        { numRuns: RUNS, seed: 17 },
      );
    },
    120_000,
  );
});
