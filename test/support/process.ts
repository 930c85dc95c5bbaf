import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { resolve } from 'node:path';
import { promisify } from 'node:util';

const ROOT = resolve(import.meta.dirname, '../..');

export interface LocalProcess {
  child: ChildProcess;
  url: string;
  tokens: Record<string, string>;
  output: () => string;
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

/**
 * The environment of a user's shell: this worker's environment without the settings that point it at the
 * integration run's DynamoDB Local and table (`npm start` must find its own).
 */
export const userEnv = (): NodeJS.ProcessEnv =>
  Object.fromEntries(
    Object.entries(process.env).filter(
      ([name]) =>
        !name.startsWith('AWS_') &&
        ![
          'TABLE_NAME',
          'PUBLIC_BASE_URL',
          'LOCAL_RUNTIME',
          'WEBHOOK_TIMEOUT_MS',
          'DISPATCH_LEASE_MS',
          'MATERIALIZE_LEASE_MS',
        ].includes(name),
    ),
  );

/**
 * Runs `npm start`'s entry as a real child process and waits until it prints its URL and tokens. The child
 * gets `baseEnv` (default: this worker's environment) with `env` over it.
 */
export const startLocalProcess = async (
  env: Record<string, string>,
  timeoutMs = 90_000,
  { baseEnv = process.env }: { baseEnv?: NodeJS.ProcessEnv } = {},
): Promise<LocalProcess> => {
  const child = spawn(process.execPath, ['--import', 'tsx', 'local/main.ts'], {
    cwd: ROOT,
    env: { ...baseEnv, POWERTOOLS_LOG_LEVEL: 'WARN', ...env },
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

/** DynamoDB Local (java) processes keeping their data in `dataDir`, with their `-port`. */
export const dynamoProcesses = async (
  dataDir: string,
): Promise<{ pid: number; ppid: number; port: string }[]> => {
  const { stdout } = await promisify(execFile)('ps', ['-eo', 'pid=,ppid=,args=']);
  return stdout
    .split('\n')
    .map((line) => line.trim().match(/^(\d+)\s+(\d+)\s+(.*)$/))
    .filter(
      (m): m is RegExpMatchArray =>
        !!m && /\bjava\b/.test(m[3] ?? '') && (m[3] ?? '').includes(`-dbPath ${dataDir} `),
    )
    .map((m) => ({ pid: Number(m[1]), ppid: Number(m[2]), port: m[3]?.match(/-port (\d+)/)?.[1] ?? '' }));
};
