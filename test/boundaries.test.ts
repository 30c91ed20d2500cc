/**
 * The architecture's rules (`pnpm boundaries`: .dependency-cruiser.cjs for imports, biome.json's
 * overrides for the wall clock and global randomness) catch each kind of violation. A small
 * workspace laid out like this one is written to a temporary folder with one breach of each
 * rule, and the real configuration is run on it; `pnpm boundaries` (part of `pnpm test`)
 * checks the real tree.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repositoryRoot } from './support.ts';

/** A fixture workspace: path → file text. Packages export their sources, as here. */
const workspace: Readonly<Record<string, string>> = {
  'tsconfig.json': '{ "compilerOptions": { "allowImportingTsExtensions": true, "noEmit": true } }',
  ...Object.fromEntries(
    ['core', 'mux', 'host-agent', 'probe', 'manager', 'scenario', 'sim-cli'].map((name) => [
      `packages/${name}/package.json`,
      JSON.stringify({ name: `@lbsim/${name}`, type: 'module', exports: { '.': './src/index.ts' } }),
    ]),
  ),
  'packages/core/src/index.ts': "export * from './net/address.ts';\n",
  'packages/core/src/net/address.ts': "import { kernel } from '../sim/kernel.ts';\nexport const address = kernel;\n",
  'packages/core/src/sim/kernel.ts': 'export const kernel = 1;\n',
  'packages/core/src/stack/uses-platform.ts': "import { EventEmitter } from 'node:events';\nexport { EventEmitter };\n",
  'packages/mux/src/index.ts': "import { agent } from '@lbsim/host-agent';\nexport const mux = agent;\n",
  'packages/mux/src/reaches-in.ts': "import { agent } from '../../host-agent/src/index.ts';\nexport { agent };\n",
  'packages/host-agent/src/index.ts': "import { core } from '@lbsim/core';\nexport const agent = core;\n",
  'packages/probe/src/index.ts': "import { a } from './a.ts';\nexport const probe = a;\n",
  'packages/probe/src/a.ts': "import { b } from './b.ts';\nexport const a = b;\n",
  'packages/probe/src/b.ts': "import { probe } from './index.ts';\nexport const b = () => probe;\n",
  'packages/probe/src/testing/arbitraries.ts': "import fc from 'fast-check';\nexport { fc };\n",
  'packages/manager/src/index.ts': "import { parse } from 'yaml';\nexport { parse };\n",
  'packages/scenario/src/index.ts': "export * from './run-scenario.ts';\n",
  'packages/scenario/src/run-scenario.ts': "export * from './testing/index.ts';\n",
  'packages/scenario/src/testing/index.ts': "import fc from 'fast-check';\nexport { fc };\n",
  'packages/scenario/src/base/diagnostic.ts':
    "import type { Scenario } from '../schema/scenario.ts';\nexport type D = Scenario;\n",
  'packages/scenario/src/schema/scenario.ts': 'export type Scenario = { name: string };\n',
  'packages/scenario/src/load/load.ts': "import { validate } from '../validate/validate.ts';\nexport { validate };\n",
  'packages/scenario/src/validate/validate.ts':
    "import { run } from '../run-scenario.ts';\nimport { readFileSync } from 'node:fs';\nexport const validate = [run, readFileSync];\n",
  'packages/scenario/src/load/read-scenario-bytes.ts':
    "import { openSync } from 'node:fs';\nimport { cpus } from 'node:os';\nexport { openSync, cpus };\n",
  'packages/scenario/src/run/run.ts': "import fc from 'fast-check';\nexport { fc };\n",
  'packages/scenario/src/explain/explain.ts': "import { run } from '../run/run.ts';\nexport const explain = run;\n",
  'packages/sim-cli/src/bin.ts':
    "import { readFileSync } from 'node:fs';\nimport { mux } from '@lbsim/mux';\nexport const bin = [readFileSync, mux];\n",
  'node_modules/.pnpm/fast-check@4.0.0/node_modules/fast-check/package.json': JSON.stringify({
    name: 'fast-check',
    main: 'index.js',
  }),
  'node_modules/.pnpm/fast-check@4.0.0/node_modules/fast-check/index.js': 'module.exports = {};\n',
  'node_modules/.pnpm/yaml@2.0.0/node_modules/yaml/package.json': JSON.stringify({ name: 'yaml', main: 'index.js' }),
  'node_modules/.pnpm/yaml@2.0.0/node_modules/yaml/index.js': 'module.exports = {};\n',
};

