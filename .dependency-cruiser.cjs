/**
 * The architecture's import rules (docs/architecture.md#packages-and-what-they-may-import),
 * checked by dependency-cruiser on the resolved import graph: `pnpm boundaries` runs it, and
 * `pnpm run architecture` draws docs/architecture.svg from the same graph.
 *
 * - `mux`, `host-agent`, `probe` and `manager` import only `@lbsim/core` (and their own files);
 * - inside core, `net` imports nothing, `wire` only `net`, `sim` only `net`, `stack` `net`,
 *   `wire` and `sim`, `control` `net` and `sim`;
 * - the folders of scenario/src are stages, each importing only earlier ones: base < schema
 *   < model < load < validate < build < run < expect < explain < metrics < the entry files at the top of
 *   src/ (index.ts, load-scenario.ts, run-scenario.ts) < testing;
 * - `scenario` imports the domain packages and its parsing libraries, `sweep` `scenario` and
 *   `core`, `azure-import` `core`, `sim-cli` `sweep`,
 *   `azure-import`, `scenario` and `core`; fast-check only in the `testing` folders of core and scenario;
 * - no package's source imports a Node built-in (`node:` modules), except sim-cli, sweep and
 *   the scenario loader's file reading: core and the domain packages also run in a browser;
 * - no import circle anywhere in the workspace.
 *
 * Reading the wall clock, timers, global randomness and the environment are uses of globals,
 * not imports: Biome's noRestrictedGlobals and noJsRestrictedProperties rules forbid them in
 * simulation code (biome.json, overrides).
 */

/** An npm package's files as pnpm lays them out: node_modules/.pnpm/<name>@<version>/…. */
// A scoped name's slash is a plus there: @codemirror/view → @codemirror+view@6.x.
const npmPackages = (names) => `^node_modules/[.]pnpm/(?:${names.map((name) => name.replace('/', '[+]')).join('|')})@`;

/** npm packages each package's src/ may import (workspace packages are checked by path below). */
const allowedNpm = {
  core: [],
  mux: [],
  'host-agent': [],
  probe: [],
  manager: [],
  scenario: ['yaml', 'zod', 'fastest-levenshtein'],
  // Sweeps run scenarios on threads and queues: the platform is theirs, as it is the CLI's.
  sweep: ['yaml', 'zod', 'piscina', 'bullmq', 'ioredis'],
  // Azure definitions in, scenario YAML out: pure, like the domain packages.
  'azure-import': ['yaml'],
  'sim-cli': ['cli-progress', 'elkjs', 'picocolors', 'wrap-ansi', 'yaml', '@noble/hashes'],
  // The browser playground: CodeMirror and the build-time data scripts/build-web.ts embeds.
  web: [
    '@codemirror/autocomplete',
    '@codemirror/lang-yaml',
    '@codemirror/language',
    '@codemirror/lint',
    '@codemirror/state',
    '@codemirror/view',
    'codemirror',
  ],
};

/** The testing folders of core and scenario hold fast-check arbitraries for users' tests. */
const testingNpm = ['fast-check'];

const domainPackages = ['mux', 'host-agent', 'probe', 'manager'];

/** Inside core: which folders each folder may import. */
const coreLayers = {
  net: ['net'],
  wire: ['net', 'wire'],
  sim: ['net', 'sim'],
  stack: ['net', 'wire', 'sim', 'stack'],
  control: ['net', 'sim', 'control'],
};

/** The stages of scenario/src in pipeline order; each may import only itself and earlier ones. */
const scenarioStages = ['base', 'schema', 'model', 'load', 'validate', 'build', 'run', 'expect', 'explain', 'metrics'];

const npmRules = Object.entries(allowedNpm).flatMap(([name, allowed]) => [
  {
    name: `${name}-npm-imports`,
    comment: `packages/${name}/src imports only these npm packages: ${allowed.join(', ') || 'none'}`,
    severity: 'error',
    from: { path: `^packages/${name}/src/`, pathNot: `^packages/${name}/src/testing/` },
    to: { path: '^node_modules/', pathNot: allowed.length > 0 ? npmPackages(allowed) : '^$' },
  },
  {
    name: `${name}-testing-npm-imports`,
    comment: `packages/${name}/src/testing imports only these npm packages: ${[...allowed, ...testingNpm].join(', ')}`,
    severity: 'error',
    from: { path: `^packages/${name}/src/testing/` },
    to: {
      path: '^node_modules/',
      pathNot: npmPackages([...allowed, ...(name === 'core' || name === 'scenario' ? testingNpm : [])]),
    },
  },
]);

const coreLayerRules = Object.entries(coreLayers).map(([layer, allowed]) => ({
  name: `core-${layer}-layer`,
  comment: `core/${layer} may import only core/${allowed.join(', core/')} (and core's top-level files)`,
  severity: 'error',
  from: { path: `^packages/core/src/${layer}/` },
  to: { path: '^packages/core/src/[^/]+/', pathNot: `^packages/core/src/(?:${allowed.join('|')})/` },
}));

const scenarioStageRules = scenarioStages.map((stage, index) => {
  const later = scenarioStages.slice(index + 1);
  return {
    name: `scenario-${stage}-stage`,
    comment: `scenario/${stage} may import only earlier stages (${scenarioStages.slice(0, index + 1).join(', ')}), never ${[...later, 'the entry files', 'testing'].join(', ')}`,
    severity: 'error',
    from: { path: `^packages/scenario/src/${stage}/` },
    to: {
      path: `^packages/scenario/src/(?:(?:${[...later, 'testing'].join('|')})/|[^/]+$)`,
    },
  };
});

