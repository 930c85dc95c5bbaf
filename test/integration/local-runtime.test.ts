import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { request as httpRequest } from 'node:http';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DYNAMO_NICENESS, freePort } from '#local/dynamodb.js';
import { expectStatus } from '#support/typed-api.js';
import { startTestApi, type TestApi } from '#support/api.js';
import { dynamoProcesses } from '#support/process.js';

/**
 * `npm start` as a user runs it: the real entry in a child process, with its own port and DATA_DIR. Slow
 * (DynamoDB Local starts on Java each time), so one file walks through the whole life cycle.
 */
const ROOT = resolve(import.meta.dirname, '../..');
const READY_TIMEOUT_MS = 60_000;
const STOP_TIMEOUT_MS = 20_000;

interface Started {
  child: ChildProcess;
  url: string;
  output: () => string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** The niceness of each thread of a process (field 19 of /proc/<pid>/task/<tid>/stat, after the name). */
const threadNiceness = async (pid: number): Promise<number[]> => {
  const threads = await readdir(`/proc/${pid}/task`);
  const stats = await Promise.all(threads.map((tid) => readFile(`/proc/${pid}/task/${tid}/stat`, 'utf8')));
  return stats.map((stat) => Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[16]));
};

const children = new Set<ChildProcess>();
const dataDirs: string[] = [];
const newDataDir = async () => {
  dataDirs.push(await mkdtemp(join(tmpdir(), 'sms-local-runtime-')));
  return dataDirs.at(-1) ?? '';
};

/** The environment of a user's shell: none of the settings the test worker points at its own DynamoDB. */
const userEnv = (extra: Record<string, string>): NodeJS.ProcessEnv => {
  const env = Object.fromEntries(
    Object.entries(process.env).filter(
      ([name]) =>
        !name.startsWith('AWS_') && !['TABLE_NAME', 'PUBLIC_BASE_URL', 'LOCAL_RUNTIME'].includes(name),
    ),
  );
  return { ...env, HOST: '127.0.0.1', POWERTOOLS_LOG_LEVEL: 'WARN', ...extra };
};

