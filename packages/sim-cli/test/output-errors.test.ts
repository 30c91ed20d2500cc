/**
 * Bad output options and paths: a clear message and exit 2 before anything runs, never a
 * stack trace, and nothing the user had is overwritten.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { lbsim } from './in-process.ts';

const root = join(import.meta.dirname, '../../..');
const basic = join(root, 'scenarios/basic-public-lb.yaml');

function scratch(): string {
  return mkdtempSync(join(tmpdir(), 'lbsim-out-'));
}

describe('output options: bad values and paths exit 2 with one clear line', () => {
  it('--pcap into a path that cannot be a directory', async () => {
    const { code, stdout, stderr } = await lbsim('run', basic, '--pcap', '/dev/null/captures');
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toBe('lbsim: cannot create capture directory /dev/null/captures: ENOTDIR: not a directory\n');
  });

  it('--pcap onto an existing file', async () => {
    const file = join(scratch(), 'x.txt');
    writeFileSync(file, 'mine');
    const { code, stderr } = await lbsim('run', basic, '--pcap', file);
    expect(code).toBe(2);
    expect(stderr).toMatch(/^lbsim: cannot create capture directory .*x\.txt: EEXIST: file already exists\n$/);
    expect(readFileSync(file, 'utf8')).toBe('mine');
  });

  it('--pcap into a directory holding a file of a capture name that lbsim did not write', async () => {
    const directory = scratch();
    const foreign = join(directory, 'client-1.pcapng');
    writeFileSync(foreign, 'not a capture');
    const { code, stderr } = await lbsim('run', basic, '--pcap', directory);
    expect(code).toBe(2);
    expect(stderr).toBe(
      `lbsim: ${foreign} exists and is not an lbsim capture: lbsim does not overwrite it; remove it or choose another path\n`,
    );
    expect(readFileSync(foreign, 'utf8')).toBe('not a capture');
  });

  it('--pcap into a directory of earlier captures replaces them with the same bytes', async () => {
    const directory = scratch();
    expect((await lbsim('run', basic, '--pcap', directory)).code).toBe(0);
    const first = readFileSync(join(directory, 'mux-1.pcapng'));
    const again = await lbsim('run', basic, '--pcap', directory);
    expect(again.code).toBe(0);
    expect(again.stderr).toBe(`lbsim: wrote 12 captures (pcapng) into ${directory}\n`);
    expect(readFileSync(join(directory, 'mux-1.pcapng')).equals(first)).toBe(true);
  });

  it('--report or --pcap onto the scenario file itself is refused, whatever the scenario contains', async () => {
    // A scenario whose comment carries the report generator mark looks like an earlier report.
    const directory = scratch();
    const scenario = join(directory, 'client-1.pcapng');
    const text = `# <meta name="generator" content="lbsim">\n${readFileSync(basic, 'utf8')}`;
    writeFileSync(scenario, text);
    const report = await lbsim('run', scenario, '--report', scenario);
    expect(report.code).toBe(2);
    expect(report.stderr).toBe(
      `lbsim: ${scenario} is the scenario file of this run: lbsim never writes over its input; choose another path\n`,
    );
    const pcap = await lbsim('run', scenario, '--pcap', directory);
    expect(pcap.code).toBe(2);
    expect(pcap.stderr).toContain(`lbsim: ${scenario} is the scenario file of this run`);
    expect(readFileSync(scenario, 'utf8')).toBe(text);
  });

  it('--report naming one of the captures of the same run is refused', async () => {
    const directory = scratch();
    const { code, stderr } = await lbsim(
      'run',
      basic,
      '--pcap',
      directory,
      '--report',
      join(directory, 'mux-1.pcapng'),
    );
    expect(code).toBe(2);
    expect(stderr).toBe(
      `lbsim: --report ${join(directory, 'mux-1.pcapng')} is one of the captures --pcap writes: give the report another name\n`,
    );
  });

  it('--report into a path whose directory is a file', async () => {
    const { code, stderr } = await lbsim('run', basic, '--report', '/dev/null/r.html');
    expect([code, stderr]).toEqual([2, 'lbsim: cannot write report /dev/null/r.html: /dev/null is not a directory\n']);
  });

  it('bad option values', async () => {
    for (const argv of [
      ['--pcap-format', 'pcapx', '--pcap', scratch()],
      ['--pcap', ''],
      ['--report', ''],
      ['--json', '--connection', '0'],
    ]) {
      const { code, stderr } = await lbsim('run', basic, ...argv);
      expect(code, argv.join(' ')).toBe(2);
      expect(stderr).not.toMatch(/\n\s+at /);
      expect(stderr).toMatch(/^lbsim: /m);
    }
    expect((await lbsim('run', basic, '--pcap', '')).stderr).toContain('lbsim: --pcap needs a path');
    expect((await lbsim('run', basic, '--pcap-format', 'pcapx', '--pcap', scratch())).stderr).toContain(
      'Invalid values',
    );
  });
});
