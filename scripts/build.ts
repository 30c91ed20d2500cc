/**
 * `pnpm build`: bundles the `lbsim` command into packages/lbsim/dist/ with esbuild and copies
 * the catalogue (scenarios/, without the generated scale runs), the JSON Schema and the workshop
 * data (workshop/: the exercise and challenge definitions, and the guide `lbsim workshop` cuts) beside it, so
 * that the `lbsim` package runs with Node 20 alone: no TypeScript loader, no runtime
 * dependencies to install.
 *
 * esbuild rather than `tsc` project references: the sources import `.ts` paths and the
 * workspace packages export their `src/`, which a bundler resolves as they are while tsc would
 * need every package restructured to emit; a bundle is also one file to load (start-up time),
 * and code splitting keeps the report, capture and JSON writers out of the start path until a
 * command asks for them. Source maps point errors back at the `.ts` sources.
 *
 * Two builds of the CLI from the same sources: ES module chunks for every command, and for
 * `lbsim run` one CommonJS file that dist/lbsim.js runs with V8's code cache, written here by a
 * catalogue run of the fresh bundle (scripts/bundle/lbsim-loader.ts says why and how).
 *
 * Usage: `tsx scripts/build.ts [--out <dir>]` (default packages/lbsim). Exit 1 with esbuild's
 * messages when the bundle does not build.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { type BuildOptions, build, type Plugin } from 'esbuild';

const root = join(import.meta.dirname, '..');
const { values } = parseArgs({ options: { out: { type: 'string' } } });
const packageDirectory = resolve(values.out ?? join(root, 'packages/lbsim'));
const dist = join(packageDirectory, 'dist');

/** The commit being built (with `+dirty` for uncommitted changes), or null outside a git checkout. */
function currentCommit(): string | null {
  try {
    const git = (args: string[]) => execFileSync('git', args, { cwd: root, encoding: 'utf8', stdio: 'pipe' }).trim();
    const commit = git(['rev-parse', '--short', 'HEAD']);
    return git(['status', '--porcelain', '--untracked-files=no']) === '' ? commit : `${commit}+dirty`;
  } catch {
    return null;
  }
}

/**
 * Sends every `string-width` import of the bundle (wrap-ansi's) to a version that
 * loads string-width only for text that is not plain ASCII: see scripts/bundle/lazy-string-width.ts.
 */
const lazyStringWidth: Plugin = {
  name: 'lazy-string-width',
  setup(bundler) {
    const shim = join(root, 'scripts/bundle/lazy-string-width.ts');
    bundler.onResolve({ filter: /^string-width$/ }, (args) => (args.importer === shim ? undefined : { path: shim }));
  },
};

const { version } = JSON.parse(readFileSync(join(root, 'packages/lbsim/package.json'), 'utf8')) as { version: string };
rmSync(dist, { recursive: true, force: true });
/**
 * piscina starts each thread on its own worker.js, found beside its index.js through
 * `__dirname`, which an ES module bundle does not have. The thread file is built as another
 * entry, dist/chunks/piscina-worker.js, and piscina's code (always in a chunk, as only
 * `lbsim sweep` imports it) is pointed at it, beside itself, through the `require` the banner
 * makes for each chunk (import.meta itself would turn piscina's CommonJS into an ES module). The sweep's own thread file,
 * dist/chunks/sweep-worker.js, is found the same way (packages/sweep's thread-pool-engine.ts).
 */
const piscinaWorkerPath: Plugin = {
  name: 'piscina-worker-path',
  setup(builder) {
    builder.onLoad({ filter: /[\\/]piscina[\\/]dist[\\/]index\.js$/ }, (args) => {
      const source = readFileSync(args.path, 'utf8');
      const original = "(0, node_path_1.resolve)(__dirname, 'worker.js')";
      if (!source.includes(original)) throw new Error(`piscina changed: ${original} not found in ${args.path}`);
      const replaced = source.replace(original, "require.resolve(['.', 'piscina-worker.js'].join('/'))");
      return { contents: replaced, loader: 'js', resolveDir: dirname(args.path) };
    });
  },
};

/**
 * The libraries only some options load, each bundled on its own as CommonJS beside the
 * CommonJS bundle of `lbsim run` (dist/chunks/vendor-<name>.cjs) and required from there when
 * the run first asks for it: the report's layout (elkjs, 1.6 MB) and the sweep's queue and
 * thread pool (bullmq with ioredis, piscina). That bundle is one file (CommonJS has no code
 * splitting), so what it holds is read on every run; these would be three quarters of its
 * bytes. They share no state with lbsim's code, so a copy of their own is the same library. ioredis is one file that bullmq's bundle
 * requires too: the sweep hands bullmq the connection it opened.
 */
const vendors = {
  'elkjs/lib/elk.bundled.js': { name: 'elkjs', from: 'packages/sim-cli' },
  bullmq: { name: 'bullmq', from: 'packages/sweep' },
  ioredis: { name: 'ioredis', from: 'packages/sweep' },
  piscina: { name: 'piscina', from: 'packages/sweep' },
} as const;
const vendorFilter = /^(elkjs\/lib\/elk\.bundled\.js|bullmq|ioredis|piscina)$/;

/** Sends each import of a vendor library (not the vendor's own entry) to its file in dist/chunks. */
const vendorFiles: Plugin = {
  name: 'vendor-files',
  setup(bundler) {
    bundler.onResolve({ filter: vendorFilter }, (args) => {
      if (args.kind === 'entry-point') return undefined;
      const vendor = vendors[args.path as keyof typeof vendors];
      return { path: `./vendor-${vendor.name}.cjs`, external: true };
    });
  },
};

