/**
 * `pnpm build:web`: the browser playground (packages/web) as a static site in dist/web/:
 * index.html, playground.css and playground.js, a classic script that embeds the simulation
 * worker's code (started from a Blob URL), the catalogue's scenarios (scenarios/, without the
 * generated scale runs) and the JSON Schema. It works opened from file:// and from any static
 * server, with no request beyond its own three files: Chromium refuses module scripts, module
 * workers, workers from file:// URLs and fetches of local files on pages opened from files, so
 * everything the page needs is in the one script.
 *
 * esbuild, as `pnpm build` already uses for the command line: one bundler and one
 * configuration style for the workspace, `.ts` sources resolved as they are, the worker built
 * as an IIFE string in a first pass and embedded in the page's bundle through a plugin in a
 * second. Vite would add a dev server and a second bundler (Rollup) the page does not need.
 *
 * Usage: `tsx scripts/build-web.ts [--out <dir>]` (default dist/web). Exit 1 with esbuild's
 * messages when a bundle does not build, e.g. when a module the page bundles imports `node:`.
 */
import { cpSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join, relative, resolve, sep } from 'node:path';
import { parseArgs } from 'node:util';
import { type BuildOptions, build, type Plugin } from 'esbuild';

const root = join(import.meta.dirname, '..');
const { values } = parseArgs({ options: { out: { type: 'string' } } });
const out = resolve(values.out ?? join(root, 'dist/web'));
const web = join(root, 'packages/web');

/** What the bundles define: the `lbsim` package's version, as `pnpm build` does. */
const { version } = JSON.parse(readFileSync(join(root, 'packages/lbsim/package.json'), 'utf8')) as { version: string };
const define = { LBSIM_BUILD: JSON.stringify({ version, commit: null }) };

/** Catalogue files in `lbsim list` order: by folder, broken variants first, then fixed ones. */
function catalogueEntries(): { file: string; id: string; variant: string; text: string }[] {
  const scenarios = join(root, 'scenarios');
  const files: string[] = [];
  const walk = (directory: string) => {
    for (const name of readdirSync(directory).sort()) {
      const path = join(directory, name);
      if (path === join(scenarios, 'scale')) continue;
      if (statSync(path).isDirectory()) walk(path);
      else if (name.endsWith('.yaml') && !name.endsWith('.sweep.yaml')) files.push(path);
    }
  };
  walk(scenarios);
  const rank = (variant: string) =>
    variant === 'broken'
      ? 0
      : variant.startsWith('broken-')
        ? 1
        : variant === 'fixed'
          ? 2
          : variant.startsWith('fixed-')
            ? 3
            : 4;
  return files
    .map((path) => {
      const inside = relative(scenarios, path).split(sep);
      const name = (inside.at(-1) as string).replace(/\.yaml$/, '');
      const id = inside.length === 1 ? name : inside.slice(0, -1).join('/');
      const variant = inside.length === 1 ? '' : name;
      return { file: `scenarios/${inside.join('/')}`, id, variant, text: readFileSync(path, 'utf8') };
    })
    .sort((a, b) =>
      a.id < b.id ? -1 : a.id > b.id ? 1 : rank(a.variant) - rank(b.variant) || (a.variant < b.variant ? -1 : 1),
    );
}

/** The modules build-time data comes in through (packages/web/src/embedded.d.ts). */
function embedded(workerSource: string): Plugin {
  const modules: Record<string, () => string> = {
    'lbsim:worker-source': () => `export default ${JSON.stringify(workerSource)};`,
    'lbsim:catalogue': () => `export default ${JSON.stringify(catalogueEntries())};`,
    'lbsim:schema': () => `export default ${readFileSync(join(root, 'schema/scenario.schema.json'), 'utf8')};`,
  };
  return {
    name: 'lbsim-embedded',
    setup(builder) {
      builder.onResolve({ filter: /^lbsim:/ }, (args) => ({ path: args.path, namespace: 'lbsim-embedded' }));
      builder.onLoad({ filter: /.*/, namespace: 'lbsim-embedded' }, (args) => {
        const load = modules[args.path];
        return load === undefined
          ? { errors: [{ text: `no embedded module ${args.path}` }] }
          : { contents: load(), loader: 'js' };
      });
    },
  };
}

/** Options both bundles share: browser platform (so `node:` imports fail the build), IIFE, minified. */
const common: BuildOptions = {
  bundle: true,
  format: 'iife',
  platform: 'browser',
  target: ['chrome111', 'firefox115', 'safari16.4'],
  minify: true,
  keepNames: true,
  define,
  legalComments: 'eof',
  logLevel: 'warning',
};

const worker = await build({ ...common, entryPoints: [join(web, 'src/worker.ts')], write: false }).catch(
  () => undefined,
);
const workerCode = worker?.outputFiles?.[0]?.text;
if (worker === undefined || workerCode === undefined || worker.errors.length > 0) process.exit(1);

rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });
const page = await build({
  ...common,
  entryPoints: [join(web, 'src/playground.ts')],
  outfile: join(out, 'playground.js'),
  plugins: [embedded(workerCode)],
}).catch(() => undefined);
if (page === undefined || page.errors.length > 0) process.exit(1);
for (const file of ['index.html', 'playground.css']) cpSync(join(web, 'static', file), join(out, file));
const sizes = ['index.html', 'playground.css', 'playground.js'].map((file) => statSync(join(out, file)).size);
const total = sizes.reduce((sum, size) => sum + size, 0);
process.stderr.write(`build:web: wrote ${relative(process.cwd(), out) || '.'} (${(total / 2 ** 20).toFixed(1)} MiB)\n`);
