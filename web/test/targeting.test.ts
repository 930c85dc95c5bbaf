import { describe, expect, it } from 'vitest';
import { PROVINCES } from '../../functions/core/provinces.js';
import { columnOf } from '../../functions/core/audience.js';
import { en } from '../src/i18n/en.js';
import { vi } from '../src/i18n/vi.js';
import { baseName, fileSizeText, importFileType, XLSX_TYPE } from '../src/import-file.js';
import {
  addChips,
  describeFilters,
  emptyTargeting,
  filtersOf,
  formerNamesOf,
  membersByProvince,
  searchProvinces,
  targetingOf,
} from '../src/targeting.js';

const names = (query: string) => searchProvinces(query).map((unit) => unit.name);

describe('the province search of the campaign editor', () => {
  it('lists the 34 current units when nothing is typed', () => {
    expect(searchProvinces('  ')).toHaveLength(34);
  });

  it('finds a unit by any spelling the import accepts, former names included', () => {
    expect(names('bac kan')).toEqual(['Thái Nguyên']);
    expect(names('Tỉnh Hà Giang')).toEqual(['Tuyên Quang']);
    expect(names('TP HCM')).toEqual(['Thành phố Hồ Chí Minh']);
    expect(names('BẮC KẠN')).toEqual(['Thái Nguyên']);
    expect(names('vung tau')).toEqual(['Thành phố Hồ Chí Minh']);
  });

  it('finds every unit a part of a name is in, current or former', () => {
    // Thái Nguyên by its name, Hưng Yên by the former Thái Bình.
    expect(names('thai')).toEqual(['Thái Nguyên', 'Hưng Yên']);
    expect(names('xyz')).toEqual([]);
  });

  it('names the former provinces of a unit, not the unit itself', () => {
    const formerOf = (name: string) => PROVINCES.filter((unit) => unit.name === name).flatMap(formerNamesOf);
    expect(formerOf('Thái Nguyên')).toEqual(['Bắc Kạn']);
    expect(formerOf('Huế')).toEqual(['Thừa Thiên Huế']);
    expect(formerOf('Hà Nội')).toEqual([]);
  });
});

describe('the targeting and the API filters', () => {
  it('sends only what is set, and communes only within provinces', () => {
    expect(filtersOf(emptyTargeting())).toEqual({});
    expect(filtersOf({ ...emptyTargeting(), communes: ['Xã A'] })).toEqual({});
    expect(
      filtersOf({
        provinces: ['Thái Nguyên'],
        communes: ['Xã A'],
        tags: { any: ['vung-bien'], all: [], none: ['hoc-sinh'] },
      }),
    ).toEqual({
      provinces: ['Thái Nguyên'],
      communes: ['Xã A'],
      tags: { any: ['vung-bien'], none: ['hoc-sinh'] },
    });
  });

  it('reads a saved filter in today’s names, each province once', () => {
    expect(targetingOf({ provinces: ['Bắc Kạn', 'Thái Nguyên', 'Hà Giang', 'Atlantis'] }).provinces).toEqual([
      'Thái Nguyên',
      'Tuyên Quang',
      'Atlantis',
    ]);
    expect(targetingOf(undefined)).toEqual(emptyTargeting());
  });

  it('adds typed chips split at commas, trimmed, NFC, each once', () => {
    const decomposed = 'Xã Bằng Thành'.normalize('NFD');
    expect(addChips(['vung-bien'], ' Vung-Bien, dan-toc-thieu-so;; ')).toEqual([
      'vung-bien',
      'dan-toc-thieu-so',
    ]);
    expect(addChips([], decomposed)).toEqual(['Xã Bằng Thành']);
  });

  it('counts the chosen audiences’ members by current unit', () => {
    const audiences: { id: string; byProvince: Record<string, number> }[] = [
      { id: 'A', byProvince: { 'Thái Nguyên': 3, 'Bắc Kạn': 2 } },
      { id: 'B', byProvince: { 'Cao Bằng': 9 } },
      { id: 'C', byProvince: { 'Hà Giang': 50 } },
    ];
    expect([...membersByProvince(audiences, ['A', 'B'])]).toEqual([
      ['Thái Nguyên', 5],
      ['Cao Bằng', 9],
    ]);
  });

  it('says the filters in plain words for an approver, in Vietnamese and in English', () => {
    const filters = {
      provinces: ['Thái Nguyên', 'Tuyên Quang'],
      tags: { any: ['dan-toc-thieu-so', 'vung-bien'] },
    };
    expect(describeFilters(vi.targeting.words, filters)).toBe(
      'Tỉnh: Thái Nguyên, Tuyên Quang · Nhóm: có một trong dan-toc-thieu-so, vung-bien',
    );
    expect(
      describeFilters(en.targeting.words, { ...filters, communes: ['Xã A'], tags: { none: ['hoc-sinh'] } }),
    ).toBe('Provinces: Thái Nguyên, Tuyên Quang · Communes: Xã A · Groups: in none of hoc-sinh');
    expect(describeFilters(vi.targeting.words, {})).toBe(vi.targeting.words.everyone);
  });
});

describe('the file an officer uploads', () => {
  it('is sent as CSV or as a workbook by its name, and nothing else', () => {
    expect(importFileType({ name: 'Danh sach.XLSX', type: '' })).toBe(XLSX_TYPE);
    expect(importFileType({ name: 'x', type: XLSX_TYPE })).toBe(XLSX_TYPE);
    expect(importFileType({ name: 'a.csv', type: 'application/vnd.ms-excel' })).toBe('text/csv');
    expect(importFileType({ name: 'old.xls', type: 'application/vnd.ms-excel' })).toBeUndefined();
    expect(baseName('bac-kan.xlsx')).toBe('bac-kan');
  });

  it('shows its size in words', () => {
    const number = (n: number) => new Intl.NumberFormat('vi-VN').format(n);
    expect(fileSizeText(812, number)).toBe('812 B');
    expect(fileSizeText(12_300, number)).toBe('13 KB');
    expect(fileSizeText(3_565_158, number)).toBe('3,4 MB');
  });

  it('names on the page only header names the import recognises', () => {
    for (const catalogue of [vi, en]) {
      const quoted = Object.values(catalogue.audienceImport.columns).flatMap((line) =>
        [...line.matchAll(/“([^”]+)”/g)].map((match) => match[1] ?? ''),
      );
      expect(quoted.length).toBeGreaterThan(10);
      for (const header of quoted) expect(columnOf(header), header).toBeDefined();
    }
  });
});
