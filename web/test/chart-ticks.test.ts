import { describe, expect, it } from 'vitest';
import { fitLabel, tickEvery } from '../src/components/chart-ticks.js';

describe('chart ticks by the room the plot has', () => {
  it('puts at most 8 ticks on a wide plot, and only as many as fit on a phone', () => {
    expect(tickEvery(5, 1100)).toBe(1);
    expect(tickEvery(24, 1100)).toBe(3);
    // A phone's plot, about 280 px: three labels side by side.
    expect(tickEvery(8, 280)).toBe(3);
    expect(tickEvery(3, 280)).toBe(1);
    expect(tickEvery(6, 60)).toBe(6);
    expect(tickEvery(0, 280)).toBe(1);
  });

  it('cuts a label longer than its room with an ellipsis and leaves a short one whole', () => {
    expect(fitLabel('14:00', 93)).toBe('14:00');
    expect(fitLabel('Theo dõi 30/7 Hà Giang (03/12/2026)', 93)).toBe('Theo dõi 30/…');
    expect([...fitLabel('Theo dõi 30/7 Hà Giang (03/12/2026)', 93)]).toHaveLength(13);
    // Never cut to nothing: a crowded axis still shows the start of each name.
    expect(fitLabel('Chiến dịch tháng 7', 10)).toBe('Chi…');
  });
});
