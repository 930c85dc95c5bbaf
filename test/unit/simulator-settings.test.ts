import { describe, expect, it } from 'vitest';
import { PartnerInput } from '#core/partner.js';
import { SIMULATOR_DEFINITIONS, partnerInput, simulatorSettingsFromEnv } from '#local/simulators/index.js';

describe('simulatorSettingsFromEnv', () => {
  it('reads the success rate and the report delay when set', () => {
    expect(
      simulatorSettingsFromEnv({ SIMULATOR_SUCCESS_RATE: '0.9', SIMULATOR_REPORT_DELAY_MS: '250' }),
    ).toEqual({
      successRate: 0.9,
      reportDelayMs: 250,
    });
  });

  it('reads the reply rate when set', () => {
    expect(simulatorSettingsFromEnv({ SIMULATOR_REPLY_RATE: '0.05' })).toEqual({ replyRate: 0.05 });
    expect(simulatorSettingsFromEnv({ SIMULATOR_REPLY_RATE: '0' })).toEqual({ replyRate: 0 });
    expect(simulatorSettingsFromEnv({ SIMULATOR_REPLY_RATE: '1' })).toEqual({ replyRate: 1 });
  });

  it('leaves all to the simulator defaults when unset', () => {
    expect(simulatorSettingsFromEnv({})).toEqual({});
  });

  it.each([
    ['SIMULATOR_SUCCESS_RATE', '1.5'],
    ['SIMULATOR_SUCCESS_RATE', 'most'],
    ['SIMULATOR_SUCCESS_RATE', ''],
    ['SIMULATOR_REPORT_DELAY_MS', '-1'],
    ['SIMULATOR_REPORT_DELAY_MS', '0.5'],
    ['SIMULATOR_REPORT_DELAY_MS', ''],
    ['SIMULATOR_REPLY_RATE', '1.01'],
    ['SIMULATOR_REPLY_RATE', '-0.1'],
    ['SIMULATOR_REPLY_RATE', 'often'],
    ['SIMULATOR_REPLY_RATE', ' '],
  ])('refuses %s=%j, naming the variable', (name, value) => {
    expect(() => simulatorSettingsFromEnv({ [name]: value })).toThrow(name);
  });
});

describe('SIMULATOR_DEFINITIONS', () => {
  it('covers every carrier once besides the catch-all, with the tps of each carrier group', () => {
    expect(SIMULATOR_DEFINITIONS.map(({ id, carriers, tps }) => ({ id, carriers, tps }))).toEqual([
      { id: 'sim-viettel', carriers: ['viettel'], tps: 200 },
      { id: 'sim-vnpt', carriers: ['vinaphone', 'itel', 'reddi'], tps: 150 },
      { id: 'sim-mobifone', carriers: ['mobifone'], tps: 150 },
      { id: 'sim-other', carriers: ['*'], tps: 50 },
    ]);
  });

  it.each(SIMULATOR_DEFINITIONS)('registers $id with a body our partners API accepts', (definition) => {
    const body = partnerInput(definition, 'http://127.0.0.1:4001');
    expect(PartnerInput.safeParse(body).success).toBe(true);
    expect(body).toMatchObject({ senderId: 'BOCONGAN', webhookUrl: 'http://127.0.0.1:4001' });
    expect(body.maxBatchSize).toBeLessThanOrEqual(body.tps);
  });
});
