import { setImmediate as nextTurn } from 'node:timers/promises';
import { expect, it } from 'vitest';
import { invokeLocally, invokedFunctionName, readWithinInvocation } from '#local/invoke.js';

/** The local runtime's invocation context (local/invoke.ts), as the route-access test relies on it. */

it('knows which function each of two interleaved invocations runs', async () => {
  const names = await Promise.all(
    ['first', 'second'].map((functionName) =>
      invokeLocally(
        functionName,
        async () => {
          await nextTurn();
          return invokedFunctionName();
        },
        {},
      ),
    ),
  );
  expect(names).toEqual(['first', 'second']);
  expect(invokedFunctionName()).toBeUndefined();
});

it('reads a streamed answer within the invocation that made it, though read after it returned', async () => {
  async function* chunks() {
    yield invokedFunctionName();
    await nextTurn();
    yield invokedFunctionName();
  }
  const stream = await invokeLocally('streamer', async () => readWithinInvocation(chunks()), {});
  const seen: (string | undefined)[] = [];
  for await (const name of stream) seen.push(name);
  expect(seen).toEqual(['streamer', 'streamer']);
});

it('ends the producer when the reader stops early', async () => {
  let ended = false;
  async function* endless() {
    try {
      for (;;) yield 'chunk';
    } finally {
      ended = true;
    }
  }
  const stream = await invokeLocally('streamer', async () => readWithinInvocation(endless()), {});
  for await (const chunk of stream) if (chunk) break;
  expect(ended).toBe(true);
});
