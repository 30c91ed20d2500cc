/**
 * Outputs that never harm the user's files (issue 16): lbsim replaces only files it can prove
 * it wrote, never writes through a symbolic link, never overwrites a file that appeared during
 * the run, leaves nothing partial when interrupted, lets two runs share a directory, and
 * refuses an unwritable report directory before running.
 */
import { execFile } from 'node:child_process';
import {
  chmodSync,
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { encodePcapngSectionHeader } from '@lbsim/core';
import { describe, expect, it } from 'vitest';
import { main } from '../src/index.ts';
import { hasCaptureMark } from '../src/output/overwrite-guard.ts';
import { abandonPendingOutputs } from '../src/output/pending-outputs.ts';

const root = join(import.meta.dirname, '../../..');
const basic = join(root, 'scenarios/basic-public-lb.yaml');
const child = join(import.meta.dirname, 'fixtures/interrupt-child.ts');
const run = promisify(execFile);

async function lbsim(argv: readonly string[], onStdout: (text: string) => void = () => {}) {
  let stdout = '';
  let stderr = '';
  const code = await main([...argv], {
    stdout: (t) => {
      stdout += t;
      onStdout(t);
    },
    stderr: (t) => (stderr += t),
    stderrIsTty: false,
  });
  return { code, stdout, stderr };
}

function scratch(): string {
  return mkdtempSync(join(tmpdir(), 'lbsim-safe-'));
}

/** A nanosecond classic pcap of the user's own: a global header and one 4-byte record. */
function usersPcap(): Buffer {
  const header = Buffer.from('4d3cb2a10200040000000000000000000000040065000000', 'hex');
  const record = Buffer.from('0100000000000000040000000400000045000000', 'hex');
  return Buffer.concat([header, record]);
}

describe('lbsim replaces only files it can prove it wrote', () => {
  it("a user's nanosecond pcap named like a vantage point is not overwritten", async () => {
    const directory = scratch();
    const mine = join(directory, 'web-1.pcap');
    writeFileSync(mine, usersPcap());
    const { code, stdout, stderr } = await lbsim(['run', basic, '--pcap', directory, '--pcap-format', 'pcap']);
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toBe(
      `lbsim: ${mine} exists and is a classic pcap: that format has no room for lbsim's mark, so lbsim cannot tell it wrote it and does not overwrite it; remove it or choose another directory\n`,
    );
    expect(readFileSync(mine).equals(usersPcap())).toBe(true);
    expect(readdirSync(directory)).toEqual(['web-1.pcap']);
  });

  it('a pcapng that merely mentions lbsim is not overwritten; an earlier lbsim capture is', async () => {
    const directory = scratch();
    const mentions = [
      encodePcapngSectionHeader('Wireshark', ['made while testing lbsim', 'lbsim-run 0123456789abcdef']),
      encodePcapngSectionHeader('lbsim', ['no run mark']),
      Buffer.from('lbsim lbsim lbsim'),
    ];
    for (const bytes of mentions) {
      const mine = join(directory, 'mux-1.pcapng');
      writeFileSync(mine, bytes);
      expect(hasCaptureMark(bytes)).toBe(false);
      const { code, stderr } = await lbsim(['run', basic, '--pcap', directory]);
      expect(code).toBe(2);
      expect(stderr).toBe(
        `lbsim: ${mine} exists and is not an lbsim capture: lbsim does not overwrite it; remove it or choose another path\n`,
      );
      expect(Buffer.from(readFileSync(mine)).equals(Buffer.from(bytes))).toBe(true);
    }
    const own = scratch();
    expect((await lbsim(['run', basic, '--pcap', own])).code).toBe(0);
    expect(hasCaptureMark(readFileSync(join(own, 'mux-1.pcapng')))).toBe(true);
    expect((await lbsim(['run', basic, '--pcap', own])).code).toBe(0);
  });

  it('a file saved at the report path or a capture path during the run is not overwritten, and lbsim says so', async () => {
    const directory = scratch();
    const report = join(directory, 'report.html');
    const captures = join(directory, 'captures');
    const capture = join(captures, 'web-2.pcapng');
    let lines = 0;
    const { code, stderr } = await lbsim(['run', basic, '--trace', '--pcap', captures, '--report', report], () => {
      // The table's header comes before the run; the tenth line is a packet in mid-run.
      lines += 1;
      if (lines !== 10) return;
      writeFileSync(report, 'saved meanwhile');
      writeFileSync(capture, 'saved meanwhile');
    });
    expect(code).toBe(2);
    expect(readFileSync(report, 'utf8')).toBe('saved meanwhile');
    expect(readFileSync(capture, 'utf8')).toBe('saved meanwhile');
    expect(stderr).toContain(
      `lbsim: ${capture} exists and is not an lbsim capture: lbsim does not overwrite it; remove it or choose another path (it appeared or changed during the run; this capture was not written)\n`,
    );
    expect(stderr).toContain(`lbsim: ${report} exists and is not an lbsim report`);
    expect(stderr).toContain('the report was not written\n');
    // The other captures were finished and are in place; no temporary file is left.
    expect(readdirSync(captures).sort()).toEqual(
      readdirSync(captures)
        .filter((name) => !name.startsWith('.'))
        .sort(),
    );
    expect(hasCaptureMark(readFileSync(join(captures, 'web-1.pcapng')))).toBe(true);
  });

  it('a dangling symbolic link at --report or at a capture path is refused, and nothing is created', async () => {
    const directory = scratch();
    const target = join(directory, 'elsewhere', 'created-through-link');
    mkdirSync(join(directory, 'elsewhere'));
    const report = join(directory, 'report.html');
    symlinkSync(target, report);
    const viaReport = await lbsim(['run', basic, '--report', report]);
    expect(viaReport.code).toBe(2);
    expect(viaReport.stderr).toBe(
      `lbsim: ${report} is a symbolic link: lbsim does not write through links; remove it or choose another path\n`,
    );
    const captures = join(directory, 'captures');
    mkdirSync(captures);
    const capture = join(captures, 'mux-2.pcapng');
    symlinkSync(target, capture);
    const viaCapture = await lbsim(['run', basic, '--pcap', captures]);
    expect(viaCapture.code).toBe(2);
    expect(viaCapture.stderr).toBe(
      `lbsim: ${capture} is a symbolic link: lbsim does not write through links; remove it or choose another path\n`,
    );
    expect(existsSync(target)).toBe(false);
    expect(lstatSync(capture).isSymbolicLink()).toBe(true);
    expect(readdirSync(captures)).toEqual(['mux-2.pcapng']);
  });

  it('an unwritable --report directory is refused before the run, exit 2', async () => {
    const directory = scratch();
    chmodSync(directory, 0o500);
    // Root writes anywhere a mode allows nothing; /sys takes no new files from anyone.
    const report = process.getuid?.() === 0 ? '/sys/lbsim-report.html' : join(directory, 'report.html');
    const { code, stdout, stderr } = await lbsim(['run', basic, '--report', report]);
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toMatch(new RegExp(`^lbsim: cannot write report ${report}: E[A-Z]+: .*\\n$`));
    chmodSync(directory, 0o700);
  });
});

describe('interrupted and concurrent runs', () => {
  it('an interrupt mid-run (the writer abandoned) leaves no partial file and says what was not written', async () => {
    const directory = scratch();
    const captures = join(directory, 'captures');
    const report = join(directory, 'report.html');
    let message: string | undefined;
    let lines = 0;
    const { code, stderr } = await lbsim(['run', basic, '--trace', '--pcap', captures, '--report', report], () => {
      lines += 1;
      if (lines === 10) message = abandonPendingOutputs();
    });
    expect(message).toMatch(
      /^lbsim: interrupted: not written: .*report\.html, .*client-1\.pcapng, .*_all\.pcapng; files already there are as they were\n$/,
    );
    expect(code).toBe(2);
    expect(stderr).toContain('was abandoned (interrupted): not written');
    expect(readdirSync(captures)).toEqual([]);
    expect(existsSync(report)).toBe(false);
  });

  it('Ctrl-C (SIGINT) to an lbsim process mid-run leaves no file at all, not even an empty or hidden one', async () => {
    const directory = scratch();
    const captures = join(directory, 'captures');
    const report = join(directory, 'report.html');
    const outcome = await run(process.execPath, [
      '--import',
      'tsx',
      child,
      'run',
      basic,
      '--trace',
      '--pcap',
      captures,
      '--report',
      report,
    ]).then(
      () => 'finished',
      (error: { signal?: string }) => error.signal,
    );
    expect(outcome).toBe('SIGINT');
    expect(readdirSync(captures)).toEqual([]);
    expect(readdirSync(directory)).toEqual(['captures']);
  });

  it('two runs into one --pcap directory at once both succeed and leave lbsim captures', async () => {
    const directory = scratch();
    const bin = join(root, 'packages/sim-cli/src/bin.ts');
    const both = await Promise.allSettled(
      [1, 2].map(() =>
        run(process.execPath, ['--import', 'tsx', bin, 'run', basic, '--pcap', directory], { cwd: root }),
      ),
    );
    for (const result of both) expect(result.status, JSON.stringify(result)).toBe('fulfilled');
    const names = readdirSync(directory);
    expect(names).toHaveLength(12);
    for (const name of names) expect(hasCaptureMark(readFileSync(join(directory, name))), name).toBe(true);
  });
});
