/**
 * The version the playground reports as: the `lbsim` package's, which `pnpm build:web` defines
 * (esbuild `define`, as `pnpm build` does for the command line). Captures name it in their
 * section headers, so it must be the command line's for the two to write the same bytes.
 */

/** What the build defines. */
declare const LBSIM_BUILD: { readonly version: string; readonly commit: string | null } | undefined;

/** The lbsim version the page was built from; `0.0.0-dev` when not built by `pnpm build:web`. */
export function playgroundVersion(): { readonly version: string; readonly commit: string | null } {
  return typeof LBSIM_BUILD === 'undefined' ? { version: '0.0.0-dev', commit: null } : LBSIM_BUILD;
}
