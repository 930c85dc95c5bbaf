import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { getCountries, type MetadataJson } from 'libphonenumber-js/core';
import fullMetadata from 'libphonenumber-js/metadata.max.json';
import * as prettier from 'prettier';

export const PHONE_METADATA_FILE = resolve(import.meta.dirname, '../functions/core/phone-metadata.json');

/** libphonenumber-js's full metadata, as the package ships it. */
export const MAX_METADATA: MetadataJson = fullMetadata;

const KEPT_WHOLE = 'VN';
// Positions in a plan of metadata version 4 (libphonenumber-js/source/metadata.js, `NumberingPlan`).
const FORMATS = 4;
const NATIONAL_PREFIX_FORMATTING_RULE = 6;
const NATIONAL_PREFIX_OPTIONAL_WHEN_FORMATTING = 9;
const LEADING_DIGITS = 10;
const TYPES = 11;

type Plan = MetadataJson['nonGeographic'][string];

const withoutFormatting = (plan: Plan, keepTypes: boolean): Plan => {
  const cut = [...plan];
  for (const position of [FORMATS, NATIONAL_PREFIX_FORMATTING_RULE, NATIONAL_PREFIX_OPTIONAL_WHEN_FORMATTING])
    if (position < cut.length) cut[position] = 0;
  if (!keepTypes && TYPES < cut.length) cut[TYPES] = 0;
  // Trailing zeros are what an absent field is: dropped, as the package's own files do.
  while (cut.length > 0 && cut.at(-1) === 0) cut.pop();
  return cut;
};

/**
 * The phone numbering data `functions/core/phone.ts` parses with (`PHONE_METADATA`), cut from
 * libphonenumber-js's `max` metadata (157 KB) to what the normaliser reads. Vietnam's plan is kept whole:
 * `isValid()` and `getType()` tell a mobile from a landline with its type patterns. Every other plan keeps
 * what parsing a foreign number and checking its length read (calling code, IDD prefix, national number
 * pattern, possible lengths, national prefix rules, leading digits), so a foreign number is refused as
 * today (`not_vietnamese`, or `too_short` / `too_long`); their formats (used only to format a number) and
 * their type patterns go, except where several countries share a calling code and the patterns are what
 * picks the country whose lengths apply. test/unit/phone-metadata.test.ts checks the file is this
 * function's output and that the cut data answers as the full data does.
 */
export function restrictPhoneMetadata(full: MetadataJson): MetadataJson {
  const sharedCallingCode = new Set(
    Object.values(full.country_calling_codes).flatMap((countries) => (countries.length > 1 ? countries : [])),
  );
  const countries: MetadataJson['countries'] = {};
  for (const country of getCountries(full)) {
    const plan = full.countries[country];
    if (!plan) continue;
    // `getCountryByNationalNumber` tells countries of one calling code apart by leading digits, else types.
    const picksCountryByType = sharedCallingCode.has(country) && !plan[LEADING_DIGITS];
    countries[country] = country === KEPT_WHOLE ? plan : withoutFormatting(plan, picksCountryByType);
  }
  const nonGeographic: MetadataJson['nonGeographic'] = {};
  for (const [callingCode, plan] of Object.entries(full.nonGeographic))
    nonGeographic[callingCode] = withoutFormatting(plan, false);
  return {
    version: full.version,
    country_calling_codes: full.country_calling_codes,
    countries,
    nonGeographic,
  };
}

/** Writes `restrictPhoneMetadata` of the installed libphonenumber-js to functions/core/phone-metadata.json. */
export async function generatePhoneMetadata(): Promise<void> {
  const options = await prettier.resolveConfig(PHONE_METADATA_FILE);
  writeFileSync(
    PHONE_METADATA_FILE,
    await prettier.format(JSON.stringify(restrictPhoneMetadata(MAX_METADATA)), {
      ...options,
      filepath: PHONE_METADATA_FILE,
    }),
  );
}

if (process.argv[1] === import.meta.filename) await generatePhoneMetadata();
