/**
 * Where the bundled catalogue is: the `scenarios/` folder of the package lbsim runs from, so that
 * `lbsim list`, `lbsim explain <id>` and `lbsim run <id>` work from any directory. From the
 * sources that is the repository's scenarios/; from the built package (packages/lbsim, or an
 * installed copy of it) the copy `pnpm build` puts beside dist/.
 */
import { existsSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Whether `directory` holds a package.json and a scenarios/ folder. */
function holdsCatalogue(directory: string): boolean {
  const scenarios = join(directory, 'scenarios');
  return existsSync(join(directory, 'package.json')) && existsSync(scenarios) && statSync(scenarios).isDirectory();
}

/**
 * The bundled catalogue directory: the nearest folder above this module (bundled or not) that
 * holds both a package.json and a scenarios/ folder, then its scenarios/. Falls back to
 * `scenarios` (relative to the current directory) when lbsim runs from a layout without one.
 */
export function defaultCatalogueDirectory(): string {
  let directory = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (holdsCatalogue(directory)) return join(directory, 'scenarios');
    const parent = dirname(directory);
    if (parent === directory) return 'scenarios';
    directory = parent;
  }
}
