import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { RUNTIME_MAX_OLD_SPACE_MB, RUNTIME_NODE_FLAGS } from '#local/config.js';

const startScript = (): string => {
  const manifest = JSON.parse(readFileSync('package.json', 'utf8')) as { scripts: Record<string, string> };
  return manifest.scripts.start ?? '';
};

describe("the local runtime's node process", () => {
  it('is started by npm start with the flags the benchmarks start it with', () => {
    const runsMain = /tsx((?: --[\w-]+=\S+)*) local\/main\.ts/.exec(startScript());
    expect(runsMain?.[1]?.trim().split(' ')).toEqual(RUNTIME_NODE_FLAGS);
  });

  it('bounds the old generation under 2 GB, where V8 starts to grow it less eagerly', () => {
    expect(RUNTIME_NODE_FLAGS).toContain(`--max-old-space-size=${RUNTIME_MAX_OLD_SPACE_MB}`);
    expect(RUNTIME_MAX_OLD_SPACE_MB).toBeLessThan(2048);
  });
});
