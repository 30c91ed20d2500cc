/**
 * dist/lbsim.js, the file the `lbsim` command starts. `lbsim run` runs the CommonJS bundle of
 * the CLI (dist/chunks/lbsim.cjs, scripts/build.ts) with V8's code cache beside it
 * (dist/chunks/lbsim.cjs.code-cache), so that the run neither parses the bundle nor compiles
 * the functions it uses: the cache holds the bytecode V8 compiled for a catalogue run when the
 * package was built. Node 20 has no code cache for ES modules, hence a CommonJS bundle run
 * through `vm.Script`, the way Node's own CommonJS loader runs a file. Every other command
 * imports the ES module build (dist/chunks/cli.js), whose chunks load only what the command
 * needs: reading the run's bundle and cache (1.2 MB each) would cost `lbsim --help` more than
 * it saves. Both are built from the same sources.
 *
 * A cache made by another Node version or with other V8 flags is rejected by V8
 * (`cachedDataRejected`) and the bundle is compiled from its source, as without a cache: the
 * cache only changes how fast lbsim starts, never what it does. With LBSIM_DEBUG set the bundle
 * is loaded by `require`, so that stack traces are mapped back to the TypeScript sources.
 *
 * LBSIM_WRITE_CODE_CACHE (set by scripts/build.ts only) writes the cache when the process exits,
 * after the run has compiled what it uses.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const bundle = fileURLToPath(new URL('./chunks/lbsim.cjs', import.meta.url));
const codeCache = `${bundle}.code-cache`;
const requireFromBundle = createRequire(bundle);

/** The cache's bytes, or undefined when there is none to read (the bundle then compiles as usual). */
function readCodeCache(): Buffer | undefined {
  try {
    return readFileSync(codeCache);
  } catch {
    return undefined;
  }
}

/** Runs the bundle as Node's CommonJS loader would (same wrapper, `require` relative to it). */
function runWithCodeCache(): void {
  // Required here: node:vm is not among the modules Node has loaded at start, and only a run needs it.
  const { Script } = requireFromBundle('node:vm') as typeof import('node:vm');
  // Node's own CommonJS wrapper: the bundle sees the same five names as under `require`.
  const source = `(function (exports, require, module, __filename, __dirname) { ${readFileSync(bundle, 'utf8')}\n});`;
  const script = new Script(source, { filename: bundle, cachedData: readCodeCache() });
  const module = { exports: {} };
  const run = script.runInThisContext() as (...names: unknown[]) => void;
  if (process.env['LBSIM_WRITE_CODE_CACHE'] !== undefined) {
    process.on('exit', () => writeFileSync(codeCache, script.createCachedData()));
  }
  run.call(module.exports, module.exports, requireFromBundle, module, bundle, dirname(bundle));
}

// A URL, not a specifier: the loader is bundled on its own, cli.js is another build's output.
if (process.argv[2] !== 'run') await import(new URL('./chunks/cli.js', import.meta.url).href);
else if (process.env['LBSIM_DEBUG'] !== undefined) requireFromBundle(bundle);
else runWithCodeCache();
