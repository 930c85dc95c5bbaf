import { describe, expect, it } from 'vitest';
import {
  PROVINCES,
  canonicalProvinceName,
  foldPlaceName,
  matchProvince,
  mergeByProvince,
  provinceByCode,
  provinceKey,
} from '#core/provinces.js';

/** Strips accents the way a spreadsheet typed on an English keyboard does. */
const unaccented = (name: string) =>
  name.normalize('NFD').replace(/\p{M}/gu, '').replace(/đ/g, 'd').replace(/Đ/g, 'D');

const current = PROVINCES.map((p) => ({ spelling: p.name, unit: p.name }));
const former = PROVINCES.flatMap((p) => p.formerNames.map((name) => ({ spelling: name, unit: p.name })));

/**
 * Written by hand from Resolution 202/2025/QH15, not derived from the registry: former province → the unit
 * it is part of since 1 July 2025.
 */
const RESOLUTION_202: [string, string][] = [
  ['Hà Giang', 'Tuyên Quang'],
  ['Tuyên Quang', 'Tuyên Quang'],
  ['Yên Bái', 'Lào Cai'],
  ['Lào Cai', 'Lào Cai'],
  ['Bắc Kạn', 'Thái Nguyên'],
  ['Thái Nguyên', 'Thái Nguyên'],
  ['Vĩnh Phúc', 'Phú Thọ'],
  ['Hòa Bình', 'Phú Thọ'],
  ['Phú Thọ', 'Phú Thọ'],
  ['Bắc Giang', 'Bắc Ninh'],
  ['Bắc Ninh', 'Bắc Ninh'],
  ['Thái Bình', 'Hưng Yên'],
  ['Hưng Yên', 'Hưng Yên'],
  ['Hải Dương', 'Hải Phòng'],
  ['Hải Phòng', 'Hải Phòng'],
  ['Hà Nam', 'Ninh Bình'],
  ['Nam Định', 'Ninh Bình'],
  ['Ninh Bình', 'Ninh Bình'],
  ['Quảng Bình', 'Quảng Trị'],
  ['Quảng Trị', 'Quảng Trị'],
  ['Quảng Nam', 'Đà Nẵng'],
  ['Đà Nẵng', 'Đà Nẵng'],
  ['Kon Tum', 'Quảng Ngãi'],
  ['Quảng Ngãi', 'Quảng Ngãi'],
  ['Bình Định', 'Gia Lai'],
  ['Gia Lai', 'Gia Lai'],
  ['Ninh Thuận', 'Khánh Hòa'],
  ['Khánh Hòa', 'Khánh Hòa'],
  ['Đắk Nông', 'Lâm Đồng'],
  ['Bình Thuận', 'Lâm Đồng'],
  ['Lâm Đồng', 'Lâm Đồng'],
  ['Phú Yên', 'Đắk Lắk'],
  ['Đắk Lắk', 'Đắk Lắk'],
  ['Bình Dương', 'Thành phố Hồ Chí Minh'],
  ['Bà Rịa - Vũng Tàu', 'Thành phố Hồ Chí Minh'],
  ['Thành phố Hồ Chí Minh', 'Thành phố Hồ Chí Minh'],
  ['Bình Phước', 'Đồng Nai'],
  ['Đồng Nai', 'Đồng Nai'],
  ['Long An', 'Tây Ninh'],
  ['Tây Ninh', 'Tây Ninh'],
  ['Sóc Trăng', 'Cần Thơ'],
  ['Hậu Giang', 'Cần Thơ'],
  ['Cần Thơ', 'Cần Thơ'],
  ['Bến Tre', 'Vĩnh Long'],
  ['Trà Vinh', 'Vĩnh Long'],
  ['Vĩnh Long', 'Vĩnh Long'],
  ['Tiền Giang', 'Đồng Tháp'],
  ['Đồng Tháp', 'Đồng Tháp'],
  ['Bạc Liêu', 'Cà Mau'],
  ['Cà Mau', 'Cà Mau'],
  ['Kiên Giang', 'An Giang'],
  ['An Giang', 'An Giang'],
  ['Thừa Thiên Huế', 'Huế'],
  ['Hà Nội', 'Hà Nội'],
  ['Lai Châu', 'Lai Châu'],
  ['Điện Biên', 'Điện Biên'],
  ['Sơn La', 'Sơn La'],
  ['Lạng Sơn', 'Lạng Sơn'],
  ['Quảng Ninh', 'Quảng Ninh'],
  ['Thanh Hóa', 'Thanh Hóa'],
  ['Nghệ An', 'Nghệ An'],
  ['Hà Tĩnh', 'Hà Tĩnh'],
  ['Cao Bằng', 'Cao Bằng'],
];

