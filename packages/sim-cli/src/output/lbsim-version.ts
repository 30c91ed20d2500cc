/**
 * lbsim's version, from the sim-cli package manifest, for what lbsim writes into its outputs
 * (the capture files' section header).
 */
import { readFileSync } from 'node:fs';

let cached: string | undefined;

/** The version of this lbsim, e.g. `0.1.0`; `unknown` when the manifest cannot be read. */
export function lbsimVersion(): string {
  if (cached !== undefined) return cached;
  try {
    const manifest = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
      version?: unknown;
    };
    cached = typeof manifest.version === 'string' ? manifest.version : 'unknown';
  } catch {
    cached = 'unknown';
  }
  return cached;
}
