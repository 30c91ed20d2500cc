/**
 * The architecture's rules, checked on the source (docs/architecture.md#packages-and-what-they-may-import):
 * - `mux`, `host-agent`, `probe` and `manager` import only `@lbsim/core` (and their own files);
 * - inside core, `net` imports nothing, `wire` only `net`, `sim` only `net`, `stack` `net`,
 *   `wire` and `sim`, `control` `net` and `sim`;
 * - `scenario` imports the domain packages and its parsing libraries, `sim-cli` `scenario`
 *   and `core`; fast-check only in the `testing` folders of core and scenario (arbitraries);
 * - simulation code never reads the wall clock, timers, global randomness, the environment or
 *   the file system (only `sim-cli`, and the scenario loader's file reading, may).
 *
 * Imports and calls are found in the TypeScript syntax tree, so comments and strings that
 * mention `Date.now` do not count.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import ts from 'typescript';

/** One broken rule. */
export interface Violation {
  /** File path relative to the root, with `/`. */
  readonly file: string;
  readonly line: number;
  readonly message: string;
}

const domainPackages = ['mux', 'host-agent', 'probe', 'manager'];

const allowedPackageImports: Readonly<Record<string, readonly string[]>> = {
  core: [],
  mux: ['@lbsim/core'],
  'host-agent': ['@lbsim/core'],
  probe: ['@lbsim/core'],
  manager: ['@lbsim/core'],
  scenario: [
    '@lbsim/core',
    '@lbsim/mux',
    '@lbsim/host-agent',
    '@lbsim/probe',
    '@lbsim/manager',
    'yaml',
    'zod',
    'fastest-levenshtein',
  ],
  'sim-cli': [
    '@lbsim/core',
    '@lbsim/scenario',
    'yargs',
    'cli-progress',
    'elkjs',
    'picocolors',
    'wrap-ansi',
    '@noble/hashes',
  ],
  // The browser playground: like simulation code it imports no node: module (it runs in a page).
  web: [
    '@lbsim/core',
    '@lbsim/scenario',
    '@lbsim/sim-cli',
    '@codemirror/autocomplete',
    '@codemirror/lang-yaml',
    '@codemirror/language',
    '@codemirror/lint',
    '@codemirror/state',
    '@codemirror/view',
    'codemirror',
    // Build-time data scripts/build-web.ts embeds (packages/web/src/embedded.d.ts).
    'lbsim:catalogue',
    'lbsim:schema',
    'lbsim:worker-source',
  ],
};

/** Inside core: which folders each folder may import. */
const coreLayers: Readonly<Record<string, readonly string[]>> = {
  net: ['net'],
  wire: ['net', 'wire'],
  sim: ['net', 'sim'],
  stack: ['net', 'wire', 'sim', 'stack'],
  control: ['net', 'sim', 'control'],
  testing: ['net', 'wire', 'sim', 'stack', 'control', 'testing'],
};

/**
 * Packages a folder of a package's src/ may import besides the package's own list: the
 * `testing` folders of core and scenario hold fast-check arbitraries for users' tests.
 */
const folderPackages: Readonly<Record<string, Readonly<Record<string, readonly string[]>>>> = {
  core: { testing: ['fast-check'] },
  scenario: { testing: ['fast-check'] },
};

/** Files allowed to touch the file system (the loader reads the scenario file). */
const fileSystemAllowed = new Set(['packages/scenario/src/read-scenario-bytes.ts']);

const bannedMembers = new Map<string, string>([
  ['Math.random', 'global randomness: draw from a named stream (kernel.random(name))'],
  ['Date.now', 'the wall clock: time comes from the kernel (kernel.nowNs)'],
  ['performance.now', 'the wall clock: time comes from the kernel (kernel.nowNs)'],
  ['process.hrtime', 'the wall clock: time comes from the kernel (kernel.nowNs)'],
  ['process.env', 'the environment: configuration comes from the scenario'],
  ['crypto.getRandomValues', 'global randomness: draw from a named stream'],
  ['crypto.randomUUID', 'global randomness: draw from a named stream'],
]);
const bannedCalls = new Map<string, string>([
  ['setTimeout', 'a wall-clock timer: schedule on the kernel (kernel.after)'],
  ['setInterval', 'a wall-clock timer: schedule on the kernel (kernel.after)'],
  ['setImmediate', 'a wall-clock timer: schedule on the kernel (kernel.after)'],
]);

function listSources(directory: string): string[] {
  const files: string[] = [];
  for (const entry of readdirSync(directory).sort()) {
    const path = join(directory, entry);
    if (statSync(path).isDirectory()) files.push(...listSources(path));
    else if (path.endsWith('.ts')) files.push(path);
  }
  return files;
}

