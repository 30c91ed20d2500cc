/**
 * lbsim's version for `lbsim --version`: the `lbsim` package's version and, when known, the
 * commit it was built from. `pnpm build` writes both into the bundle (esbuild `define`); run from
 * the sources, the version is read from packages/lbsim/package.json and the commit is unknown.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** What the build defines; absent when lbsim runs from its TypeScript sources. */
declare const LBSIM_BUILD: { readonly version: string; readonly commit: string | null } | undefined;

/** A version and the commit it was built from (`null` when unknown). */
export interface LbsimVersion {
  readonly version: string;
  readonly commit: string | null;
}

/** The running lbsim's version. Throws only if the sources lost packages/lbsim/package.json. */
export function lbsimVersion(): LbsimVersion {
  if (typeof LBSIM_BUILD !== 'undefined') return LBSIM_BUILD;
  const manifest = join(import.meta.dirname, '..', '..', 'lbsim', 'package.json');
  const { version } = JSON.parse(readFileSync(manifest, 'utf8')) as { version: string };
  return { version, commit: null };
}

/** `lbsim 0.2.0 (commit 0e07084)`, or `lbsim 0.2.0` when the commit is unknown. */
export function formatVersion(version: LbsimVersion): string {
  return version.commit === null ? `lbsim ${version.version}` : `lbsim ${version.version} (commit ${version.commit})`;
}
