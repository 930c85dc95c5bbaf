import { describe, expect, it } from 'vitest';
import { cached } from '#adapters/cache.js';

/** A read that answers when `answer` is called, on a clock the test moves. */
const slowRead = () => {
  let clock = 0;
  const answers: (() => void)[] = [];
  let reads = 0;
  const load = (id: string) => {
    reads++;
    return new Promise<string>((done) => answers.push(() => done(`${id}@${clock}`)));
  };
  return {
    load,
    now: () => clock,
    advance: (ms: number) => (clock += ms),
    answer: async () => {
      answers.shift()?.();
      await Promise.resolve();
    },
    reads: () => reads,
  };
};

/** A 500 ms cache over a slow read, asked for `c1` once, with `ms` gone by before the read answers. */
const askedOnce = (ms: number) => {
  const read = slowRead();
  const campaign = cached(500, read.load, String, read.now);
  const first = campaign('c1');
  read.advance(ms);
  return { read, campaign, first };
};

describe('cached', () => {
  it('counts its TTL from the answer: a read slower than the TTL is not expired on arrival', async () => {
    const { read, campaign, first } = askedOnce(800);
    await read.answer();
    expect(await first).toBe('c1@800');
    read.advance(100);
    expect(await campaign('c1')).toBe('c1@800');
    expect(read.reads()).toBe(1);
  });

  it('reads again once the TTL has passed since the answer', async () => {
    const { read, campaign, first } = askedOnce(800);
    await read.answer();
    await first;
    read.advance(500);
    const second = campaign('c1');
    await read.answer();
    expect(await second).toBe('c1@1300');
    expect(read.reads()).toBe(2);
  });

  it('shares a read under way, however long it takes', async () => {
    const { read, campaign, first } = askedOnce(5_000);
    const second = campaign('c1');
    await read.answer();
    expect(await second).toBe(await first);
    expect(read.reads()).toBe(1);
  });

  it('forgets a failed read at once', async () => {
    let reads = 0;
    const campaign = cached(500, async (id: string) => {
      reads++;
      if (reads === 1) throw new Error('throttled');
      return id;
    });
    await expect(campaign('c1')).rejects.toThrow('throttled');
    expect(await campaign('c1')).toBe('c1');
    expect(reads).toBe(2);
  });
});
