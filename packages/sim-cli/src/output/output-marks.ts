/**
 * The marks lbsim writes into its outputs so that it can later prove a file is its own before
 * replacing it (overwrite-guard.ts). Apart from the guard, which reads files, so that the
 * report and capture writers that the browser playground bundles import no `node:` module.
 */

/** The mark every lbsim report carries in its head (see report/report-page.ts). */
export const reportGeneratorMark = '<meta name="generator" content="lbsim">';

/** The section comment of an lbsim pcapng that marks it as lbsim's: this prefix and 16 hex digits. */
export const captureMarkPrefix = 'lbsim-run ';
