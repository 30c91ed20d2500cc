/**
 * Sweeps give byte-identical JSON lines on every engine (issue 21): in this process, on one
 * and on two worker threads, and on a BullMQ queue served by two `lbsim worker` processes —
 * one of them killed mid-sweep, whose runs BullMQ's stalled-job check hands to the other: no
 * run lost, none duplicated. The processes run the built command (`pnpm build`'s bundle, built
 * afresh into a temporary directory), as a user's `lbsim` runs, since piscina's threads load
 * JavaScript files. The queue test starts its own redis-server (Debian package redis-server,
 * installed by .ci/run) on 127.0.0.1 and a free port, and stops it by its PID; without
 * redis-server it is skipped, saying so.
 */
import { type ChildProcess, execFileSync, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repositoryRoot } from './support.ts';

const sweepFile = join(repositoryRoot, 'scenarios/sweeps/ilb-self-mapping.sweep.yaml');
/** 7 grid points × 6 seeds: long enough to kill a worker part-way. */
const seeds = '1..6';
const runCount = 42;
let bundle = '';
let directory = '';

beforeAll(() => {
  const out = mkdtempSync(join(tmpdir(), 'lbsim-sweep-build-'));
  execFileSync(process.execPath, ['--import', 'tsx', join(repositoryRoot, 'scripts/build.ts'), '--out', out], {
    cwd: repositoryRoot,
    stdio: 'pipe',
  });
  bundle = join(out, 'dist', 'lbsim.js');
  directory = mkdtempSync(join(tmpdir(), 'lbsim-sweep-'));
}, 120_000);

/** `lbsim sweep` with `options`; its JSON lines, what it printed and its exit status. */
function sweep(name: string, options: readonly string[]): { lines: string; stdout: string; status: number | null } {
  const out = join(directory, `${name}.jsonl`);
  const result = spawnSync(process.execPath, [bundle, 'sweep', sweepFile, '--seeds', seeds, '--out', out, ...options], {
    encoding: 'utf8',
    timeout: 120_000,
  });
  expect(result.stderr).not.toMatch(/internal error/);
  return { lines: existsSync(out) ? readFileSync(out, 'utf8') : '', stdout: result.stdout, status: result.status };
}

let inProcess = { lines: '', stdout: '', status: null as number | null };

describe('sweep engines', () => {
  it('gives the same JSON lines and table in this process, on one thread and on two', () => {
    inProcess = sweep('in-process', ['--workers', '0']);
    expect(inProcess.lines.trimEnd().split('\n')).toHaveLength(runCount);
    expect(inProcess.lines.split('\n')[0]).toMatch(/^\{"run":0,"point":0,"seed":1,"parameters":\{"N":1\}/);
    for (const workers of ['1', '2']) {
      const threads = sweep(`threads-${workers}`, ['--workers', workers]);
      expect(threads.lines).toBe(inProcess.lines);
      expect(threads.stdout).toBe(inProcess.stdout);
    }
  }, 240_000);
});

describe('Ctrl-C during a sweep', () => {
  it('stops it and keeps the runs that finished, in order, with exit 1', async () => {
    const out = join(directory, 'interrupted.jsonl');
    const child = spawn(
      process.execPath,
      [bundle, 'sweep', sweepFile, '--seeds', seeds, '--out', out, '--workers', '1'],
      {
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let stdout = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
    });
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    const linesWritten = () => (existsSync(out) ? readFileSync(out, 'utf8').split('\n').length - 1 : 0);
    await waitFor(() => linesWritten() >= 3, 60_000, 'the first runs of the sweep');
    child.kill('SIGINT');
    expect(await exited).toBe(1);
    const kept = readFileSync(out, 'utf8');
    const count = kept.split('\n').length - 1;
    expect(count).toBeGreaterThanOrEqual(3);
    expect(count).toBeLessThan(runCount);
    // The finished runs, in run order: a run abandoned in progress leaves a gap, and the runs
    // after it that had finished are kept (OrderedRecords.flush), so the kept lines are the
    // full sweep's lines in order with some left out, each byte for byte.
    const full = inProcess.lines.split('\n');
    let at = 0;
    for (const line of kept.split('\n').filter((each) => each !== '')) {
      while (at < full.length && full[at] !== line) at += 1;
      expect(at, `kept line not in the full sweep, in order: ${line}`).toBeLessThan(full.length);
      at += 1;
    }
    expect(stdout).toContain(`stopped after ${count} of ${runCount} runs: expectations not judged`);
  }, 120_000);
});

/** A TCP port free on 127.0.0.1 now. */
async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address !== null ? address.port : 0));
    });
  });
}