const start = async (port: number, dataDir: string): Promise<Started> => {
  const child = spawn(process.execPath, ['--import', 'tsx', 'local/main.ts'], {
    cwd: ROOT,
    env: userEnv({ PORT: String(port), DATA_DIR: dataDir }),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.add(child);
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((done) =>
    child.once('exit', (code, signal) => {
      children.delete(child);
      done({ code, signal });
    }),
  );
  let closed = false; // after 'close', all of its output has been read
  child.once('close', () => (closed = true));
  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (!/Ctrl-C stops everything/.test(output)) {
    if (closed) break;
    if (Date.now() > deadline) throw new Error(`npm start printed no URL within 60 s:\n${output}`);
    await sleep(100);
  }
  const url = output.match(/running at (http:\/\/\S+)/)?.[1];
  if (!url) throw new Error(`npm start exited (${child.exitCode}) without a URL:\n${output}`);
  return { child, url, output: () => output, exited };
};

/** `npm run token -- <role>` with the same DATA_DIR; stdout is the token alone, so `$(npm run -s token -- admin)` works. */
const token = async (role: string, dataDir: string): Promise<string> => {
  const { stdout } = await promisify(execFile)(
    process.execPath,
    ['--import', 'tsx', 'local/token.ts', role],
    {
      cwd: ROOT,
      env: userEnv({ DATA_DIR: dataDir }),
    },
  );
  const lines = stdout.trim().split('\n');
  expect(lines).toHaveLength(1);
  return lines[0] ?? '';
};

const isAlive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

const stop = async (started: Started, signal: NodeJS.Signals) => {
  started.child.kill(signal);
  const timeout = sleep(STOP_TIMEOUT_MS).then(() => 'timeout' as const);
  const result = await Promise.race([started.exited, timeout]);
  if (result === 'timeout') throw new Error(`npm start did not stop within 20 s:\n${started.output()}`);
  return result;
};

const get = async (url: string, bearer?: string) => {
  const response = await fetch(url, { headers: bearer ? { authorization: `Bearer ${bearer}` } : {} });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
};

const partner = {
  name: 'Viettel Bắc Kạn',
  webhookUrl: 'http://127.0.0.1:4001/sms',
  carriers: ['viettel'],
  tps: 100,
  senderId: 'BOCONGAN',
};

// Whatever failed above: nothing this file started may outlive it.
afterAll(async () => {
  for (const child of children) {
    child.kill('SIGTERM');
    const exited = await Promise.race([
      new Promise((done) => child.once('exit', done)),
      sleep(STOP_TIMEOUT_MS).then(() => false),
    ]);
    if (exited === false) child.kill('SIGKILL');
  }
  for (const dataDir of dataDirs) {
    for (const { pid } of await dynamoProcesses(dataDir)) process.kill(pid, 'SIGKILL');
    await rm(dataDir, { recursive: true, force: true });
  }
}, 60_000);

describe('npm start (local/main.ts) as a child process', () => {
  it('serves the API, stops cleanly on SIGTERM and SIGINT, and keeps its data across a restart', async () => {
    // First run: an empty DATA_DIR.
    const dataDir = await newDataDir();
    const first = await start(await freePort(), dataDir);
    expect(first.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(await get(`${first.url}/health`)).toEqual({ status: 200, body: { status: 'ok' } });

    const [dynamo, ...more] = await dynamoProcesses(dataDir);
    expect(more).toEqual([]);
    expect(dynamo).toMatchObject({ ppid: first.child.pid, port: expect.stringMatching(/^\d+$/) });
    // DynamoDB Local yields the cores to the runtime (its dispatcher's timers were late behind it).
    const niceness = await threadNiceness(dynamo?.pid ?? 0);
    expect(niceness.length).toBeGreaterThan(10);
    expect(new Set(niceness)).toEqual(new Set([DYNAMO_NICENESS]));

    const admin = await token('admin', dataDir);
    expect(admin).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+$/);
    // A fresh DATA_DIR gets the carrier simulators registered as partners, ready to send to.
    const registered = await get(`${first.url}/v1/partners`, admin);
    expectStatus(registered, 200);
    expect((registered.body as { items: { id: string }[] }).items.map((p) => p.id).sort()).toEqual([
      'sim-mobifone',
      'sim-other',
      'sim-viettel',
      'sim-vnpt',
    ]);
    const anonymous = await get(`${first.url}/v1/partners`);
    expectStatus(anonymous, 401);
    expect(anonymous.body).toMatchObject({ error: { code: 'unauthorized', message: expect.any(String) } });
    expect((await get(`${first.url}/v1/partners`, await token('planner', dataDir))).status).toBe(403);
    expect(await get(`${first.url}/v1/partners/%E0%A4%A`, admin)).toMatchObject({
      status: 400,
      body: { error: { code: 'validation_failed', details: [{ path: 'partnerId' }] } },
    });

    const created = await fetch(`${first.url}/v1/partners/viettel-bk`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/json' },
      body: JSON.stringify(partner),
    });
    expectStatus(created, 201);

    expect(await stop(first, 'SIGTERM')).toEqual({ code: 0, signal: null });
    expect(isAlive(dynamo?.pid ?? 0)).toBe(false);
    expect(await dynamoProcesses(dataDir)).toEqual([]);

    // Second run on the same DATA_DIR: the partner and the token's secret are still there.
    const second = await start(await freePort(), dataDir);
    const read = await get(`${second.url}/v1/partners/viettel-bk`, admin);
    expectStatus(read, 200);
    expect(read.body).toMatchObject({ ...partner, id: 'viettel-bk' });
    expect(read.body).not.toHaveProperty('signingSecret');

    const [restarted] = await dynamoProcesses(dataDir);
    expect(await stop(second, 'SIGINT')).toEqual({ code: 0, signal: null });
    expect(isAlive(restarted?.pid ?? 0)).toBe(false);
    expect(await dynamoProcesses(dataDir)).toEqual([]);
  }, 150_000);

  it('exits with an error and leaves no DynamoDB Local behind when its port is taken', async () => {
    const taken: Server = createServer();
    await new Promise<void>((done) => taken.listen(0, '127.0.0.1', done));
    const port = (taken.address() as { port: number }).port;
    try {
      const dataDir = await newDataDir();
      const started = start(port, dataDir);
      await expect(started).rejects.toThrow(/EADDRINUSE/);
      expect(await dynamoProcesses(dataDir)).toEqual([]);
    } finally {
      await new Promise((done) => taken.close(done));
    }
  }, 90_000);
});

describe('the local server (local/server.ts) in this process', () => {
  let api: TestApi;
  beforeAll(async () => {
    api = await startTestApi();
  });
  afterAll(() => api.close());

  /** Sends the headers of a POST and, if `chunks` says so, body chunks until the server answers. */
  const post = (path: string, headers: Record<string, string>, keepSending: boolean) =>
    new Promise<{ status: number; body: string }>((done, fail) => {
      const url = new URL(path, api.url);
      const request = httpRequest(url, { method: 'POST', headers }, (response) => {
        answered = true;
        let body = '';
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => (body += chunk));
        response.on('end', () => done({ status: response.statusCode ?? 0, body }));
      });
      let answered = false;
      request.on('error', fail);
      request.flushHeaders();
      if (!keepSending) return;
      const chunk = Buffer.alloc(64 * 1024, 'a');
      const send = () => {
        while (!answered && request.write(chunk));
        if (!answered) request.once('drain', send);
      };
      send();
    });

  // An announced body that is never sent (keepSending false): only an answer that did not wait for it arrives.
  it.each([
    {
      test: 'answers 401 before reading the body of a request without a token',
      role: undefined,
      length: '5000000',
      keepSending: false,
      status: 401,
      code: 'unauthorized',
    },
    {
      test: 'answers 403 before reading the body of a role that may not call the route',
      role: 'planner',
      length: '5000000',
      keepSending: false,
      status: 403,
      code: 'forbidden',
    },
    {
      test: 'answers 413 to a body announced larger than the route takes, without reading it',
      role: 'officer',
      length: String(11 * 1024 * 1024),
      keepSending: false,
      status: 413,
      code: 'payload_too_large',
    },
    {
      test: 'answers 413, then closes, to a body of unknown length that grows past the limit',
      role: 'officer',
      length: undefined,
      keepSending: true,
      status: 413,
      code: 'payload_too_large',
    },
  ] as const)('$test', async ({ role, length, keepSending, status, code }) => {
    const response = await post(
      '/v1/audiences',
      {
        ...(role ? { authorization: `Bearer ${await api.token(role)}` } : {}),
        'content-type': 'application/json',
        ...(length ? { 'content-length': length } : {}),
      },
      keepSending,
    );
    expectStatus(response, status);
    expect(JSON.parse(response.body)).toMatchObject({ error: { code } });
  });

  it('answers 413 to an 11 MiB body sent with fetch', async () => {
    const response = await fetch(`${api.url}/v1/audiences`, {
      method: 'POST',
      headers: { authorization: `Bearer ${await api.token('officer')}`, 'content-type': 'application/json' },
      body: 'a'.repeat(11 * 1024 * 1024),
    });
    expectStatus(response, 413);
  });

  it('answers a short link with a malformed escape with the 404 page', async () => {
    const response = await fetch(`${api.url}/l/%E0%A4%A`);
    expectStatus(response, 404);
    expect(response.headers.get('content-type')).toMatch(/^text\/html/);
  });
});
