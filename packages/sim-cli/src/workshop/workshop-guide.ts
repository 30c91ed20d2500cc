/**
 * Where the workshop guide the handout and key are cut from is: docs/workshop.md of the
 * repository lbsim runs from, or the `workshop/` folder `pnpm build` copies it into beside the
 * installed package's dist/ (with the pictures it shows).
 */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Where the guide sits below a package or repository root: the installed package's place first. */
const guidePlaces = ['workshop/workshop.md', 'docs/workshop.md'] as const;

/**
 * The bundled guide: the nearest folder above this module (bundled or not) holding a
 * package.json and one of {@link guidePlaces}, or `undefined` when lbsim runs from a layout
 * without one.
 */
export function defaultWorkshopGuide(): string | undefined {
  let directory = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (existsSync(join(directory, 'package.json'))) {
      const place = guidePlaces.map((path) => join(directory, path)).find((path) => existsSync(path));
      if (place !== undefined) return place;
    }
    const parent = dirname(directory);
    if (parent === directory) return undefined;
    directory = parent;
  }
}
