import { describe, expect, it } from 'vitest';
import {
  contentMetricsOf,
  describeComparison,
  groupRows,
  points,
  treatmentComparisons,
} from '../src/metrics/content-metrics.js';
import { vi as words } from '../src/i18n/vi.js';

describe('metrics per variant and treatment', () => {
  it('reads rows from a record or a list, the holdout last', () => {
    expect(groupRows({ vi: { delivered: 5, clicks: 2, uniqueClicks: 1, replies: 0 } }, 'language')).toEqual([
      { key: 'vi', delivered: 5, clicks: 2, uniqueClicks: 1, replies: 0 },
    ]);
    const metrics = {
      byTreatment: [
        { treatment: 'holdout', delivered: 0, replies: 3 },
        { treatment: 'A', delivered: 10, clicks: 4, uniqueClicks: 3, replies: 1 },
      ],
    };
    expect(contentMetricsOf(metrics).byTreatment.map((row) => row.key)).toEqual(['A', 'holdout']);
    expect(contentMetricsOf({}).byVariant).toEqual([]);
  });

  it('says B against A in plain Vietnamese with the 95 % interval, or that data is not enough', () => {
    const rows = [
      { key: 'A', delivered: 1000, clicks: 120, uniqueClicks: 100, replies: 5 },
      { key: 'B', delivered: 1000, clicks: 150, uniqueClicks: 130, replies: 4 },
      { key: 'holdout', delivered: 0, clicks: 0, uniqueClicks: 0, replies: 2 },
    ];
    const [comparison] = treatmentComparisons(rows);
    if (!comparison) throw new Error('no comparison');
    expect(comparison).toMatchObject({ a: 'A', b: 'B', difference: 0.03, reliable: true });
    // 0.13 − 0.10 = 3.0 points; unpooled SE = √(0.1·0.9/1000 + 0.13·0.87/1000) ≈ 0.01414 → ±2.77 points.
    expect(describeComparison(comparison, words.content, 'vi')).toBe(
      'B cao hơn A 3,0 điểm phần trăm (khoảng tin cậy 95 %: 0,2 đến 5,8)',
    );
    const [few] = treatmentComparisons([
      { key: 'A', delivered: 10, clicks: 1, uniqueClicks: 1, replies: 0 },
      { key: 'B', delivered: 10, clicks: 3, uniqueClicks: 3, replies: 0 },
    ]);
    expect(describeComparison(few ?? comparison, words.content, 'vi')).toBe('B – A: chưa đủ dữ liệu');
    expect(points(-0.0123, 'en')).toBe('-1.2');
  });
});