/** Checks every `packages/<name>/src/**\/*.ts` under `root`. */
export function checkBoundaries(root: string): Violation[] {
  const violations: Violation[] = [];
  const packagesDir = join(root, 'packages');
  for (const name of readdirSync(packagesDir).sort()) {
    const srcDir = join(packagesDir, name, 'src');
    try {
      if (!statSync(srcDir).isDirectory()) continue;
    } catch {
      continue;
    }
    for (const path of listSources(srcDir)) {
      const file = relative(root, path).split(sep).join('/');
      violations.push(...checkFile(file, readFileSync(path, 'utf8'), name, relative(srcDir, path).split(sep)));
    }
  }
  return violations;
}

/**
 * Checks one file.
 * @param packageName folder name under packages/
 * @param inside path segments of the file under the package's src/
 */
export function checkFile(file: string, source: string, packageName: string, inside: readonly string[]): Violation[] {
  const violations: Violation[] = [];
  const sourceFile = ts.createSourceFile(file, source, ts.ScriptTarget.ES2022, true);
  const report = (node: ts.Node, message: string) => {
    const { line } = sourceFile.getLineAndCharacterOfPosition(node.getStart(sourceFile));
    violations.push({ file, line: line + 1, message });
  };
  const isSimulationCode = packageName !== 'sim-cli';
  const folder = inside.length > 1 ? (inside[0] as string) : undefined;
  const layer = packageName === 'core' ? folder : undefined;

  const checkSpecifier = (node: ts.Node, specifier: string) => {
    if (specifier.startsWith('.')) {
      checkRelative(node, specifier);
      return;
    }
    const bare = specifier.startsWith('@')
      ? specifier.split('/').slice(0, 2).join('/')
      : (specifier.split('/')[0] as string);
    if (specifier.startsWith('node:') || isBuiltin(bare)) {
      const fsModule = /^(node:)?fs(\/promises)?$/.test(specifier);
      if (isSimulationCode && !(fsModule && fileSystemAllowed.has(file))) {
        report(
          node,
          `simulation code imports ${specifier}: only sim-cli (and the scenario loader's file reading) may touch the platform`,
        );
      }
      return;
    }
    const allowed = [
      ...(allowedPackageImports[packageName] ?? []),
      ...(folder === undefined ? [] : (folderPackages[packageName]?.[folder] ?? [])),
    ];
    if (!allowed.includes(bare)) {
      const hint = domainPackages.includes(packageName)
        ? ' (mux, host-agent, probe and manager import only @lbsim/core)'
        : '';
      report(node, `${packageName} may not import ${specifier}${hint}`);
    }
  };

  const checkRelative = (node: ts.Node, specifier: string) => {
    const resolved = join(...inside.slice(0, -1), specifier).split(sep);
    if (resolved[0] === '..') {
      report(node, `import ${specifier} leaves packages/${packageName}/src: import the package by name`);
      return;
    }
    if (layer === undefined) return;
    const target = resolved.length > 1 ? resolved[0] : undefined;
    const allowedLayers = coreLayers[layer];
    if (target !== undefined && allowedLayers !== undefined && !allowedLayers.includes(target)) {
      report(node, `core/${layer} may not import core/${target} (allowed: ${allowedLayers.join(', ')})`);
    }
  };

  const visit = (node: ts.Node) => {
    if ((ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) && node.moduleSpecifier !== undefined) {
      if (ts.isStringLiteral(node.moduleSpecifier)) checkSpecifier(node, node.moduleSpecifier.text);
    } else if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword) {
      const argument = node.arguments[0];
      if (argument !== undefined && ts.isStringLiteral(argument)) checkSpecifier(node, argument.text);
      else report(node, 'dynamic import of a computed module');
    } else if (isSimulationCode && ts.isPropertyAccessExpression(node)) {
      const text = `${node.expression.getText(sourceFile)}.${node.name.text}`;
      const why = bannedMembers.get(text) ?? (text.startsWith('crypto.random') ? 'global randomness' : undefined);
      if (why !== undefined) report(node, `simulation code uses ${text}: ${why}`);
    } else if (isSimulationCode && ts.isNewExpression(node) && node.expression.getText(sourceFile) === 'Date') {
      report(node, 'simulation code uses new Date(): the wall clock; time comes from the kernel');
    } else if (isSimulationCode && ts.isCallExpression(node) && ts.isIdentifier(node.expression)) {
      const why = bannedCalls.get(node.expression.text);
      if (why !== undefined) report(node, `simulation code calls ${node.expression.text}: ${why}`);
    }
    ts.forEachChild(node, visit);
  };
  visit(sourceFile);
  return violations;
}

const builtins = new Set([
  'fs',
  'path',
  'os',
  'crypto',
  'child_process',
  'util',
  'url',
  'stream',
  'events',
  'net',
  'http',
  'https',
  'worker_threads',
  'process',
  'perf_hooks',
  'zlib',
  'buffer',
  'readline',
  'tty',
  'v8',
  'vm',
  'timers',
  'assert',
  'module',
  'dns',
  'dgram',
  'cluster',
]);

function isBuiltin(name: string): boolean {
  return builtins.has(name);
}
