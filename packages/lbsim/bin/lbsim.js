#!/usr/bin/env node
// The `lbsim` command: the bundle that `pnpm build` (run by `pnpm install`) writes to dist/.
// LBSIM_DEBUG maps stack traces back to the TypeScript sources; it is off otherwise because
// reading source maps costs start-up time.
import { existsSync } from 'node:fs';

const bundle = new URL('../dist/lbsim.js', import.meta.url);
if (!existsSync(bundle)) {
  process.stderr.write(
    'lbsim: the command is not built (no dist/lbsim.js); run `npx -y pnpm@10 install` or `npx -y pnpm@10 build` in the clone\n',
  );
  process.exit(2);
}
if (process.env.LBSIM_DEBUG !== undefined) process.setSourceMapsEnabled(true);
await import(bundle.href);
