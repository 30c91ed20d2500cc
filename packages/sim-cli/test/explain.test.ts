/**
 * `lbsim explain` and explanations in the other outputs: catalogue ids and variants resolve to
 * files, bad input is one line and exit 2, the full form names the packet, node, failure mode
 * and fix; `lbsim run` has one line per explanation; `--json` has `explanation` lines; the
 * report has a section.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { resolveScenario } from '../src/catalogue/resolve-scenario.ts';
import { checkArguments } from '../src/index.ts';
import { lbsim } from './in-process.ts';

const root = join(import.meta.dirname, '../../..');
const catalogue = join(root, 'scenarios');

describe('resolving a scenario argument', () => {
  it('takes a file, an id (its broken variant), an id/variant, or a top-level scenario', () => {
    const file = join(catalogue, 'tw-recycle/fixed.yaml');
    expect(resolveScenario(file, catalogue)).toEqual({ ok: true, path: file });
    expect(resolveScenario('tw-recycle', catalogue)).toEqual({
      ok: true,
      path: join(catalogue, 'tw-recycle/broken.yaml'),
    });
    expect(resolveScenario('idle-timeout/broken-tcp-reset', catalogue)).toEqual({
      ok: true,
      path: join(catalogue, 'idle-timeout/broken-tcp-reset.yaml'),
    });
    expect(resolveScenario('basic-public-lb', catalogue)).toEqual({
      ok: true,
      path: join(catalogue, 'basic-public-lb.yaml'),
    });
  });

  it('suggests the nearest id for a misspelt one', () => {
    expect(resolveScenario('tw-recyle', catalogue)).toEqual({
      ok: false,
      error: `no scenario file or catalogue id "tw-recyle" in ${catalogue} (did you mean "tw-recycle"?)`,
    });
    expect(resolveScenario('nsg-blocks-probe/fixd', catalogue)).toMatchObject({
      ok: false,
      error: expect.stringContaining('(did you mean "nsg-blocks-probe/fixed"?)'),
    });
  });
});

describe('lbsim explain', () => {
  it('tells each explanation in full: what was seen, where, why, the fix, the failure mode', async () => {
    const { code, stdout: wrapped, stderr } = await lbsim('explain', 'nsg-blocks-probe', '--catalogue', catalogue);
    // Fields wrap at 100 columns under a 13-column label: read them unwrapped.
    const stdout = wrapped.replace(/\n {13}/g, ' ');
    expect(code).toBe(0);
    expect(stderr).toBe('');
    expect(stdout).toMatch(
      /^nsg-blocks-probe-broken \(.*scenarios\/nsg-blocks-probe\/broken\.yaml\): seed 11: 2 explanations\n/,
    );
    expect(stdout).toContain('E1  10 connections of web timed out → nsg-blocks-probe');
    expect(stdout).toMatch(
      /where: +16\.005050000 s at mux-2 \(connection 17\) +TCP 203\.0\.113\.7:\d+ → 52\.170\.10\.20:80 \[SYN\]/,
    );
    expect(stdout).toContain('dropped (no-healthy-dip): rule web-lb/http has no DIP to send new flows to');
    expect(stdout).toMatch(/because: see E2/);
    expect(stdout).toMatch(/allowing source AzureLoadBalancer \(protocol \*, any port\) at a priority below 4000/);
    expect(stdout).toContain('E2  web-1 and web-2 probed down by web-lb/tcp80 (1 timeout) → nsg-blocks-probe');
    expect(stdout).toMatch(/dropped \(nsg-denied\): NSG web-nsg \(NIC web-1-nic0\): Inbound rule deny-all-inbound/);
    expect(stdout).toMatch(/trace: +lbsim run .*broken\.yaml --trace --connection 17/);
  });

  it('says so when there is nothing to explain, and takes --seed', async () => {
    const { code, stdout } = await lbsim('explain', 'nsg-blocks-probe/fixed', '--catalogue', catalogue, '--seed', '3');
    expect(code).toBe(0);
    expect(stdout).toMatch(/: seed 3\n\nNothing to explain/);
  });

  it('bad input: one line, exit 2, no stack trace', async () => {
    for (const argv of [
      ['explain', 'tw-recyle', '--catalogue', catalogue],
      ['explain', 'missing.yaml'],
      ['explain', 'tw-recycle', '--catalogue', join(root, 'no-such-directory')],
      ['explain', 'tw-recycle', '--catalogue', catalogue, '--seed', '-1'],
      ['explain', 'tw-recycle', '--catalogue', catalogue, '--bogus'],
    ]) {
      const { code, stdout, stderr } = await lbsim(...argv);
      expect(code, argv.join(' ')).toBe(2);
      expect(stdout, argv.join(' ')).toBe('');
      expect(stderr).not.toMatch(/\n\s+at /);
      expect(stderr.split('\n')[0]).toMatch(/^lbsim: /);
    }
    expect((await lbsim('explain', 'tw-recyle', '--catalogue', catalogue)).stderr).toBe(
      `lbsim: no scenario file or catalogue id "tw-recyle" in ${catalogue} (did you mean "tw-recycle"?)\n`,
    );
  });

  it('documents the argument forms in --help', async () => {
    const { code, stdout } = await lbsim('explain', '--help');
    expect(code).toBe(0);
    expect(stdout).toContain('tw-recycle means scenarios/tw-recycle/broken.yaml');
    expect(stdout).toContain('tw-recycle/fixed');
  });

  it('checkArguments parses without running', async () => {
    expect(await checkArguments(['explain', 'anything'])).toBeUndefined();
    expect(await checkArguments(['run', 'x.yaml', '--bogus'])).toBe('Unknown argument: bogus');
  });
});

describe('explanations in the other outputs', () => {
  const file = join(catalogue, 'probe-wrong-port/broken.yaml');

  it('lbsim run: one line per explanation, the verdicts behind a connection line inside it', async () => {
    const { stdout } = await lbsim('run', file);
    const why = stdout.slice(stdout.indexOf('\nWhy'), stdout.indexOf('\nDrops\n'));
    const lines = why.trim().split('\n').slice(1);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(
      /^ {2}10 connections of web timed out: the Muxes had no healthy DIP for rule web-lb\/https: both DIPs \(web-1 and web-2\) were probed down \(RST\)\. Probe web-lb\/tcp80 checks TCP port 80.* → probe-wrong-port; fix: set port: 443 on probe web-lb\/tcp80/,
    );
  });

  it('--json: explanation lines between the health and the expectation lines', async () => {
    const lines = (await lbsim('run', file, '--json')).stdout
      .trimEnd()
      .split('\n')
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    const types = [...new Set(lines.map((line) => line['type']))];
    expect(types.slice(types.indexOf('health'))).toEqual([
      'health',
      'explanation',
      'expectation',
      'metrics',
      'metric',
      'metricNotDefined',
      'nsgFlowLog',
      'summary',
    ]);
    const explanations = lines.filter((line) => line['type'] === 'explanation');
    expect(explanations.map((line) => [line['id'], line['subject'], line['failureMode'], line['causedBy']])).toEqual([
      ['E1', 'connections', 'probe-wrong-port', ['E2']],
      ['E2', 'health', 'probe-wrong-port', []],
    ]);
    expect(explanations[1]?.['evidence']).toEqual([
      expect.objectContaining({ node: 'web-1', reason: 'no-listener', connectionId: null }),
      expect.objectContaining({ node: 'web-2', reason: 'no-listener', connectionId: null }),
    ]);
  });

  it('--report: a section of explanations, and each failed connection links to its own', async () => {
    const out = join(mkdtempSync(join(tmpdir(), 'lbsim-explain-')), 'report.html');
    await lbsim('run', file, '--report', out);
    const page = readFileSync(out, 'utf8');
    expect(page).toContain('<section id="explanations"><h2>Why it failed</h2>');
    expect(page).toContain('<article class="explanation" id="explanation-E2">');
    expect(page).toMatch(
      /<p class="why">Why: <a href="#explanation-E1">E1<\/a>, <span class="mono">probe-wrong-port<\/span>/,
    );
  });
});
