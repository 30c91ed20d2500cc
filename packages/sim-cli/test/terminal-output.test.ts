/**
 * Text output is safe for a terminal and fits it. Control characters in scenario strings (a
 * probe's requestPath, a description, an expectation's description) are printed escaped by
 * run, explain, validate, list and test, never raw (clear screen, window title, hidden
 * cursor). Long lines (the summary's reach hundreds of columns) are wrapped to the terminal's
 * width when standard output is one, and left whole in a pipe.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { type CliIo, main, outputWidthOf } from '../src/index.ts';

const root = join(import.meta.dirname, '../../..');
const probeScenario = join(root, 'scenarios/http-probe-non-200/broken.yaml');

async function lbsim(argv: string[], terminal: Partial<CliIo> = {}) {
  let stdout = '';
  let stderr = '';
  const code = await main(argv, {
    stdout: (t) => (stdout += t),
    stderr: (t) => (stderr += t),
    stderrIsTty: false,
    ...terminal,
  });
  return { code, stdout, stderr };
}

/** The HTTP-probe scenario with escape sequences in its strings, alone in a fresh directory. */
function hostileScenario(): { directory: string; file: string } {
  const text = readFileSync(probeScenario, 'utf8')
    // Clear screen, set the window title, bell: YAML double quotes make \e and \a real ESC and BEL.
    .replace('requestPath: /health', 'requestPath: "/health\\e[2J\\e]0;pwned\\a"')
    .replace(/^description: >\n(?: {2}.*\n)+/m, 'description: "evil \\e[?25l hidden\\rcursor"\n')
    .replace('description: "both DIPs are probed down"', 'description: "both \\e[31mDIPs\\e[0m down"');
  const directory = mkdtempSync(join(tmpdir(), 'lbsim-hostile-'));
  const file = join(directory, 'hostile.yaml');
  writeFileSync(file, text);
  return { directory, file };
}

/** Whether `text` holds a control character other than the line break. */
function hasRawControl(text: string): boolean {
  return [...text].some((c) => {
    const code = c.charCodeAt(0);
    return (code < 0x20 && c !== '\n') || (code >= 0x7f && code <= 0x9f);
  });
}

describe('control characters in scenario strings', () => {
  it('are printed escaped by run, run --trace, explain, validate, list and test', async () => {
    const { directory, file } = hostileScenario();
    const outputs = {
      run: await lbsim(['run', file]),
      trace: await lbsim(['run', file, '--trace', '--at', 'web-1']),
      explain: await lbsim(['explain', file]),
      validate: await lbsim(['validate', file]),
      list: await lbsim(['list', directory]),
      test: await lbsim(['test', directory]),
    };
    for (const [command, { stdout, stderr }] of Object.entries(outputs)) {
      expect(hasRawControl(stdout), `${command} stdout`).toBe(false);
      expect(hasRawControl(stderr), `${command} stderr`).toBe(false);
    }
    expect(outputs.run.stdout).toContain('GET /health\\u001b[2J\\u001b]0;pwned\\u0007 on port 80');
    expect(outputs.run.stdout).toContain('both \\u001b[31mDIPs\\u001b[0m down');
    expect(outputs.trace.stdout).toContain('/health\\u001b[2J');
    expect(outputs.explain.stdout).toContain('GET /health\\u001b[2J\\u001b]0;pwned\\u0007');
    expect(outputs.list.stdout).toContain('evil \\u001b[?25l hidden\\rcursor');
    expect(outputs.test.stdout).toMatch(/^met {5}/m);
  });
});

describe('line width', () => {
  it('a terminal of 80 columns gets no line longer than 80 from run, explain and test', async () => {
    const terminal = { stdoutIsTty: true, stdoutColumns: 80 };
    const outputs = [
      await lbsim(['run', probeScenario], terminal),
      await lbsim(['explain', probeScenario], terminal),
      await lbsim(['test', probeScenario], terminal),
    ];
    for (const { stdout } of outputs) {
      for (const line of stdout.split('\n')) expect(line.length, line).toBeLessThanOrEqual(80);
    }
    // Wrapped lines continue indented under their own line.
    expect(outputs[0]?.stdout).toMatch(/^ {2}10 connections of web timed out: .*\n {6}\S/m);
  });

  it('a pipe keeps each line whole', async () => {
    const { stdout } = await lbsim(['run', probeScenario]);
    expect(Math.max(...stdout.split('\n').map((line) => line.length))).toBeGreaterThan(200);
  });

  it('the width is the terminal’s, else COLUMNS, else none', () => {
    expect(outputWidthOf(true, 120, undefined)).toBe(120);
    expect(outputWidthOf(true, 120, '60')).toBe(120);
    expect(outputWidthOf(true, undefined, '60')).toBe(60);
    expect(outputWidthOf(false, undefined, '72')).toBe(72);
    expect(outputWidthOf(false, undefined, undefined)).toBeUndefined();
    expect(outputWidthOf(false, undefined, 'wide')).toBeUndefined();
    expect(outputWidthOf(false, undefined, '0')).toBeUndefined();
  });

  it('a real process honours COLUMNS', () => {
    const stdout = execFileSync(
      join(root, 'node_modules/.bin/tsx'),
      [join(root, 'packages/sim-cli/src/bin.ts'), 'run', probeScenario],
      { cwd: root, encoding: 'utf8', env: { ...process.env, COLUMNS: '60' } },
    );
    expect(stdout).toContain('All expectations met.');
    for (const line of stdout.split('\n')) expect(line.length, line).toBeLessThanOrEqual(60);
  });
});