/** Resolves when `check` holds, polling every 50 ms; rejects after `limitMs`. */
async function waitFor(check: () => boolean, limitMs: number, what: string): Promise<void> {
  const until = Date.now() + limitMs;
  while (!check()) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

const redisServer = ['/usr/bin/redis-server', '/usr/local/bin/redis-server'].find((path) => existsSync(path));
if (redisServer === undefined) {
  console.warn(
    'sweep-engines: SKIPPED the Redis queue test: redis-server is not installed (apt-get install redis-server)',
  );
}

describe.skipIf(redisServer === undefined)('the BullMQ queue engine with two lbsim worker processes', () => {
  let redis: ChildProcess | undefined;
  const workers: ChildProcess[] = [];
  let url = '';

  beforeAll(async () => {
    const port = await freePort();
    url = `redis://127.0.0.1:${port}`;
    redis = spawn(
      redisServer ?? 'redis-server',
      ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', directory],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let log = '';
    redis.stdout?.on('data', (chunk: Buffer) => {
      log += chunk.toString();
    });
    await waitFor(() => log.includes('Ready to accept connections'), 20_000, 'redis-server to start');
  }, 30_000);

  afterAll(() => {
    for (const worker of workers) if (worker.exitCode === null) worker.kill('SIGKILL');
    if (redis?.pid !== undefined) process.kill(redis.pid, 'SIGTERM');
  });

  /** Starts `lbsim worker` on the test's queue, locks short so a dead worker's job comes back in a second. */
  function startWorker(): ChildProcess {
    const worker = spawn(
      process.execPath,
      [bundle, 'worker', '--queue', url, '--lock-duration', '1000', '--stalled-interval', '500'],
      { stdio: ['ignore', 'ignore', 'pipe'] },
    );
    workers.push(worker);
    return worker;
  }

  it('gives the local JSON lines byte for byte when a worker is killed mid-sweep', async () => {
    expect(inProcess.lines).not.toBe('');
    const out = join(directory, 'queue.jsonl');
    const first = startWorker();
    startWorker();
    const producer = spawn(
      process.execPath,
      [bundle, 'sweep', sweepFile, '--seeds', seeds, '--out', out, '--queue', url],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let stdout = '';
    producer.stdout?.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
    });
    const exited = new Promise<number | null>((resolve) => producer.once('exit', (code) => resolve(code)));
    const linesWritten = () => (existsSync(out) ? readFileSync(out, 'utf8').split('\n').length - 1 : 0);
    await waitFor(() => linesWritten() >= 4, 60_000, 'the first runs of the sweep');
    expect(linesWritten()).toBeLessThan(runCount);
    first.kill('SIGKILL');
    const status = await Promise.race([
      exited,
      new Promise<never>((_, reject) => setTimeout(() => reject(new Error('the queue sweep did not finish')), 120_000)),
    ]);
    expect(status).toBe(inProcess.status);
    const lines = readFileSync(out, 'utf8');
    expect(lines).toBe(inProcess.lines);
    const runs = lines
      .trimEnd()
      .split('\n')
      .map((line) => (JSON.parse(line) as { run: number }).run);
    expect(new Set(runs).size).toBe(runCount);
    expect(stdout).toBe(inProcess.stdout);
  }, 180_000);
});
