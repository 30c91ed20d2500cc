/**
 * `lbsim list` and `lbsim test` on catalogue-shaped fixture directories: one folder per
 * failure mode with broken/fixed variants, plus top-level files.
 */
import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { lbsim } from './in-process.ts';

const root = join(import.meta.dirname, '../../..');

/** A small scenario whose connections all time out: floating IP without the VIP on loopback. */
const floating = `name: floating
description: placeholder
duration: 20s
network: { muxes: 2 }
hosts:
  - name: host-a
    vms: [{ name: web-1, nics: [{ ip: 10.1.0.4, networkSecurityGroup: nsg }], listeners: [{ port: 80 }] }]
clients: [{ name: client-1, ip: 203.0.113.7 }]
loadBalancers:
  - name: lb
    frontends: [{ name: fe, ip: 52.170.10.20 }]
    backendPools: [{ name: web, members: [web-1] }]
    rules: [{ name: r, frontend: fe, backendPool: web, protocol: Tcp, frontendPort: 80, backendPort: 80, enableFloatingIP: true }]
networkSecurityGroups:
  - name: nsg
    securityRules:
      - { name: allow-http, priority: 100, direction: Inbound, access: Allow, protocol: Tcp, destinationPortRange: 80 }
traffic:
  - { name: web, from: client-1, to: 52.170.10.20:80, connections: 4 }
`;

/** A scenario named `name` whose connections all time out, expecting `outcome`. */
function scenario(name: string, description: string, outcome: string): string {
  return floating
    .replace(/^name: .*$/m, `name: ${name}`)
    .replace(/^description: .*$/m, `description: ${JSON.stringify(description)}`)
    .concat(`expect:\n  - { traffic: web, outcome: ${outcome} }\n`);
}

function catalogue(files: Record<string, string>): string {
  const directory = mkdtempSync(join(tmpdir(), 'lbsim-catalogue-'));
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(directory, path)), { recursive: true });
    writeFileSync(join(directory, path), text);
  }
  return directory;
}

const allMet = {
  'floating-ip/fixed.yaml': scenario('floating-fixed', 'Fixed.', 'timed-out'),
  'floating-ip/broken.yaml': scenario('floating-broken', 'The broken one.\nSecond line.', 'timed-out'),
  'floating-ip/broken-windows.yaml': scenario('floating-broken-windows', 'Windows guests.', 'timed-out'),
  'alpha/broken.yaml': scenario('alpha-broken', 'Alpha.', 'timed-out'),
  'standalone.yaml': scenario('standalone', 'On its own.', 'timed-out'),
};

describe('lbsim list', () => {
  it('lists id, variant, name and description first line, broken before fixed', async () => {
    const { code, stdout } = await lbsim('list', catalogue(allMet));
    expect(code).toBe(0);
    expect(stdout.split('\n').map((line) => line.split(/\s{2,}/).slice(0, 4))).toEqual([
      ['id', 'variant', 'name', 'description'],
      ['alpha', 'broken', 'alpha-broken', 'Alpha.'],
      ['floating-ip', 'broken', 'floating-broken', 'The broken one.'],
      ['floating-ip', 'broken-windows', 'floating-broken-windows', 'Windows guests.'],
      ['floating-ip', 'fixed', 'floating-fixed', 'Fixed.'],
      ['standalone', '-', 'standalone', 'On its own.'],
      [''],
    ]);
  });

  it('lists the bundled scenarios by default', async () => {
    const { code, stdout } = await lbsim('list', join(root, 'scenarios'));
    expect(code).toBe(0);
    expect(stdout).toContain('basic-public-lb');
    expect(stdout).toContain('azure-quickstart-internal-lb');
  });

  it('marks an invalid file and exits 2; a missing or empty directory is a clear error', async () => {
    const directory = catalogue({ ...allMet, 'gamma/broken.yaml': 'name: x\nhosts: []\n' });
    const { code, stdout, stderr } = await lbsim('list', directory);
    expect(code).toBe(2);
    expect(stdout).toMatch(/gamma +broken +\(invalid\) +\d+ problems?: lbsim validate /);
    expect(stderr).toContain('1 of 6 scenario files are invalid');
    const missing = await lbsim('list', join(directory, 'nope'));
    expect([missing.code, missing.stderr]).toEqual([
      2,
      `lbsim: cannot read ${join(directory, 'nope')}: ENOENT: no such file or directory\n`,
    ]);
    const empty = await lbsim('list', mkdtempSync(join(tmpdir(), 'lbsim-empty-')));
    expect(empty.code).toBe(2);
    expect(empty.stderr).toContain('no scenario files (*.yaml) under');
  });
});

