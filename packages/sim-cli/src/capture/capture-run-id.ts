/**
 * The run id in every capture's section header (`lbsim-run <id>`, docs/captures.md): 16 hex
 * digits of the SHA-256 of lbsim's version, the seed, the capture format and the scenario's
 * bytes, so the same run writes the same bytes and lbsim can tell its own earlier captures
 * before replacing them. @noble/hashes (audited, no dependencies) rather than node:crypto so
 * the browser playground computes the same id: Web Crypto's digest is asynchronous and
 * missing on pages served over plain http from another machine (not a secure context).
 */
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex, utf8ToBytes } from '@noble/hashes/utils.js';

/**
 * The run id of a run's inputs.
 * @param scenarioBytes the scenario file's bytes as read (empty when it could not be re-read)
 */
export function captureRunId(version: string, seed: number, format: string, scenarioBytes: Uint8Array): string {
  const hash = sha256.create();
  hash.update(utf8ToBytes(`${version}\0${seed}\0${format}\0`));
  hash.update(scenarioBytes);
  return bytesToHex(hash.digest()).slice(0, 16);
}
