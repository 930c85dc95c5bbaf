import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

/** The value at percentile `p` (0 to 100) of an ascending list; 0 for an empty one. */
export const percentile = (sorted: readonly number[], p: number): number =>
  sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))] ?? 0;

/** The DynamoDB Local JVM's peak and current resident memory (Linux /proc), in MB; undefined elsewhere. */
export const javaRss = (endpoint: string): { peak: number; now: number } | undefined => {
  try {
    const port = new URL(endpoint).port;
    const pid = execFileSync('pgrep', ['-f', `DynamoDBLocal.jar.*-port ${port}`])
      .toString()
      .trim()
      .split('\n')[0];
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (field: string) => Number(new RegExp(`${field}:\\s+(\\d+) kB`).exec(status)?.[1] ?? NaN);
    return { peak: Math.round(kb('VmHWM') / 1024), now: Math.round(kb('VmRSS') / 1024) };
  } catch {
    return undefined;
  }
};