/** Symlinks as pnpm makes them: link → target (relative to the link's folder). */
const links: Readonly<Record<string, string>> = {
  'node_modules/fast-check': '.pnpm/fast-check@4.0.0/node_modules/fast-check',
  'node_modules/yaml': '.pnpm/yaml@2.0.0/node_modules/yaml',
  ...Object.fromEntries(
    ['core', 'mux', 'host-agent', 'probe', 'manager', 'scenario', 'sim-cli'].map((name) => [
      `node_modules/@lbsim/${name}`,
      `../../packages/${name}`,
    ]),
  ),
};

interface Violation {
  readonly rule: { readonly name: string };
  readonly from: string;
  readonly to: string;
  /** For a circle: the files from `to` round to `from`. */
  readonly cycle?: readonly { readonly name: string }[];
}

let root = '';
let violations: Violation[] = [];

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'lbsim-boundaries-'));
  for (const [path, text] of Object.entries(workspace)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  }
  for (const [link, target] of Object.entries(links)) {
    mkdirSync(dirname(join(root, link)), { recursive: true });
    symlinkSync(target, join(root, link));
  }
  const cruise = spawnSync(
    process.execPath,
    [
      join(repositoryRoot, 'node_modules/dependency-cruiser/bin/dependency-cruise.mjs'),
      '--config',
      join(repositoryRoot, '.dependency-cruiser.cjs'),
      '--output-type',
      'json',
      'packages',
    ],
    { cwd: root, encoding: 'utf8', maxBuffer: 1 << 26 },
  );
  const output = JSON.parse(cruise.stdout) as { summary: { violations: Violation[] } };
  violations = output.summary.violations;
}, 120_000);

afterAll(() => {
  if (root !== '') rmSync(root, { recursive: true, force: true });
});

/** The rules broken by the import from `from` to `to` (paths under packages/). */
function rulesBroken(from: string, to: string): string[] {
  return violations
    .filter((violation) => violation.from === `packages/${from}` && violation.to.endsWith(to))
    .map((violation) => violation.rule.name)
    .sort();
}