describe('lbsim test', () => {
  it('exits 0 when every scenario is met, one line each and a tally', async () => {
    const directory = catalogue(allMet);
    const { code, stdout } = await lbsim('test', directory);
    expect(code).toBe(0);
    const lines = stdout.trimEnd().split('\n');
    expect(lines.slice(0, 5).map((line) => line.split(' ')[0])).toEqual(Array(5).fill('met'));
    expect(lines[0]).toContain(join(directory, 'alpha/broken.yaml'));
    expect(lines.at(-1)).toBe('5 scenarios: 5 met, 0 not met, 0 invalid');
  });

  it('exits 1 when one is not met, naming the first unmet expectation', async () => {
    const directory = catalogue({ ...allMet, 'beta/fixed.yaml': scenario('beta-fixed', 'Beta.', 'completed') });
    const { code, stdout } = await lbsim('test', directory);
    expect(code).toBe(1);
    expect(stdout).toMatch(
      /NOT MET {2}\S+beta\/fixed\.yaml +1 of 1 not met; first: web: every connection completed: 0\/4 completed/,
    );
    expect(stdout.trimEnd().split('\n').at(-1)).toBe('6 scenarios: 5 met, 1 not met, 0 invalid');
  });

  it('exits 2 when one is invalid, and still runs the rest', async () => {
    const directory = catalogue({ ...allMet, 'gamma/broken.yaml': 'name: x\nhosts: []\n' });
    const { code, stdout } = await lbsim('test', directory);
    expect(code).toBe(2);
    expect(stdout).toMatch(/INVALID {2}\S+gamma\/broken\.yaml +\d+ problems?; first: /);
    expect(stdout.trimEnd().split('\n').at(-1)).toBe('6 scenarios: 5 met, 0 not met, 1 invalid');
  });

  it('skips scale runs in a scale/ folder, and runs them when pointed at the folder', async () => {
    const directory = catalogue({ ...allMet, 'scale/huge.yaml': scenario('huge', 'A scale run.', 'completed') });
    const { code, stdout } = await lbsim('test', directory);
    expect(code).toBe(0);
    expect(stdout).toMatch(/^skipped {2}\S+scale\/huge\.yaml +a scale run; run it alone with lbsim run$/m);
    expect(stdout.trimEnd().split('\n').at(-1)).toBe('5 scenarios: 5 met, 0 not met, 0 invalid, 1 skipped');
    const alone = await lbsim('test', join(directory, 'scale'));
    expect(alone.code).toBe(1);
    expect(alone.stdout.trimEnd().split('\n').at(-1)).toBe('1 scenario: 0 met, 1 not met, 0 invalid');
  });

  it('runs the bundled scenarios', async () => {
    const { code, stdout } = await lbsim('test', join(root, 'scenarios'));
    expect(code).toBe(0);
    expect(stdout).toMatch(/scenarios: \d+ met, 0 not met, 0 invalid, 1 skipped\n$/);
    expect(stdout).toMatch(/^skipped {2}\S+million-connections\.yaml/m);
  });
});

describe('unreadable entries in a scenario directory', () => {
  /** The all-met catalogue plus an editor's dangling lock link, a self-loop and a folder loop. */
  function withBadLinks(): string {
    const directory = catalogue({
      'alpha/broken.yaml': allMet['alpha/broken.yaml'],
      'standalone.yaml': allMet['standalone.yaml'],
    });
    symlinkSync('user@host.1234:1700000000', join(directory, 'alpha/.#broken.yaml'));
    symlinkSync('loop.yaml', join(directory, 'loop.yaml'));
    symlinkSync('..', join(directory, 'alpha/up'));
    return directory;
  }

  it('list skips a dangling link and link loops, names each, and lists the rest', async () => {
    const directory = withBadLinks();
    const { code, stdout, stderr } = await lbsim('list', directory);
    expect(code).toBe(0);
    expect(stdout).toMatch(/^alpha +broken +alpha-broken/m);
    expect(stdout).toMatch(/^standalone +- +standalone/m);
    expect(stderr).toBe(
      [
        `lbsim: skipped ${join(directory, 'alpha/.#broken.yaml')}: a symbolic link to a missing file`,
        `lbsim: skipped ${join(directory, 'alpha/up')}: a symbolic link loop (it leads back to a folder above it)`,
        `lbsim: skipped ${join(directory, 'loop.yaml')}: a symbolic link loop`,
        '',
      ].join('\n'),
    );
  });

  it('test skips them, names each as skipped, and runs the rest', async () => {
    const directory = withBadLinks();
    const { code, stdout } = await lbsim('test', directory);
    expect(code).toBe(0);
    expect(stdout).toMatch(/^skipped {2}\S+alpha\/\.#broken\.yaml +a symbolic link to a missing file$/m);
    expect(stdout).toMatch(/^skipped {2}\S+loop\.yaml +a symbolic link loop$/m);
    expect(stdout).toMatch(/^met {6}\S+standalone\.yaml /m);
    expect(stdout.trimEnd().split('\n').at(-1)).toBe('2 scenarios: 2 met, 0 not met, 0 invalid, 3 skipped');
  });
});
