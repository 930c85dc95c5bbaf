import type { DynamoDBStreamEvent } from 'aws-lambda';
import { afterEach, expect, it, vi } from 'vitest';
import { handler as aggregateMetrics } from '#streams/aggregate-metrics.js';
import { invokeLocally } from '#local/invoke.js';
import { startTestApi } from '#support/api.js';
import { gate, gatedRoute } from './fixtures/gated-handler.js';

// The level the logger starts with, before its module loads: each invocation goes back to it.
vi.hoisted(() => {
  process.env.POWERTOOLS_LOG_LEVEL = 'DEBUG';
});

afterEach(() => {
  vi.restoreAllMocks();
});

/** Every JSON line Powertools writes to stdout while `run` runs. */
const logLinesOf = async (run: () => Promise<void>): Promise<Record<string, unknown>[]> => {
  const written: string[] = [];
  const write = process.stdout.write.bind(process.stdout);
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk, ...rest) => {
    const text = String(chunk);
    if (text.startsWith('{')) {
      written.push(text);
      return true;
    }
    return write(chunk, ...(rest as []));
  });
  await run();
  return written
    .flatMap((text) => text.split('\n'))
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as Record<string, unknown>);
};

it('keeps each local invocation’s log keys its own while invocations of two functions interleave', async () => {
  const api = await startTestApi([gatedRoute]);
  try {
    const lines = await logLinesOf(async () => {
      const request = fetch(`${api.url}/v1/test/gated`);
      await gate.entered.promise;
      await invokeLocally('aggregateMetrics', aggregateMetrics, {
        Records: [],
      } satisfies DynamoDBStreamEvent);
      gate.open();
      expect((await request).status).toBe(200);
    });

    const byMessage = (message: string) => lines.filter((line) => line.message === message);
    const gated = [...byMessage('gated: entered'), ...byMessage('gated: leaving')];
    const aggregated = byMessage('Metrics aggregated');
    expect(gated).toHaveLength(2);
    expect(aggregated).toHaveLength(1);
    for (const line of gated) {
      expect(line).toMatchObject({ function_name: 'testGated', route: 'testGated' });
    }
    expect(new Set(gated.map((line) => line.function_request_id)).size).toBe(1);
    expect(aggregated[0]).toMatchObject({ function_name: 'aggregateMetrics', records: 0 });
    expect(aggregated[0]).not.toHaveProperty('route');
    expect(aggregated[0]).not.toHaveProperty('requestId');
    expect(aggregated[0]?.function_request_id).not.toBe(gated[0]?.function_request_id);
  } finally {
    await api.close();
  }
});
