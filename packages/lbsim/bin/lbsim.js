#!/usr/bin/env node
// The `lbsim` command: the bundle that `pnpm build` (run by `pnpm install`) writes to dist/.
// LBSIM_DEBUG maps stack traces back to the TypeScript sources; it is off otherwise because
// reading source maps costs start-up time.
if (process.env.LBSIM_DEBUG !== undefined) process.setSourceMapsEnabled(true);
await import('../dist/lbsim.js');
