import { afterEach, describe, expect, it } from 'vitest';
import { logger, maskPhones } from '#adapters/logger.js';

/** The lines the shared logger writes while `log` runs (Powertools writes through process.stdout/stderr). */
const linesOf = (log: () => void): string[] => {
  const lines: string[] = [];
  const { stdout, stderr } = process;
  const originals = { out: stdout.write, err: stderr.write };
  const grab = ((chunk: string | Uint8Array) => {
    lines.push(String(chunk));
    return true;
  }) as typeof process.stdout.write;
  stdout.write = grab;
  stderr.write = grab;
  try {
    log();
  } finally {
    stdout.write = originals.out;
    stderr.write = originals.err;
  }
  return lines;
};

afterEach(() => logger.setLogLevel('INFO'));

describe('the shared logger masks phone numbers', () => {
  it('masks +84…, 84… and 0… numbers, grouped or not, to their prefix and last three digits', () => {
    expect(maskPhones('to +84981234567, 84981234567 and 0981234567')).toBe(
      'to +84******567, 84******567 and 0******567',
    );
    expect(maskPhones('098 123 4567 or 098.123.4567')).toBe('0******567 or 0******567');
    expect(maskPhones('entry +84981234567:12')).toBe('entry +84******567:12');
  });

  it('leaves times, ids and longer digit runs alone', () => {
    const text = '2027-03-01T08:00:00.000Z 01J0CAMPAIGN.3.17 1700000000000 id 098123456789';
    expect(maskPhones(text)).toBe(text);
  });

  it('masks every value of a DEBUG line: the message, attributes, numbers and an error’s message and stack', () => {
    logger.setLogLevel('DEBUG');
    const lines = linesOf(() => {
      logger.debug('handing 0981234567 over', { to: '+84981234567', n: 84981234567, list: ['84981234568'] });
      logger.error('failed', new Error('partner refused +84981234569'));
    });
    expect(lines).toHaveLength(2);
    const all = lines.join('\n');
    for (const digits of ['981234567', '981234568', '981234569']) expect(all).not.toContain(digits);
    expect(all).toContain('0******567');
    expect(all).toContain('+84******569');
  });
});
