import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ConfigSchema, configTable, readConfig, requiredConfig } from '#adapters/config.js';

describe('configuration', () => {
  it('gives every optional variable its default and reads switches as booleans', () => {
    expect(readConfig({ TABLE_NAME: 'sms' })).toEqual({
      TABLE_NAME: 'sms',
      LOCAL_RUNTIME: false,
      PUBLIC_BASE_URL: 'http://localhost:3000',
      ALLOW_LOOPBACK_WEBHOOKS: false,
      PACING_MARGIN_MS: 20,
      DISPATCH_LEASE_MS: 60_000,
      MATERIALIZE_LEASE_MS: 60_000,
      WEBHOOK_TIMEOUT_MS: 10_000,
      RETENTION_DAYS: 180,
      POWERTOOLS_SERVICE_NAME: 'sms-campaigns',
      POWERTOOLS_LOG_LEVEL: 'INFO',
    });
    const local = readConfig({ TABLE_NAME: 'sms', LOCAL_RUNTIME: '1', PACING_MARGIN_MS: '250' });
    expect(local).toMatchObject({ LOCAL_RUNTIME: true, PACING_MARGIN_MS: 250 });
    const empty = readConfig({
      TABLE_NAME: 'sms',
      LOCAL_RUNTIME: '',
      PACING_MARGIN_MS: '',
      DISPATCH_LEASE_MS: '',
    });
    expect(empty).toMatchObject({ LOCAL_RUNTIME: false, PACING_MARGIN_MS: 20, DISPATCH_LEASE_MS: 60_000 });
  });

  it('refuses at once a missing table or a wrong value, naming each variable and why', () => {
    expect(() => readConfig({})).toThrow(/TABLE_NAME/);
    const wrong = () =>
      readConfig({ TABLE_NAME: 'sms', PACING_MARGIN_MS: '5000', LOCAL_RUNTIME: 'yes', PUBLIC_BASE_URL: 'x' });
    expect(wrong).toThrow(expect.objectContaining({ code: 'CONFIG_INVALID' }));
    expect(wrong).toThrow(/PACING_MARGIN_MS: .*1000/);
    expect(wrong).toThrow(/LOCAL_RUNTIME/);
    expect(wrong).toThrow(/PUBLIC_BASE_URL/);
  });

  it('asks for an AWS resource only where a Lambda uses it', () => {
    const config = readConfig({ TABLE_NAME: 'sms' });
    expect(() => requiredConfig(config, 'EVENT_BUS_NAME')).toThrow('EVENT_BUS_NAME is not set');
    expect(requiredConfig(readConfig({ TABLE_NAME: 'sms', EVENT_BUS_NAME: 'bus' }), 'EVENT_BUS_NAME')).toBe(
      'bus',
    );
  });

  it('lists every variable in the README table with its default and meaning', () => {
    const table = configTable();
    for (const name of Object.keys(ConfigSchema.shape))
      expect(table).toMatch(new RegExp(`^\\| \`${name}\` \\|`, 'm'));
    expect(table).toContain('| `PACING_MARGIN_MS` | `20` | Pacing safety margin');
    expect(table).toContain('| `TABLE_NAME` |  | The DynamoDB table');
  });

  it('is the table the README shows: every variable with its default and meaning', () => {
    const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
    // Prettier pads the README's table; compare cell by cell.
    const cells = (row: string) =>
      row
        .split('|')
        .slice(1, -1)
        .map((cell) => cell.trim());
    const shown = new Set(
      readme
        .split('\n')
        .filter((line) => line.startsWith('| `'))
        .map((row) => cells(row).join('|')),
    );
    for (const row of configTable().split('\n').slice(2)) expect(shown).toContain(cells(row).join('|'));
  });
});