describe('import boundaries (dependency-cruiser)', () => {
  it('catches a domain package importing another domain package, by name or by path', () => {
    expect(rulesBroken('mux/src/index.ts', 'packages/host-agent/src/index.ts')).toEqual(['domain-imports-only-core']);
    expect(rulesBroken('mux/src/reaches-in.ts', 'packages/host-agent/src/index.ts')).toEqual([
      'domain-imports-only-core',
      'relative-import-leaves-package',
    ]);
  });

  it('allows a domain package to import core', () => {
    expect(rulesBroken('host-agent/src/index.ts', 'packages/core/src/index.ts')).toEqual([]);
  });

  it('catches core layers importing upward', () => {
    expect(rulesBroken('core/src/net/address.ts', 'packages/core/src/sim/kernel.ts')).toEqual(['core-net-layer']);
  });

  it('catches a Node built-in in core and the domain packages, allowed in sim-cli', () => {
    expect(rulesBroken('core/src/stack/uses-platform.ts', 'events')).toEqual(['data-plane-imports-no-node-builtin']);
    expect(rulesBroken('sim-cli/src/bin.ts', 'fs')).toEqual([]);
  });

  it('allows node:fs only in the scenario loader file reading, and nothing else of the platform there', () => {
    expect(rulesBroken('scenario/src/validate/validate.ts', 'fs')).toEqual(['scenario-imports-no-node-builtin']);
    expect(rulesBroken('scenario/src/load/read-scenario-bytes.ts', 'fs')).toEqual([]);
    expect(rulesBroken('scenario/src/load/read-scenario-bytes.ts', 'os')).toEqual(['scenario-file-reading-only-fs']);
  });

  it('catches npm packages a package may not import; fast-check only in the testing folders of core and scenario', () => {
    expect(rulesBroken('manager/src/index.ts', 'yaml/index.js')).toEqual(['manager-npm-imports']);
    expect(rulesBroken('probe/src/testing/arbitraries.ts', 'fast-check/index.js')).toEqual([
      'probe-testing-npm-imports',
    ]);
    expect(rulesBroken('scenario/src/testing/index.ts', 'fast-check/index.js')).toEqual([]);
    expect(rulesBroken('scenario/src/run/run.ts', 'fast-check/index.js')).toEqual(['scenario-npm-imports']);
  });

  it('catches a scenario stage importing a later stage, an entry file or testing', () => {
    expect(rulesBroken('scenario/src/load/load.ts', 'packages/scenario/src/validate/validate.ts')).toEqual([
      'scenario-load-stage',
    ]);
    expect(rulesBroken('scenario/src/validate/validate.ts', 'packages/scenario/src/run-scenario.ts')).toEqual([
      'scenario-validate-stage',
    ]);
    expect(rulesBroken('scenario/src/base/diagnostic.ts', 'packages/scenario/src/schema/scenario.ts')).toEqual([
      'scenario-base-stage',
    ]);
    expect(rulesBroken('scenario/src/run-scenario.ts', 'packages/scenario/src/testing/index.ts')).toEqual([
      'scenario-entry-not-to-testing',
    ]);
    expect(rulesBroken('scenario/src/explain/explain.ts', 'packages/scenario/src/run/run.ts')).toEqual([]);
  });

  it('catches an import circle', () => {
    const circles = violations
      .filter((violation) => violation.rule.name === 'no-circular')
      .map((violation) => [violation.from, ...(violation.cycle ?? []).map((step) => step.name)].sort());
    expect(circles).toEqual([
      ['packages/probe/src/a.ts', 'packages/probe/src/a.ts', 'packages/probe/src/b.ts', 'packages/probe/src/index.ts'],
    ]);
  });
});

describe('determinism (Biome overrides)', () => {
  const lint = (path: string, source: string): string[] => {
    const folder = mkdtempSync(join(tmpdir(), 'lbsim-determinism-'));
    try {
      writeFileSync(join(folder, 'biome.json'), readBiomeConfig());
      mkdirSync(dirname(join(folder, path)), { recursive: true });
      writeFileSync(join(folder, path), source);
      const run = spawnSync(
        join(repositoryRoot, 'node_modules/.bin/biome'),
        [
          'lint',
          '--vcs-enabled=false',
          '--only=style/noRestrictedGlobals',
          '--only=nursery/noJsRestrictedProperties',
          '--max-diagnostics=100',
          path,
        ],
        { cwd: folder, encoding: 'utf8' },
      );
      return [...`${run.stdout}${run.stderr}`.matchAll(/^\S+:(\d+):\d+ lint\/(\S+)/gm)].map(
        (match) => `${match[1]} ${match[2]}`,
      );
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  };
  const source = [
    'const a = Math.random();',
    'const b = Date.now();',
    'const c = new Date();',
    'setTimeout(() => {}, 1);',
    'const d = performance.now();',
    "const e = process.env['X'];",
    'const f = crypto.randomUUID();',
    '// Date.now() and Math.random() in a comment',
    "const g = 'Math.random';",
    'export { a, b, c, d, e, f, g };',
  ].join('\n');

  it('catches the wall clock, timers, global randomness and the environment in simulation code', () => {
    expect(lint('packages/mux/src/x.ts', source)).toEqual([
      '1 nursery/noJsRestrictedProperties',
      '2 style/noRestrictedGlobals',
      '3 style/noRestrictedGlobals',
      '4 style/noRestrictedGlobals',
      '5 style/noRestrictedGlobals',
      '6 style/noRestrictedGlobals',
      '7 style/noRestrictedGlobals',
    ]);
    expect(lint('packages/scenario/src/run/x.ts', source)).toHaveLength(7);
  });

  it('allows them in sim-cli, and ignores mentions in comments and strings', () => {
    expect(lint('packages/sim-cli/src/x.ts', source)).toEqual([]);
  });
});

function readBiomeConfig(): string {
  return readFileSync(join(repositoryRoot, 'biome.json'), 'utf8');
}
