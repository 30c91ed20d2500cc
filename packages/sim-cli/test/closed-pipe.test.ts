/**
 * A reader that stops early (`lbsim run … --trace | head`, `lbsim schema | head`) ends lbsim
 * quietly with exit 0: no EPIPE stack trace, no exit 1 (which means "expectations not met").
 * Real processes through a real pipe into `head -1` (sh), since the failure lives in Node's
 * stream handling and a pipe's small buffer (Node's own child pipes are larger sockets).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '../../..');
const tsx = join(root, 'node_modules/.bin/tsx');
const bin = join(root, 'packages/sim-cli/src/bin.ts');

/** `lbsim <argv> | head -1`: what head printed, and lbsim's exit code and standard error. */
function pipeIntoHead(argv: readonly string[]): { code: number; stderr: string; first: string } {
  const directory = mkdtempSync(join(tmpdir(), 'lbsim-pipe-'));
  const stderrFile = join(directory, 'stderr');
  const codeFile = join(directory, 'code');
  const first = execFileSync(
    'sh',
    ['-c', '{ "$@" 2>"$ERR_FILE"; echo $? >"$CODE_FILE"; } | head -1', 'sh', tsx, bin, ...argv],
    {
      cwd: root,
      encoding: 'utf8',
      env: { ...process.env, ERR_FILE: stderrFile, CODE_FILE: codeFile },
    },
  );
  return { code: Number(readFileSync(codeFile, 'utf8')), stderr: readFileSync(stderrFile, 'utf8'), first };
}

describe('a reader that closes standard output early', () => {
  it('run --trace | head -1: exit 0, nothing on standard error', () => {
    // The basic scenario's trace is ~1 MB: far more than a pipe buffers, so writes meet EPIPE.
    const { code, stderr, first } = pipeIntoHead(['run', 'scenarios/basic-public-lb.yaml', '--trace']);
    expect(first).toMatch(/^time \(s\)/);
    expect(stderr).toBe('');
    expect(code).toBe(0);
  });

  it('schema | head -1: exit 0, nothing on standard error', () => {
    // The schema (~70 kB) is larger than a pipe's 64 kB buffer.
    const { code, stderr, first } = pipeIntoHead(['schema']);
    expect(first).toBe('{\n');
    expect(stderr).toBe('');
    expect(code).toBe(0);
  });
});
