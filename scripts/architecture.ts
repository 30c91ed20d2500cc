/**
 * `pnpm run architecture` draws docs/architecture.svg from the code's own import graph:
 * dependency-cruiser (with the rules of .dependency-cruiser.cjs) writes the graph of
 * packages/*\/src as Graphviz dot, folded to one box per package (core and scenario: one per
 * folder, and their top-level files), and Graphviz compiled to WebAssembly
 * (@hpcc-js/wasm-graphviz, pinned) lays it out as SVG, so no system Graphviz is needed.
 * `pnpm run architecture --check` exits 1 when the committed picture is not what the code
 * draws now; test/architecture-picture.test.ts does the same in `pnpm test`.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Graphviz } from '@hpcc-js/wasm-graphviz';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

/** Where the picture is committed, relative to the repository root. */
export const architecturePicturePath = 'docs/architecture.svg';

/** One box per package, or per folder (and top-level file) of core and scenario. */
const collapse = '^(?:packages/(?:core|scenario)/src/[^/]+/|packages/(?:mux|host-agent|probe|manager|sim-cli)/src/)';

/** The import graph of packages/*\/src as dot, without links (they would point nowhere from docs/). */
export function architectureDot(repositoryRoot: string = root): string {
  const dot = execFileSync(
    process.execPath,
    [
      join(repositoryRoot, 'node_modules/dependency-cruiser/bin/dependency-cruise.mjs'),
      '--config',
      '.dependency-cruiser.cjs',
      '--include-only',
      '^packages/[^/]+/src/',
      '--collapse',
      collapse,
      '--output-type',
      'dot',
      'packages',
    ],
    { cwd: repositoryRoot, encoding: 'utf8', maxBuffer: 1 << 26 },
  );
  return dot.replace(/ URL="[^"]*"/g, '');
}

/** The SVG drawing of {@link architectureDot}. */
export async function architectureSvg(repositoryRoot: string = root): Promise<string> {
  const graphviz = await Graphviz.load();
  return graphviz.dot(architectureDot(repositoryRoot), 'svg');
}

async function main(args: readonly string[]): Promise<number> {
  const svg = await architectureSvg();
  const path = join(root, architecturePicturePath);
  if (args.includes('--check')) {
    const same = readFileSync(path, 'utf8') === svg;
    process.stdout.write(
      same
        ? `${architecturePicturePath} is what the code draws\n`
        : `${architecturePicturePath} is out of date: run pnpm run architecture\n`,
    );
    return same ? 0 : 1;
  }
  writeFileSync(path, svg);
  process.stdout.write(`wrote ${architecturePicturePath}\n`);
  return 0;
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) {
  process.exitCode = await main(process.argv.slice(2));
}