/** What every bundle shares: Node 20, source maps, whitespace and syntax minified. */
const common = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  sourcemap: true,
  // Whitespace and syntax only: Node parses every byte of a bundle it loads, and the bundle is
  // about a third smaller; names stay, so messages that print a class's name read the same.
  minifyWhitespace: true,
  minifySyntax: true,
  define: { LBSIM_BUILD: JSON.stringify({ version, commit: currentCommit() }) },
  legalComments: 'linked',
  logLevel: 'warning',
  // Optional native add-ons their users load in a try: piscina's thread priority, msgpackr's
  // (BullMQ's) faster decoding. Without them both fall back to plain JavaScript.
  external: ['@napi-rs/nice', 'msgpackr-extract'],
} as const satisfies BuildOptions;

const require = createRequire(join(root, 'packages/sweep/package.json'));
const builds: BuildOptions[] = [
  // Every command: ES modules split into chunks, so that a command loads only what it needs
  // (`lbsim --help` one small file). dist/chunks/cli.js, which dist/lbsim.js imports.
  {
    ...common,
    entryPoints: {
      'chunks/cli': join(root, 'packages/sim-cli/src/bin.ts'),
      'chunks/sweep-worker': join(root, 'packages/sweep/src/sweep-worker.ts'),
      'chunks/piscina-worker': join(dirname(require.resolve('piscina')), 'worker.js'),
    },
    outdir: dist,
    splitting: true,
    format: 'esm',
    // CommonJS dependencies bundled into an ES module still call require() for Node built-ins.
    banner: {
      js: "import { createRequire as lbsimCreateRequire } from 'node:module'; const require = lbsimCreateRequire(import.meta.url);",
    },
    chunkNames: 'chunks/[name]-[hash]',
    plugins: [piscinaWorkerPath, lazyStringWidth],
  },
  // `lbsim run`: the same CLI as one CommonJS file, dist/chunks/lbsim.cjs, which dist/lbsim.js
  // runs with V8's code cache (scripts/bundle/lbsim-loader.ts; Node 20 has none for ES
  // modules). In dist/chunks, as cli.js, so that `import.meta.url` names the same folder: the
  // sweep finds its thread file beside it, the catalogue is found above it.
  {
    ...common,
    entryPoints: { 'chunks/lbsim': join(root, 'packages/sim-cli/src/bin.ts') },
    outdir: dist,
    outExtension: { '.js': '.cjs' },
    format: 'cjs',
    // `import()` inside `vm.Script` would need a loader of its own; `require` needs none.
    supported: { 'dynamic-import': false },
    define: {
      ...common.define,
      'import.meta.url': 'lbsimImportMetaUrl',
      'import.meta.dirname': '__dirname',
    },
    // The sources are ES modules, strict by definition; a CommonJS file is strict only when it says so.
    banner: { js: '"use strict";const lbsimImportMetaUrl=require("node:url").pathToFileURL(__filename).href;' },
    plugins: [vendorFiles, lazyStringWidth],
  },
  ...(['packages/sim-cli', 'packages/sweep'] as const).map(
    (from): BuildOptions => ({
      ...common,
      absWorkingDir: join(root, from),
      entryPoints: Object.entries(vendors)
        .filter(([, vendor]) => vendor.from === from)
        .map(([specifier, vendor]) => ({ in: specifier, out: `chunks/vendor-${vendor.name}` })),
      outdir: dist,
      outExtension: { '.js': '.cjs' },
      format: 'cjs',
      plugins: [vendorFiles, piscinaWorkerPath],
    }),
  ),
  // dist/lbsim.js: what bin/lbsim.js imports; it picks one of the two for the command.
  {
    ...common,
    entryPoints: { lbsim: join(root, 'scripts/bundle/lbsim-loader.ts') },
    outdir: dist,
    format: 'esm',
  },
];
const results = await Promise.all(builds.map((options) => build(options).catch(() => undefined)));
if (results.some((result) => result === undefined || result.errors.length > 0)) process.exit(1);

// V8's code cache for the CLI's bundle: a catalogue run compiles what a run uses, and the loader
// writes the bytecode at its exit. Made by this Node; another Node rejects it and compiles.
const cacheRun = spawnSync(
  process.execPath,
  [join(dist, 'lbsim.js'), 'run', join(root, 'scenarios/basic-public-lb.yaml')],
  { cwd: root, stdio: ['ignore', 'ignore', 'inherit'], env: { ...process.env, LBSIM_WRITE_CODE_CACHE: '1' } },
);
if (cacheRun.status !== 0) {
  process.stderr.write(`build: the code cache run exited ${cacheRun.status ?? cacheRun.signal}\n`);
  process.exit(1);
}

// workshop/: the exercise definitions lbsim check grades by, the challenges lbsim challenge
// lists, starts and grades.
for (const folder of ['scenarios', 'schema', 'workshop']) {
  rmSync(join(packageDirectory, folder), { recursive: true, force: true });
  mkdirSync(join(packageDirectory, folder), { recursive: true });
  cpSync(join(root, folder), join(packageDirectory, folder), {
    recursive: true,
    // The scale runs are generated workloads of minutes each, not catalogue entries.
    filter: (source) => !source.startsWith(join(root, 'scenarios', 'scale')),
  });
}

// The workshop guide `lbsim workshop` cuts the handout and key from, with the pictures it shows.
for (const file of readdirSync(join(root, 'docs')).filter((name) => /^workshop(-[\w-]+)?\.(md|svg)$/.test(name)))
  cpSync(join(root, 'docs', file), join(packageDirectory, 'workshop', file));
