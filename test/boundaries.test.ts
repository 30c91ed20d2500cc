/**
 * The architecture's import and determinism rules hold for the source tree, and the checker
 * catches each kind of violation.
 */
import { describe, expect, it } from 'vitest';
import { checkBoundaries, checkFile } from '../scripts/boundaries.ts';
import { repositoryRoot } from './support.ts';

describe('architecture boundaries', () => {
  it('the source tree has no violations', () => {
    expect(checkBoundaries(repositoryRoot)).toEqual([]);
  });

  const check = (pkg: string, inside: string[], source: string) =>
    checkFile(`packages/${pkg}/src/${inside.join('/')}`, source, pkg, inside).map((v) => v.message);

  it('catches a domain package importing another domain package', () => {
    expect(check('host-agent', ['x.ts'], "import { Mux } from '@lbsim/mux';")).toEqual([
      'host-agent may not import @lbsim/mux (mux, host-agent, probe and manager import only @lbsim/core)',
    ]);
    expect(check('probe', ['x.ts'], "export * from '@lbsim/manager';")).toHaveLength(1);
    expect(check('mux', ['x.ts'], "import('@lbsim/host-agent');")).toHaveLength(1);
  });

  it('catches a relative import that leaves the package', () => {
    expect(check('mux', ['x.ts'], "import '../../host-agent/src/host-agent.ts';")[0]).toContain(
      'leaves packages/mux/src',
    );
  });

  it('catches core layers importing upward', () => {
    expect(check('core', ['net', 'x.ts'], "import '../sim/kernel.ts';")).toEqual([
      'core/net may not import core/sim (allowed: net)',
    ]);
    expect(check('core', ['sim', 'x.ts'], "import '../stack/endpoint.ts';")).toHaveLength(1);
    expect(check('core', ['stack', 'x.ts'], "import '../sim/kernel.ts';")).toEqual([]);
  });

  it('allows fast-check only in the testing folders of core and scenario', () => {
    const imports = "import fc from 'fast-check';";
    expect(check('core', ['testing', 'x.ts'], imports)).toEqual([]);
    expect(check('scenario', ['testing', 'x.ts'], imports)).toEqual([]);
    expect(check('scenario', ['x.ts'], imports)).toEqual(['scenario may not import fast-check']);
    expect(check('mux', ['testing', 'x.ts'], imports)).toHaveLength(1);
  });

  it('catches the wall clock, timers, global randomness, the environment and the file system', () => {
    const source = [
      'const a = Math.random();',
      'const b = Date.now();',
      'const c = new Date();',
      'setTimeout(() => {}, 1);',
      'const d = performance.now();',
      "const e = process.env['X'];",
      "import { readFileSync } from 'node:fs';",
    ].join('\n');
    expect(check('mux', ['x.ts'], source)).toHaveLength(7);
    expect(check('sim-cli', ['x.ts'], source)).toEqual([]);
    expect(check('scenario', ['load', 'read-scenario-bytes.ts'], "import { readSync } from 'node:fs';")).toEqual([]);
    expect(check('scenario', ['load.ts'], "import { readFileSync } from 'node:fs';")).toHaveLength(1);
  });

  it('ignores mentions in comments and strings', () => {
    expect(check('mux', ['x.ts'], "// never call Date.now() here\nconst s = 'Math.random';")).toEqual([]);
  });
});