/** Decision 19/2025/QĐ-TTg, by hand. */
const CODES: Record<string, string> = {
  '01': 'Hà Nội',
  '04': 'Cao Bằng',
  '08': 'Tuyên Quang',
  '11': 'Điện Biên',
  '12': 'Lai Châu',
  '14': 'Sơn La',
  '15': 'Lào Cai',
  '19': 'Thái Nguyên',
  '20': 'Lạng Sơn',
  '22': 'Quảng Ninh',
  '24': 'Bắc Ninh',
  '25': 'Phú Thọ',
  '31': 'Hải Phòng',
  '33': 'Hưng Yên',
  '37': 'Ninh Bình',
  '38': 'Thanh Hóa',
  '40': 'Nghệ An',
  '42': 'Hà Tĩnh',
  '44': 'Quảng Trị',
  '46': 'Huế',
  '48': 'Đà Nẵng',
  '51': 'Quảng Ngãi',
  '52': 'Gia Lai',
  '56': 'Khánh Hòa',
  '66': 'Đắk Lắk',
  '68': 'Lâm Đồng',
  '75': 'Đồng Nai',
  '79': 'Thành phố Hồ Chí Minh',
  '80': 'Tây Ninh',
  '82': 'Đồng Tháp',
  '86': 'Vĩnh Long',
  '91': 'An Giang',
  '92': 'Cần Thơ',
  '96': 'Cà Mau',
};

describe('the province registry', () => {
  it('has the 34 units of Resolution 202/2025/QH15: 28 provinces and 6 centrally run cities', () => {
    expect(PROVINCES).toHaveLength(34);
    expect(PROVINCES.filter((p) => p.kind === 'province')).toHaveLength(28);
    expect(
      PROVINCES.filter((p) => p.kind === 'city')
        .map((p) => p.name)
        .sort(),
    ).toEqual(['Cần Thơ', 'Đà Nẵng', 'Hà Nội', 'Hải Phòng', 'Huế', 'Thành phố Hồ Chí Minh'].sort());
  });

  it('has the codes of Decision 19/2025/QĐ-TTg, each once', () => {
    expect(Object.fromEntries(PROVINCES.map((p) => [p.code, p.name]))).toEqual(CODES);
    expect(new Set(PROVINCES.map((p) => p.code)).size).toBe(34);
    expect(new Set(PROVINCES.map((p) => p.name)).size).toBe(34);
    for (const [code, name] of Object.entries(CODES)) expect(provinceByCode(code)?.name).toBe(name);
    expect(provinceByCode('10')).toBeUndefined();
  });

  it('lists the 63 former provinces, each in exactly one unit', () => {
    const names = PROVINCES.flatMap((p) => p.formerNames);
    expect(names).toHaveLength(63);
    expect(new Set(names.map(foldPlaceName)).size).toBe(63);
    expect(RESOLUTION_202).toHaveLength(63);
  });

  it.each(RESOLUTION_202)('maps the former province %s to %s', (name, unit) => {
    expect(matchProvince(name)?.unit.name).toBe(unit);
    expect(matchProvince(name)?.viaFormerName).toBe(name !== unit);
  });
});

