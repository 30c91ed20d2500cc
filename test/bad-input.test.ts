/**
 * Bad input gets one clear line per problem (with line:col where there is one) and exit 2,
 * never a stack trace (docs/architecture.md#bad-input): the five cases of the walking-skeleton issue, through the
 * CLI in-process, and once through a real process.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '@lbsim/sim-cli';
import { describe, expect, it } from 'vitest';
import { catalogueFile, repositoryRoot } from './support.ts';

const basic = readFileSync(catalogueFile('basic-public-lb'), 'utf8');

function fileWith(text: string): string {
  const file = join(mkdtempSync(join(tmpdir(), 'lbsim-bad-')), 'scenario.yaml');
  writeFileSync(file, text);
  return file;
}

async function run(file: string) {
  let stdout = '';
  let stderr = '';
  const code = await main(['run', file], {
    stdout: (t) => (stdout += t),
    stderr: (t) => (stderr += t),
    stderrIsTty: false,
  });
  return { code, stdout, stderr: stderr.replaceAll(file, 'FILE') };
}

describe('bad input', () => {
  it('a YAML syntax error', async () => {
    const result = await run(fileWith(basic.replace('muxes: 4', 'muxes: [4')));
    expect(result).toEqual({
      code: 2,
      stdout: '',
      stderr: 'FILE:12:1  YAML: Flow sequence in block collection must be sufficiently indented and end with a ]\n',
    });
  });

  it('an unknown key', async () => {
    const result = await run(fileWith(basic.replace('    backendPools:', '    backendPool:')));
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(
      'FILE:35:5  loadBalancers[0].backendPool  unknown key "backendPool" (did you mean "backendPools"?)\n',
    );
  });

  it('a dangling pool name', async () => {
    const result = await run(fileWith(basic.replace('backendPool: web\n', 'backendPool: webfarm\n')));
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(
      'FILE:39:22  loadBalancers[0].rules[0].backendPool  unknown backend pool "webfarm" (known: "web")\n',
    );
  });

  it('an invalid IP address', async () => {
    const result = await run(fileWith(basic.replace('ip: 203.0.113.7', 'ip: 203.0.113.700')));
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(
      'FILE:30:9  clients[0].ip  expected an IPv4 address such as 10.1.0.4, got "203.0.113.700"\n',
    );
  });

  it('a missing file', async () => {
    expect(await run('/nonexistent/lbsim/scenario.yaml')).toEqual({
      code: 2,
      stdout: '',
      stderr: 'FILE  no such file\n',
    });
  });

  it('a real process prints the same single line and no stack trace', () => {
    const file = fileWith(basic.replace('ip: 203.0.113.7', 'ip: 203.0.113.700'));
    let status = 0;
    let stderr = '';
    try {
      execFileSync(
        join(repositoryRoot, 'node_modules/.bin/tsx'),
        [join(repositoryRoot, 'packages/sim-cli/src/bin.ts'), 'run', file],
        {
          encoding: 'utf8',
          stdio: ['ignore', 'pipe', 'pipe'],
        },
      );
    } catch (error) {
      const failure = error as { status: number; stderr: string };
      status = failure.status;
      stderr = failure.stderr;
    }
    expect(status).toBe(2);
    expect(stderr.replaceAll(file, 'FILE')).toBe(
      'FILE:30:9  clients[0].ip  expected an IPv4 address such as 10.1.0.4, got "203.0.113.700"\n',
    );
  });
});
