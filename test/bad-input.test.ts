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

describe('bad input to lbsim import and lbsim flow', () => {
  async function lbsim(...argv: string[]) {
    let stdout = '';
    let stderr = '';
    const code = await main(argv, { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t), stderrIsTty: false });
    return { code, stdout, stderr };
  }
  const jsonFile = (text: string) => {
    const file = join(mkdtempSync(join(tmpdir(), 'lbsim-bad-')), 'template.json');
    writeFileSync(file, text);
    return file;
  };
  const template = (resources: string) =>
    `{"$schema":"https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#","resources":${resources}}`;

  it.each([
    ['truncated JSON', '{"resources": [', 2],
    ['resources that are a string', template('"x"'), 2],
    [
      'an expression nested 10,000 calls deep',
      template(
        `[{"type":"Microsoft.Network/loadBalancers","name":"[${'concat('.repeat(10_000)}${')'.repeat(10_000)}]"}]`,
      ),
      0,
    ],
    ['JSON nested 10,000 levels deep', `${'['.repeat(10_000)}${']'.repeat(10_000)}`, 2],
    ['an unsupported resource only', template('[{"type":"Microsoft.Web/sites","name":"site"}]'), 2],
  ])('%s: exit %i, the problem by path, no stack trace', async (_name, text, exit) => {
    const file = jsonFile(text);
    const outcome = await lbsim('import', file, '-o', '-');
    expect(outcome.code).toBe(exit);
    expect(outcome.stderr).toContain(file);
    expect(outcome.stderr).not.toMatch(/\n\s+at |internal error/);
  });

  it('flow: an address that is no address, and a template with nothing to import', async () => {
    expect((await lbsim('flow', 'nsg-blocks-client', '--from', '1.2.3', '--to', '52.170.10.20:80')).stderr).toBe(
      'lbsim: --from takes ip or ip:port, got "1.2.3"\n',
    );
    const outcome = await lbsim('flow', jsonFile('{}'), '--from', '203.0.113.7', '--to', '52.170.10.20:80');
    expect(outcome.code).toBe(2);
    expect(outcome.stderr).toMatch(/nothing importable/);
  });
});
