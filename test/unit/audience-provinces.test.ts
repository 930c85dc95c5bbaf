import { describe, expect, it } from 'vitest';
import { planImport, warningIn, type SubscriberRow } from '#core/audience.js';

const rows = (provinces: (string | undefined)[]): SubscriberRow[] =>
  provinces.map((province, i) => ({ row: i + 1, phone: `098${String(i).padStart(7, '0')}`, province }));

describe('planImport and the province registry', () => {
  it('stores the current name, merges former names into their successor and counts them', () => {
    const plan = planImport(rows(['Bắc Kạn', 'Bac Kan', 'tỉnh Hà Giang', 'Thái Nguyên', 'TP HCM']), {
      phones: new Set(),
    });
    expect(plan.members.map((m) => m.province)).toEqual([
      'Thái Nguyên',
      'Thái Nguyên',
      'Tuyên Quang',
      'Thái Nguyên',
      'Thành phố Hồ Chí Minh',
    ]);
    expect(Object.fromEntries(plan.added.byProvince)).toEqual({
      'Thái Nguyên': 3,
      'Tuyên Quang': 1,
      'Thành phố Hồ Chí Minh': 1,
    });
    expect(plan.mappedFromFormerName).toBe(3);
    expect(plan.warnings).toEqual([]);
  });

  it('accepts a row whose province names no unit without a province, with a warning', () => {
    const long = `Tỉnh ${'x'.repeat(200)}`;
    const plan = planImport(rows(['Atlantis', undefined, '  ', long, 'Mường\nTè', 'Huế']), {
      phones: new Set(),
    });
    expect(plan.rejected).toEqual([]);
    expect(plan.members).toHaveLength(6);
    expect(plan.members.map((m) => m.province)).toEqual([
      undefined,
      undefined,
      undefined,
      undefined,
      undefined,
      'Huế',
    ]);
    expect(Object.fromEntries(plan.added.byProvince)).toEqual({ Huế: 1 });
    expect(plan.warnings).toEqual([
      { row: 1, field: 'province', value: 'Atlantis', code: 'unknown_province' },
      { row: 4, field: 'province', value: long.slice(0, 100), code: 'unknown_province' },
      { row: 5, field: 'province', value: 'Mường\nTè', code: 'unknown_province' },
    ]);
    const [first] = plan.warnings;
    if (!first) throw new Error('expected a warning');
    expect(warningIn(first, 'en').message).toMatch(/names no province .* without a province/);
    expect(warningIn(first, 'vi').message).toMatch(/không có tỉnh, thành phố/);
  });

  it('warns about no duplicate or rejected row', () => {
    const plan = planImport(
      [
        { row: 1, phone: '0981234567', province: 'Atlantis' },
        { row: 2, phone: '0981234567', province: 'Atlantis' },
        { row: 3, phone: '024 3123 4567', province: 'Atlantis' },
      ],
      { phones: new Set() },
    );
    expect(plan.warnings.map((w) => w.row)).toEqual([1]);
    expect(plan.duplicates).toBe(1);
    expect(plan.rejected.map((r) => r.row)).toEqual([3]);
  });
});
