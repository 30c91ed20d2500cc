/**
 * The installable `lbsim` package (issue 18): `pnpm build` bundles the command, `npm pack`
 * makes the tarball, and `npm install -g` of that tarball into a temporary prefix gives an
 * `lbsim` that runs with Node alone, from a directory outside the repository, with the
 * catalogue it carries. Nothing is published; nothing outside the temporary directory changes.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repositoryRoot } from './support.ts';

const version = (
  JSON.parse(readFileSync(join(repositoryRoot, 'packages/lbsim/package.json'), 'utf8')) as {
    version: string;
  }
).version;

let temporary = '';
let lbsim = '';
let outside = '';

/** Runs the installed `lbsim` in a directory outside the repository. */
function runInstalled(args: readonly string[], cwd = outside) {
  return spawnSync(lbsim, args, { cwd, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
}

beforeAll(() => {
  temporary = mkdtempSync(join(tmpdir(), 'lbsim-package-'));
  execFileSync(process.execPath, ['--import', 'tsx', join(repositoryRoot, 'scripts/build.ts')], {
    cwd: repositoryRoot,
    stdio: 'pipe',
  });
  execFileSync('npm', ['pack', join(repositoryRoot, 'packages/lbsim'), '--pack-destination', temporary], {
    cwd: temporary,
    stdio: 'pipe',
  });
  const prefix = join(temporary, 'prefix');
  execFileSync(
    'npm',
    [
      'install',
      '-g',
      '--prefix',
      prefix,
      join(temporary, `lbsim-${version}.tgz`),
      '--offline',
      '--no-audit',
      '--no-fund',
    ],
    { cwd: temporary, stdio: 'pipe' },
  );
  lbsim = join(prefix, 'bin', 'lbsim');
  outside = join(temporary, 'elsewhere');
  mkdirSync(outside);
}, 240_000);

afterAll(() => {
  if (temporary !== '') rmSync(temporary, { recursive: true, force: true });
});

describe('the lbsim package installed from its tarball', () => {
  it('prints its version', () => {
    const result = runInstalled(['--version']);
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(new RegExp(`^lbsim ${version.replaceAll('.', '\\.')}\\b`));
  });

  it('lists the catalogue it carries, from any directory', () => {
    const result = runInstalled(['list']);
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    expect(result.stdout).toContain('nsg-blocks-probe');
    expect(result.stdout).toContain('tw-recycle');
    expect(result.stdout).not.toContain('million');
  });

  it('runs a catalogue entry by id and explains another', () => {
    const run = runInstalled(['run', 'nsg-blocks-probe/fixed']);
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    expect(run.stdout).toContain('All expectations met');
    const explain = runInstalled(['explain', 'nsg-blocks-probe']);
    expect(explain.status).toBe(0);
    expect(explain.stdout).toContain('nsg-blocks-probe');
  });

  it('resolves file paths against the current directory', () => {
    const own = join(outside, 'mine.yaml');
    writeFileSync(own, readFileSync(join(repositoryRoot, 'scenarios/basic-public-lb.yaml')));
    const result = runInstalled(['validate', 'mine.yaml']);
    expect(result.status).toBe(0);
    const missing = runInstalled(['validate', 'not-here.yaml']);
    expect(missing.status).toBe(2);
    expect(missing.stdout + missing.stderr).toContain('not-here.yaml');
  });

  it('carries the workshop challenges: lists, starts and grades one from any directory', () => {
    const list = runInstalled(['challenge', 'list']);
    expect(list.status).toBe(0);
    expect(list.stdout).toContain('shop-front');
    const start = runInstalled(['challenge', 'start', 'shop-front', 'shop.yaml']);
    expect(start.status).toBe(0);
    const check = runInstalled(['challenge', 'check', 'shop-front', 'shop.yaml']);
    expect(check.stderr).toBe('');
    expect(check.status).toBe(1);
    expect(check.stdout).toContain('Challenge shop-front: not yet');
  });

  it('writes the workshop handout and key from the guide it carries', () => {
    const result = runInstalled(['workshop', '--handout', 'handout', '--key', 'key']);
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    const handout = readFileSync(join(outside, 'handout/workshop-handout.md'), 'utf8');
    expect(handout).toContain('> Student handout');
    expect(handout).not.toContain('\n**Answers.**');
    expect(readFileSync(join(outside, 'key/workshop-key.md'), 'utf8')).toContain('\n**Answers.**');
    expect(readFileSync(join(outside, 'handout/workshop-from-zero.svg'), 'utf8')).toContain('<svg');
  });

  it('carries the JSON Schema', () => {
    const schema = JSON.parse(
      readFileSync(join(temporary, 'prefix/lib/node_modules/lbsim/schema/scenario.schema.json'), 'utf8'),
    );
    expect(schema).toHaveProperty('properties.loadBalancers');
  });
});
