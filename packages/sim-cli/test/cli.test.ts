import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { lbsim } from './in-process.ts';

const root = join(import.meta.dirname, '../../..');
const basic = join(root, 'scenarios/basic-public-lb.yaml');

function scenarioFile(text: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'lbsim-cli-'));
  const file = join(dir, 'scenario.yaml');
  writeFileSync(file, text);
  return file;
}

describe('lbsim run', () => {
  it('runs the basic scenario, prints the summary and exits 0 when expectations are met', async () => {
    const { code, stdout, stderr } = await lbsim('run', basic);
    expect(code).toBe(0);
    expect(stderr).toBe('');
    expect(stdout).toContain('completed      100  100%');
    expect(stdout).toMatch(
      /DIPs served: {5}10\.1\.0\.4 \(web-1\) ×\d+, 10\.1\.0\.5 \(web-2\) ×\d+, 10\.1\.0\.6 \(web-3\) ×\d+\n/,
    );
    expect(stdout).not.toContain('DIPs refused');
    expect(stdout).not.toContain('DIPs unanswered');
    expect(stdout).toContain('All expectations met.');
  });

  it('exits 1 when an expectation is not met', async () => {
    const text = (await import('node:fs'))
      .readFileSync(basic, 'utf8')
      .replace('dipsServed: { min: 3 }', 'dipsServed: { min: 4 }');
    const { code, stdout } = await lbsim('run', scenarioFile(text));
    expect(code).toBe(1);
    expect(stdout).toContain('NOT MET  web: served by at least 4 DIPs: 3 DIPs served it');
  });

  it('--seed changes the run and the same seed repeats it', async () => {
    const a = await lbsim('run', basic, '--seed', '1');
    const b = await lbsim('run', basic, '--seed', '1');
    const c = await lbsim('run', basic, '--seed', '2');
    expect(a.stdout).toBe(b.stdout);
    expect(a.stdout).not.toBe(c.stdout);
    expect(a.stdout).toContain('seed 1,');
  });

  it('--trace --connection shows only that connection', async () => {
    const { stdout } = await lbsim('run', basic, '--trace', '--connection', '3', '--at', 'client-1');
    const rows = stdout.split('\n').filter((line) => /^\d+\.\d{9} /.test(line));
    expect(rows.length).toBeGreaterThan(5);
    for (const row of rows) expect(row).toMatch(/^\S+ +client-1 /);
  });

  it('--connection with an id the run never started says so and exits 2, not an empty trace', async () => {
    for (const output of ['--trace', '--json']) {
      const { code, stderr } = await lbsim('run', basic, output, '--connection', '9999');
      expect(code).toBe(2);
      expect(stderr).toBe(
        'lbsim: --connection 9999: no such connection in this run (its connections are 1 to 100), so the trace shows nothing of it\n',
      );
    }
  });

  it('--at with a vantage point the scenario does not have says so before running and exits 2', async () => {
    const { code, stdout, stderr } = await lbsim('run', basic, '--trace', '--at', 'web-9');
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toBe('lbsim: --at web-9: no such vantage point in this scenario (did you mean "web-1"?)\n');
    const router = await lbsim('run', basic, '--trace', '--at', 'router', '--connection', '1');
    expect(router.code).toBe(0);
  });

  it('--trace shows health probes from 168.63.129.16 and the summary their verdicts; --no-probes hides the packets', async () => {
    const probed = join(root, 'scenarios/probe-wrong-port/broken.yaml');
    const rowsOf = (stdout: string) => stdout.split('\n').filter((line) => /^\d+\.\d{9} /.test(line));
    const shown = await lbsim('run', probed, '--trace', '--at', 'host-a');
    const probeRows = rowsOf(shown.stdout).filter((row) => row.includes('168.63.129.16'));
    expect(probeRows.some((row) => /^\S+ +host-a +fwd +168\.63\.129\.16 +10\.1\.0\.4 .*\[SYN\]/.test(row))).toBe(true);
    expect(shown.stdout).toMatch(/10\.1\.0\.4 \(web-1\) +web-lb\/tcp80 +DOWN +RST/);
    const hidden = await lbsim('run', probed, '--trace', '--no-probes');
    expect(rowsOf(hidden.stdout).filter((row) => row.includes('168.63.129.16'))).toEqual([]);
    expect(rowsOf(hidden.stdout).length).toBeGreaterThan(0);
  });

  it('bad arguments and bad input exit 2 with one clear line, never a stack trace', async () => {
    const cases = [
      await lbsim('run'),
      await lbsim('frobnicate'),
      await lbsim('run', basic, '--seed', 'x'),
      await lbsim('run', basic, '--seed', '-1'),
      await lbsim('run', '/no/such/file.yaml'),
    ];
    for (const result of cases) {
      expect(result.code).toBe(2);
      expect(result.stderr).not.toMatch(/\n\s+at /);
      expect(result.stderr.trim().split('\n').at(-1)).toMatch(/\S/);
    }
    expect(cases[4]?.stderr).toBe('/no/such/file.yaml  no such file\n');
  });

  it('a runaway scenario stops at its event budget with a clear message and exit 2', async () => {
    const text = (await import('node:fs'))
      .readFileSync(basic, 'utf8')
      .replace('duration: 30s', 'duration: 30s\neventBudget: 500');
    const { code, stderr, stdout } = await lbsim('run', scenarioFile(text));
    expect(code).toBe(2);
    expect(stdout).toContain('STOPPED after 500 events');
    expect(stderr).toContain('the event budget');
  });
});

