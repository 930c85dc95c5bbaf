import { afterEach, describe, expect, it, vi } from 'vitest';
import { localConfig } from '#local/config.js';

describe('the local runtime’s settings', () => {
  afterEach(() => {
    vi.unstubAllEnvs();
  });

  it('hold after counting only when asked, for the crash tests', () => {
    vi.stubEnv('CRASH_TEST_HOLD', undefined);
    expect(localConfig()).not.toHaveProperty('holdAfterCounting');
    vi.stubEnv('CRASH_TEST_HOLD', 'metrics-counted');
    expect(localConfig()).toMatchObject({ holdAfterCounting: true });
  });

  it('refuse a hold they do not know, and a heap too small, naming the variable', () => {
    vi.stubEnv('CRASH_TEST_HOLD', 'settling');
    expect(() => localConfig()).toThrow(/CRASH_TEST_HOLD must be metrics-counted when set, got settling/);
    vi.stubEnv('CRASH_TEST_HOLD', undefined);
    vi.stubEnv('DYNAMODB_HEAP_MB', '32');
    expect(() => localConfig()).toThrow(/DYNAMODB_HEAP_MB must be a whole number of MB, at least 64/);
  });
});
