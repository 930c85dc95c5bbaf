import { isValidPhoneNumber } from 'libphonenumber-js/max';
import { describe, expect, it } from 'vitest';
import { CARRIER_PREFIXES, carrierForPrefix, carrierOf } from '#core/carrier-prefixes.js';
import type { Carrier } from '#core/carriers.js';
import { messageFor } from '#core/messages.js';
import { isVietnameseMobileE164, maskPhone, normalizeVietnameseMobile } from '#core/phone.js';
import { itMaps } from './cases.js';

/** Written out independently of the table so that a wrong or missing entry fails. */
const PUBLISHED_PREFIXES: Record<Exclude<Carrier, 'unknown'>, string[]> = {
  viettel: ['086', '096', '097', '098', '032', '033', '034', '035', '036', '037', '038', '039'],
  vinaphone: ['088', '091', '094', '081', '082', '083', '084', '085'],
  mobifone: ['089', '090', '093', '070', '076', '077', '078', '079'],
  vietnamobile: ['092', '052', '056', '058'],
  gmobile: ['099', '059'],
  itel: ['087'],
  reddi: ['055'],
};
const PREFIX_ROWS = Object.entries(PUBLISHED_PREFIXES).flatMap(([carrier, prefixes]) =>
  prefixes.map((prefix) => ({ prefix, carrier })),
);

/**
 * 4-digit ranges of our prefixes that libphonenumber-js 1.13.16 (max metadata) calls invalid. If this list
 * changes after upgrading libphonenumber-js, update docs/carriers.md.
 */
const RANGES_LIBPHONENUMBER_REJECTS = [
  ...['0520', '0521', '0524', '0525', '0526', '0527', '0529'],
  ...['0550', '0551', '0552', '0553', '0554', '0555', '0556', '0557', '0558'],
  ...['0890', '0891', '0892', '0893', '0894', '0895'],
  '0992',
];

describe('carrier prefix table', () => {
  it('holds exactly the published prefixes', () => {
    expect(Object.keys(CARRIER_PREFIXES).sort()).toEqual(PREFIX_ROWS.map((row) => row.prefix).sort());
  });

  it.each(PREFIX_ROWS)('maps $prefix to $carrier', ({ prefix, carrier }) => {
    expect(carrierForPrefix(prefix)).toBe(carrier);
    expect(carrierOf(`+84${prefix.slice(1)}1234567`)).toBe(carrier);
  });

  it.each(['080', '095', '050', '071', '024', '98', '0981', '', 'constructor', 'toString'])(
    'calls prefix %j unknown',
    (prefix) => {
      expect(carrierForPrefix(prefix)).toBe('unknown');
    },
  );

  it.each(['0981234567', '+8498123456', '+849812345678', '+842431234567', '+12025550123', ''])(
    'calls %j unknown because it is not a 9-digit Vietnamese E.164 number',
    (value) => {
      expect(carrierOf(value)).toBe('unknown');
    },
  );
});

describe('normalizeVietnameseMobile', () => {
  it.each([
    '0981234567',
    '84981234567',
    '+84981234567',
    '+84 98 123 4567',
    '(+84) 98-123-4567',
    '0084981234567',
    '0084 98 123 4567',
    '098.123.4567',
    '098-123-4567',
    '098 123 4567',
    '  0981 234 567  ',
    '+84 (0) 98 123 4567',
  ])('normalises %j to +84981234567 on Viettel', (input) => {
    expect(normalizeVietnameseMobile(input)).toEqual({ ok: true, phone: '+84981234567', carrier: 'viettel' });
  });

  it.each(PREFIX_ROWS)('accepts a 10-digit $prefix number as $carrier', ({ prefix, carrier }) => {
    expect(normalizeVietnameseMobile(`${prefix}9876543`)).toEqual({
      ok: true,
      phone: `+84${prefix.slice(1)}9876543`,
      carrier,
    });
  });

  it('accepts a number libphonenumber-js calls mobile in a prefix missing from our table, carrier unknown', () => {
    expect(isValidPhoneNumber('0511234567', 'VN')).toBe(true);
    expect(normalizeVietnameseMobile('0511234567')).toEqual({
      ok: true,
      phone: '+84511234567',
      carrier: 'unknown',
    });
  });

  it.each([
    ['Hanoi', '024 3123 4567'],
    ['Hanoi in E.164', '+84 24 3123 4567'],
    ['Ho Chi Minh City', '028 3822 1234'],
    ['Da Nang', '0236 3123 456'],
    ['an 02x area code outside the libphonenumber-js ranges', '024 1234 5678'],
  ])('rejects a %s landline', (_place, input) => {
    expect(normalizeVietnameseMobile(input)).toEqual({
      ok: false,
      code: 'landline',
      reason: expect.stringMatching(/landline.*cannot receive SMS/),
    });
  });

  it.each([
    ['USA', '+1 202 555 0123'],
    ['USA dialled with 00', '001 202 555 0123'],
    ['Thailand', '+66 81 234 5678'],
    ['UK', '+44 20 7946 0958'],
  ])('rejects a number from %s as not Vietnamese', (_country, input) => {
    const result = normalizeVietnameseMobile(input);
    expect(result).toMatchObject({ ok: false, code: 'not_vietnamese' });
    expect(result).toHaveProperty('reason', expect.stringContaining('is not Vietnam (+84)'));
  });

  it.each([
    ['toll-free', '1800 1234'],
    ['premium-rate', '1900 1234'],
  ])('rejects a Vietnamese %s number as not mobile', (kind, input) => {
    expect(normalizeVietnameseMobile(input)).toEqual({
      ok: false,
      code: 'not_mobile',
      params: { kind: kind.replace('-', ' ') },
      reason: `This is a Vietnamese ${kind.replace('-', ' ')} number, not a mobile number`,
    });
  });

  it.each([
    ['empty', '', 'invalid_characters'],
    ['blank', '   ', 'invalid_characters'],
    ['letters', 'abc', 'invalid_characters'],
    ['too short', '123', 'too_short'],
    ['too long', '0981 2345 6789 01234', 'too_long'],
    ['one digit short', '098 123 456', 'invalid_mobile'],
    ['one digit long', '098 123 45678', 'invalid_mobile'],
    ['just the country code', '+84', 'too_short'],
    ['with an extension', '0981234567 ext 12', 'invalid_characters'],
    ['inside a sentence', 'call 0981234567', 'invalid_characters'],
    ['with a plus in the middle', '098+1234567', 'invalid_characters'],
    ['in an unallocated 05x range', '050 123 4567', 'invalid_mobile'],
    ['in an unallocated 08x range', '080 123 4567', 'invalid_mobile'],
    ['too short for a foreign number', '+66 812', 'too_short'],
  ] as const)('rejects a number %s as invalid (%s)', (_why, input, code) => {
    const result = normalizeVietnameseMobile(input);
    expect(result).toMatchObject({ ok: false, code });
    expect(result).toHaveProperty('reason', messageFor(code, {}, 'en'));
  });
});

