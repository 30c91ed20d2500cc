/**
 * A write that fails mid-run (a full disk, ENOSPC; a file over the size limit, EFBIG) leaves
 * the files that were there before intact and nothing partial, and lbsim says so. The failure
 * is injected into `writeSync` once an lbsim output has taken `failAfterBytes` bytes.
 */
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { lbsim } from './in-process.ts';

const injected: { code: string | undefined; failAfterBytes: number; written: number } = {
  code: undefined,
  failAfterBytes: 0,
  written: 0,
};

vi.mock('node:fs', async (original) => {
  const real = await original<typeof import('node:fs')>();
  const writeSync = ((fd: number, buffer: NodeJS.ArrayBufferView, ...rest: unknown[]) => {
    if (injected.code !== undefined) {
      injected.written += buffer.byteLength;
      if (injected.written > injected.failAfterBytes) {
        const error = new Error(`${injected.code}: injected failure`) as NodeJS.ErrnoException;
        error.code = injected.code;
        throw error;
      }
    }
    return (real.writeSync as (...args: unknown[]) => number)(fd, buffer, ...rest);
  }) as typeof real.writeSync;
  return { ...real, writeSync, default: { ...real, writeSync } };
});

const root = join(import.meta.dirname, '../../..');
const basic = join(root, 'scenarios/basic-public-lb.yaml');

/** Every file in `directory` with the SHA-256 of its bytes, hidden ones included. */
function contents(directory: string): Map<string, string> {
  return new Map(
    readdirSync(directory).map((name) => [
      name,
      createHash('sha256')
        .update(readFileSync(join(directory, name)))
        .digest('hex'),
    ]),
  );
}

afterEach(() => {
  injected.code = undefined;
  injected.written = 0;
});

describe('a failed write leaves the old files intact', () => {
  for (const code of ['ENOSPC', 'EFBIG']) {
    it(`${code} while captures are written: the earlier captures stay as they were, nothing partial appears`, async () => {
      expect(fs.writeSync).toBeTypeOf('function');
      const directory = mkdtempSync(join(tmpdir(), 'lbsim-fail-'));
      expect((await lbsim('run', basic, '--pcap', directory, '--seed', '1')).code).toBe(0);
      const before = contents(directory);
      Object.assign(injected, { code, failAfterBytes: 100_000, written: 0 });
      const { code: exit, stderr } = await lbsim('run', basic, '--pcap', directory, '--seed', '2');
      expect(exit).toBe(2);
      expect(stderr).toMatch(
        new RegExp(
          `^lbsim: cannot write capture ${directory}/\\S+\\.pcapng: ${code}: injected failure; nothing was written: the files already there are as they were\\n$`,
        ),
      );
      expect(contents(directory)).toEqual(before);
    });
  }

  it('ENOSPC while the report is written: the earlier report stays as it was, and lbsim says so', async () => {
    const directory = mkdtempSync(join(tmpdir(), 'lbsim-fail-'));
    const report = join(directory, 'report.html');
    expect((await lbsim('run', basic, '--report', report, '--seed', '1')).code).toBe(0);
    const before = contents(directory);
    Object.assign(injected, { code: 'ENOSPC', failAfterBytes: 1000, written: 0 });
    const { code, stderr } = await lbsim('run', basic, '--report', report, '--seed', '2');
    expect(code).toBe(2);
    expect(stderr).toBe(`lbsim: cannot write report ${report}: ENOSPC: injected failure; the report was not written\n`);
    expect(contents(directory)).toEqual(before);
  });
});