describe('lbsim validate and help', () => {
  it('validate says a good file is valid and lists warnings', async () => {
    const quickstart = await lbsim('validate', join(root, 'scenarios/azure-quickstart-internal-lb.yaml'));
    expect(quickstart.code).toBe(0);
    expect(quickstart.stdout).toContain('valid scenario "azure-quickstart-internal-lb"\n');
    expect(quickstart.stderr).toBe('');
    const text = (await import('node:fs')).readFileSync(basic, 'utf8').replace('    type: public', '    sku: Basic');
    const { code, stdout, stderr } = await lbsim('validate', scenarioFile(text));
    expect(code).toBe(0);
    expect(stdout).toContain('valid scenario "basic-public-lb" (1 warning)');
    expect(stdout).toContain('Basic Load Balancer was retired on 30 September 2025');
    expect(stderr).toBe('');
  });

  it('validate prints its problems on standard output (like tsc and eslint), so > problems.txt captures them', async () => {
    const file = scenarioFile('name: t\nhosts: [\n');
    const { code, stdout, stderr } = await lbsim('validate', file);
    expect(code).toBe(2);
    expect(stderr).toBe('');
    expect(stdout).toMatch(/:\d+:\d+ /);
    expect(stdout.trimEnd().split('\n').at(-1)).toBe(`${file}: 1 problem`);
  });

  it('--help works for the program and every command', async () => {
    for (const argv of [['--help'], ['run', '--help'], ['validate', '--help']]) {
      const { code, stdout } = await lbsim(...argv);
      expect(code).toBe(0);
      expect(stdout).toContain('lbsim');
    }
    expect((await lbsim('run', '--help')).stdout).toContain('--seed');
  });
});

describe('lbsim schema', () => {
  it('prints the JSON Schema the catalogue files reference, and the committed copy is current', async () => {
    const { code, stdout } = await lbsim('schema');
    expect(code).toBe(0);
    const schema = JSON.parse(stdout) as {
      $schema: string;
      properties: Record<string, unknown>;
      additionalProperties: boolean;
    };
    expect(schema.$schema).toBe('http://json-schema.org/draft-07/schema#');
    expect(Object.keys(schema.properties)).toContain('loadBalancers');
    expect(schema.additionalProperties).toBe(false);
    const committed = (await import('node:fs')).readFileSync(join(root, 'schema/scenario.schema.json'), 'utf8');
    expect(committed, 'run: pnpm --silent lbsim schema > schema/scenario.schema.json').toBe(stdout);
  });
});