describe('matchProvince', () => {
  const spellings = (name: string) => [
    name,
    unaccented(name),
    name.toUpperCase(),
    unaccented(name).toLowerCase(),
    `  ${name.replace(/ /g, '   ')}  `,
    `tỉnh ${name}`,
    `Tỉnh ${unaccented(name)}`,
    `TỈNH ${name.toUpperCase()}`,
    `Thành phố ${name}`,
    `thanh pho ${unaccented(name)}`,
    `TP. ${name}`,
    `TP ${name}`,
    `tp.${unaccented(name)}`,
    name.normalize('NFD'),
  ];

  it.each(current)('finds the current unit $spelling however it is spelled', ({ spelling, unit }) => {
    for (const written of spellings(spelling)) {
      expect(matchProvince(written), written).toEqual({
        unit: expect.objectContaining({ name: unit }),
        viaFormerName: false,
      });
    }
  });

  it.each(former.filter(({ spelling, unit }) => spelling !== unit))(
    'finds the unit of the former province $spelling however it is spelled',
    ({ spelling, unit }) => {
      for (const written of spellings(spelling)) {
        expect(matchProvince(written), written).toEqual({
          unit: expect.objectContaining({ name: unit }),
          viaFormerName: true,
        });
      }
    },
  );

  it.each([
    ['bac kan', 'Thái Nguyên', true],
    ['BẮC KẠN', 'Thái Nguyên', true],
    ['Tỉnh Bắc Kạn', 'Thái Nguyên', true],
    ['Bắc-Kạn', 'Thái Nguyên', true],
    ['Bắc Cạn', 'Thái Nguyên', true],
    ['tỉnh Hà Giang', 'Tuyên Quang', true],
    ['TP. Hồ Chí Minh', 'Thành phố Hồ Chí Minh', false],
    ['TP.HCM', 'Thành phố Hồ Chí Minh', false],
    ['TP HCM', 'Thành phố Hồ Chí Minh', false],
    ['TPHCM', 'Thành phố Hồ Chí Minh', false],
    ['HCM', 'Thành phố Hồ Chí Minh', false],
    ['Hồ Chí Minh', 'Thành phố Hồ Chí Minh', false],
    ['Ho Chi Minh City', 'Thành phố Hồ Chí Minh', false],
    ['Sài Gòn', 'Thành phố Hồ Chí Minh', false],
    ['Sai Gon', 'Thành phố Hồ Chí Minh', false],
    ['Bà Rịa – Vũng Tàu', 'Thành phố Hồ Chí Minh', true],
    ['Bà Rịa Vũng Tàu', 'Thành phố Hồ Chí Minh', true],
    ['BR-VT', 'Thành phố Hồ Chí Minh', true],
    ['brvt', 'Thành phố Hồ Chí Minh', true],
    ['Thừa Thiên - Huế', 'Huế', true],
    ['Thừa Thiên–Huế', 'Huế', true],
    ['TT Huế', 'Huế', true],
    ['Thành phố Huế', 'Huế', false],
    ['TP Huế', 'Huế', false],
    ['Đắc Lắc', 'Đắk Lắk', false],
    ['Daklak', 'Đắk Lắk', false],
    ['Đăk Lăk', 'Đắk Lắk', false],
    ['Dak Nong', 'Lâm Đồng', true],
    ['Kontum', 'Quảng Ngãi', true],
    ['Thanh Hoá', 'Thanh Hóa', false],
    ['Hoà Bình', 'Phú Thọ', true],
    ['Khánh Hoà', 'Khánh Hòa', false],
    ['Hà Nội', 'Hà Nội', false],
    ['HÀ NỘI', 'Hà Nội', false],
    ['Thủ đô Hà Nội', undefined, false],
  ])('"%s" → %s (via a former name: %s)', (written, unit, viaFormerName) => {
    const match = matchProvince(written);
    expect(match?.unit.name).toBe(unit);
    if (unit) expect(match?.viaFormerName).toBe(viaFormerName);
  });

  it('never takes a word that begins a name for a prefix', () => {
    // "Thành phố" is part of the name of Hồ Chí Minh City, and "Thái", "Thanh", "Tây", "Tiền" are not prefixes.
    expect(matchProvince('Thành phố Hồ Chí Minh')?.unit.code).toBe('79');
    expect(matchProvince('thanh pho ho chi minh')?.unit.code).toBe('79');
    expect(matchProvince('Thái Nguyên')?.unit.code).toBe('19');
    expect(matchProvince('Thái Bình')?.unit.code).toBe('33');
    expect(matchProvince('Thanh Hóa')?.unit.code).toBe('38');
    expect(matchProvince('Tây Ninh')?.unit.code).toBe('80');
    expect(matchProvince('Tiền Giang')?.unit.code).toBe('82');
    expect(matchProvince('Tuyên Quang')?.unit.code).toBe('08');
    expect(matchProvince('Trà Vinh')?.unit.code).toBe('86');
    // A prefix must be a whole word: "Tỉnhbắc Kạn" and "TPHà Nội" are not a prefix and a name.
    expect(matchProvince('Tinhbac Kan')).toBeUndefined();
    expect(matchProvince('Thanhpho Hue')).toBeUndefined();
    // Only one prefix, and only before the name.
    expect(matchProvince('Bắc Kạn tỉnh')).toBeUndefined();
    expect(matchProvince('tỉnh')).toBeUndefined();
    expect(matchProvince('Thành phố')).toBeUndefined();
    expect(matchProvince('TP')).toBeUndefined();
  });

  it('answers undefined for what is no unit, a district name or a code', () => {
    for (const written of ['', '   ', 'Atlantis', 'Bắc', 'Hà', 'Ninh', 'Quảng', 'Mường Tè', '19', 'Sài'])
      expect(matchProvince(written), written).toBeUndefined();
  });

  it('takes no spelling for two units (no folded name collides)', () => {
    // The registry throws at load time on a collision; this checks that the folding keeps names apart.
    const owners = new Map<string, Set<string>>();
    for (const p of PROVINCES) {
      for (const name of [p.name, ...p.formerNames]) {
        const key = foldPlaceName(name);
        owners.set(key, (owners.get(key) ?? new Set()).add(p.code));
      }
    }
    expect([...owners.values()].every((codes) => codes.size === 1)).toBe(true);
  });
});

describe('canonical names and merged counters', () => {
  it('gives the current name for any spelling and leaves unknown text alone', () => {
    expect(canonicalProvinceName('bac kan')).toBe('Thái Nguyên');
    expect(canonicalProvinceName('Mường Tè')).toBe('Mường Tè');
  });

  it('compares places by unit: a former name and its successor are one place', () => {
    expect(provinceKey('Bắc Kạn')).toBe(provinceKey('Thái Nguyên'));
    expect(provinceKey('Bắc Kạn')).not.toBe(provinceKey('Cao Bằng'));
    expect(provinceKey('Mường Tè')).toBe(provinceKey('muong te'));
  });

  it('merges counters by unit, idempotently', () => {
    const counts: [string, number][] = [
      ['Bắc Kạn', 2],
      ['Bac Kan', 1],
      ['tỉnh Hà Giang', 4],
      ['Thái Nguyên', 3],
      ['Mường Tè', 5],
    ];
    const merged = mergeByProvince(counts, (a, b) => a + b);
    expect(Object.fromEntries(merged)).toEqual({ 'Thái Nguyên': 6, 'Tuyên Quang': 4, 'Mường Tè': 5 });
    expect(mergeByProvince(merged, (a, b) => a + b)).toEqual(merged);
  });
});
