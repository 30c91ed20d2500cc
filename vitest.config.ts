import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['packages/*/test/**/*.test.ts', 'test/**/*.test.ts'],
    setupFiles: ['./vitest.setup.ts'],
    reporters: ['default', './scripts/summary-reporter.ts'],
    // Soak sessions (LBSIM_SOAK=1) run 20 times more cases: give them time.
    testTimeout: process.env['LBSIM_SOAK'] === '1' ? 3_600_000 : 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
  },
});