describe('where libphonenumber-js disagrees with the prefix table', () => {
  it('libphonenumber-js rejects exactly these ranges of our prefixes', () => {
    const rejected = Object.keys(CARRIER_PREFIXES)
      .flatMap((prefix) => Array.from({ length: 10 }, (_, digit) => `${prefix}${digit}`))
      .filter((range) => !isValidPhoneNumber(`${range}123456`, 'VN'))
      .sort();
    expect(rejected).toEqual([...RANGES_LIBPHONENUMBER_REJECTS].sort());
  });

  it.each(RANGES_LIBPHONENUMBER_REJECTS)(
    'accepts %s 123456 although libphonenumber-js rejects it',
    (range) => {
      const national = `${range}123456`;
      expect(isValidPhoneNumber(national, 'VN')).toBe(false);
      expect(normalizeVietnameseMobile(national)).toEqual({
        ok: true,
        phone: `+84${national.slice(1)}`,
        carrier: PREFIX_ROWS.find((row) => row.prefix === range.slice(0, 3))?.carrier,
      });
    },
  );

  it('accepts Reddi 055 numbers that libphonenumber-js calls invalid', () => {
    expect(isValidPhoneNumber('+84551234567')).toBe(false);
    expect(normalizeVietnameseMobile('+84 55 123 4567')).toEqual({
      ok: true,
      phone: '+84551234567',
      carrier: 'reddi',
    });
  });
});

describe('isVietnameseMobileE164', () => {
  it.each(['+84981234567', '+84551234567', '+84521234567'])('accepts %j', (value) => {
    expect(isVietnameseMobileE164(value)).toBe(true);
  });

  it.each([
    '0981234567',
    '84981234567',
    '+84 98 123 4567',
    '+8498123456',
    '+849812345678',
    '+842431234567',
    '+84501234567',
    '+12025550123',
    '',
  ])('rejects %j', (value) => {
    expect(isVietnameseMobileE164(value)).toBe(false);
  });
});

describe('maskPhone', () => {
  itMaps('masks %s as %s', maskPhone, [
    ['+84981234321', '+8498****321'],
    ['+84551234567', '+8455****567'],
    ['+84321234000', '+8432****000'],
  ]);

  it('hides every character of a value too short to show both ends', () => {
    expect(maskPhone('+849812')).toBe('*******');
  });
});

describe('phones as Excel writes them', () => {
  it.each([
    ['981234567', '+84981234567', 'viettel'],
    ['321234567', '+84321234567', 'viettel'],
    ['561234567', '+84561234567', 'vietnamobile'],
    ['701234567', '+84701234567', 'mobifone'],
    ['841234567', '+84841234567', 'vinaphone'],
    ['98 123 4567', '+84981234567', 'viettel'],
  ])('reads nine digits %j, a mobile that lost its leading 0, as 0%s', (input, phone, carrier) => {
    expect(normalizeVietnameseMobile(input)).toEqual({ ok: true, phone, carrier });
  });

  it.each([
    ['a landline area code', '241234567', 'landline'],
    ['no mobile range', '123456789', 'invalid_mobile'],
    ['a leading 0 and one digit short', '098123456', 'invalid_mobile'],
  ] as const)('refuses nine digits starting with %s', (_why, input, code) => {
    expect(normalizeVietnameseMobile(input)).toMatchObject({ ok: false, code });
  });

  it.each(['9.81234567E+08', '9,81E+08', '9.81e8', '9,81234567E+08', ' 9.8E+08 ', '8.4981234567E+10'])(
    'refuses %j in scientific notation and says to format the column as Text',
    (input) => {
      expect(normalizeVietnameseMobile(input)).toMatchObject({ ok: false, code: 'scientific_notation' });
      expect(messageFor('scientific_notation', {}, 'en')).toMatch(/format the phone column as Text/);
      expect(messageFor('scientific_notation', {}, 'vi')).toMatch(/định dạng cột số điện thoại là Văn bản/);
    },
  );
});