/**
 * A rule that lets the files matched by `from` import, of the workspace, only the files
 * `allowed` (a path pattern, or several) matches.
 */
const workspaceImports = (name, comment, from, allowed) => ({
  name,
  comment,
  severity: 'error',
  from: { path: from },
  to: { path: '^packages/', pathNot: allowed },
});

/** A rule that lets the files matched by `from` (a dependency-cruiser `from`) import no Node built-in. */
const noNodeBuiltins = (name, comment, from) => ({
  name,
  comment,
  severity: 'error',
  from,
  to: { dependencyTypes: ['core'] },
});

module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      comment: 'no import circle anywhere in the workspace: each file stands on files that do not stand on it',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
    {
      name: 'not-to-unresolvable',
      comment: 'every import resolves to a file or a package',
      severity: 'error',
      from: {},
      // lbsim:catalogue, lbsim:schema and lbsim:worker-source are the data scripts/build-web.ts
      // embeds in the playground when it bundles it (packages/web/src/embedded.d.ts).
      to: { couldNotResolve: true, pathNot: '^lbsim:(?:catalogue|schema|worker-source)$' },
    },
    workspaceImports(
      'domain-imports-only-core',
      'mux, host-agent, probe and manager import only @lbsim/core',
      `^packages/(${domainPackages.join('|')})/src/`,
      ['^packages/core/src/', '^packages/$1/src/'],
    ),
    {
      name: 'relative-import-leaves-package',
      comment: "a relative import stays inside its package's src/: other packages are imported by name",
      severity: 'error',
      from: { path: '^packages/([^/]+)/src/' },
      to: { dependencyTypes: ['local'], pathNot: '^packages/$1/src/' },
    },
    workspaceImports(
      'core-imports-no-package',
      '@lbsim/core stands on nothing of the workspace',
      '^packages/core/src/',
      '^packages/core/src/',
    ),
    workspaceImports(
      'scenario-imports-domain-packages',
      'scenario imports core and the domain packages, never sim-cli',
      '^packages/scenario/src/',
      `^packages/(?:core|scenario|${domainPackages.join('|')})/src/`,
    ),
    workspaceImports(
      'sim-cli-imports-scenario-and-core',
      'sim-cli imports scenario, sweep and core (the domain packages through scenario)',
      '^packages/sim-cli/src/',
      '^packages/(?:core|scenario|sweep|azure-import|sim-cli)/src/',
    ),
    workspaceImports(
      'azure-import-imports-only-core',
      'azure-import reads Azure definitions and writes scenario documents: it stands on core alone',
      '^packages/azure-import/src/',
      '^packages/(?:core|azure-import)/src/',
    ),
    noNodeBuiltins(
      'azure-import-imports-no-node-builtin',
      'azure-import imports no Node built-in: it is text in, text out',
      { path: '^packages/azure-import/src/' },
    ),
    workspaceImports(
      'web-imports-the-portable-cli',
      "the playground imports core, scenario and sim-cli's portable entry (what runs in a page), nothing else of the workspace",
      '^packages/web/src/',
      ['^packages/(?:core|scenario|web)/src/', '^packages/sim-cli/src/portable[.]ts$'],
    ),
    noNodeBuiltins('web-imports-no-node-builtin', 'the playground runs in a page: no Node built-in', {
      path: '^packages/web/src/',
    }),
    workspaceImports(
      'sweep-imports-scenario-and-core',
      'sweep imports scenario and core, never the CLI',
      '^packages/sweep/src/',
      '^packages/(?:core|scenario|sweep)/src/',
    ),
    noNodeBuiltins(
      'data-plane-imports-no-node-builtin',
      'core, mux, host-agent, probe and manager import no Node built-in (node: module): they run in a browser too',
      { path: `^packages/(?:core|${domainPackages.join('|')})/src/` },
    ),
    noNodeBuiltins(
      'scenario-imports-no-node-builtin',
      'scenario imports no Node built-in, except node:fs in load/read-scenario-bytes.ts (the loader reads the file)',
      { path: '^packages/scenario/src/', pathNot: '^packages/scenario/src/load/read-scenario-bytes\\.ts$' },
    ),
    {
      name: 'scenario-file-reading-only-fs',
      comment: 'the loader reads the scenario file with node:fs and nothing else of the platform',
      severity: 'error',
      from: { path: '^packages/scenario/src/load/read-scenario-bytes\\.ts$' },
      to: { dependencyTypes: ['core'], pathNot: '^fs$' },
    },
    {
      name: 'scenario-entry-not-to-testing',
      comment: "scenario's entry files do not import testing/ (it stands above the whole pipeline)",
      severity: 'error',
      from: { path: '^packages/scenario/src/[^/]+$' },
      to: { path: '^packages/scenario/src/testing/' },
    },
    ...npmRules,
    ...coreLayerRules,
    ...scenarioStageRules,
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    // The built bundle (scripts/build.ts) is esbuild's output, not a source with rules to keep.
    exclude: { path: '^packages/lbsim/dist/' },
    // Type-only imports count: a type is a dependency on the folder that defines it.
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    // The workspace packages export their TypeScript sources ("exports": "./src/index.ts").
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default'],
      mainFields: ['module', 'main', 'types'],
    },
    reporterOptions: {
      dot: {
        collapsePattern: '^(?:node_modules/[.]pnpm/[^/]+|packages/[^/]+/src/[^/]+/)',
      },
    },
  },
};
