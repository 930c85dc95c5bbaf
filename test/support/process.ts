import { spawn, type ChildProcess } from 'node:child_process';
import { resolve } from 'node:path';

const ROOT = resolve(import.meta.dirname, '../..');

export interface LocalProcess {
  child: ChildProcess;
  url: string;
  tokens: Record<string, string>;
  output: () => string;
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

/** Runs `npm start`'s entry as a real child process and waits until it prints its URL and tokens. */
export const startLocalProcess = async (
  env: Record<string, string>,
  timeoutMs = 90_000,
): Promise<LocalProcess> => {
  const child = spawn(process.execPath, ['--import', 'tsx', 'local/main.ts'], {
    cwd: ROOT,
    env: { ...process.env, POWERTOOLS_LOG_LEVEL: 'WARN', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((done) => child.once('exit', (code) => done(code)));

  const ready = await new Promise<boolean>((done) => {
    const timer = setTimeout(() => done(false), timeoutMs);
    const check = () => {
      if (/Ctrl-C stops everything/.test(output)) {
        clearTimeout(timer);
        done(true);
      }
    };
    child.stdout?.on('data', check);
    child.once('exit', () => done(false));
  });
  if (!ready) {
    child.kill('SIGKILL');
    throw new Error(`npm start did not become ready:\n${output}`);
  }
  const url = output.match(/running at (http:\/\/\S+)/)?.[1] ?? '';
  const tokens = Object.fromEntries(
    [...output.matchAll(/^\s+(planner|officer|approver|admin)\s+(\S+)$/gm)].map((m) => [m[1], m[2]]),
  );
  return {
    child,
    url,
    tokens: tokens as Record<string, string>,
    output: () => output,
    async stop(signal = 'SIGTERM') {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
  };
};
