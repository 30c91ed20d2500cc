/**
 * `pnpm boundaries`: prints every violation of the architecture's import and determinism
 * rules (see boundaries.ts) and exits 1 if there is one.
 */
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { checkBoundaries } from './boundaries.ts';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const violations = checkBoundaries(root);
for (const violation of violations) process.stderr.write(`${violation.file}:${violation.line}  ${violation.message}\n`);
if (violations.length > 0) {
  process.stderr.write(`${violations.length} boundary violation${violations.length === 1 ? '' : 's'}\n`);
  process.exitCode = 1;
} else {
  process.stdout.write(
    'boundaries: every package imports only what the architecture allows; no wall clock or global randomness in simulation code\n',
  );
}
