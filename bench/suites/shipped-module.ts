/**
 * The scenario package of a checkout as lbsim ships it: bundled by esbuild without `keepNames`,
 * as scripts/build.ts bundles packages/lbsim/dist. Under tsx (`--import tsx`) esbuild's
 * `keepNames` is on and wraps every named arrow function in `__name(fn, "…")`, which redefines
 * the function's `name` and gives each such closure its own property store (about 250 bytes on
 * Node 20). The simulation makes several per connection (exchange and socket handlers), so a
 * workload loaded through tsx holds and collects kilobytes per connection that the installed
 * `lbsim` does not. Measuring the bundle measures what users run.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';

/**
 * Bundles `<root>/packages/scenario/src/index.ts` into a fresh temporary folder, imports it and
 * removes the folder; returns the module. Throws when esbuild reports an error.
 */
export async function importShippedScenarioModule(root: string): Promise<unknown> {
  const folder = mkdtempSync(join(tmpdir(), 'lbsim-bench-'));
  try {
    return await import(await bundleScenarioModule(root, join(folder, 'scenario.mjs')));
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
}

/** Bundles `<root>/packages/scenario/src/index.ts` to `outfile`; returns its file URL. */
async function bundleScenarioModule(root: string, outfile: string): Promise<string> {
  await build({
    entryPoints: [join(root, 'packages/scenario/src/index.ts')],
    outfile,
    bundle: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    // As scripts/build.ts: whitespace and syntax only, and no keepNames.
    minifyWhitespace: true,
    minifySyntax: true,
    // CommonJS dependencies bundled into an ES module still call require() for Node built-ins.
    banner: {
      js: "import { createRequire as lbsimCreateRequire } from 'node:module'; const require = lbsimCreateRequire(import.meta.url);",
    },
    logLevel: 'error',
  });
  return pathToFileURL(outfile).href;
}
