/**
 * @lbsim/sim-cli: the `lbsim` command line, runnable in-process through {@link main}.
 */
export * from './io.ts';
export * from './main.ts';
