/**
 * Reading a scenario file without reading more than a scenario can be.
 *
 * `readFileSync` reads a whole file before anyone can look at its size: `/dev/zero` or a FIFO
 * fed without end grows the buffer until the process runs out of memory, and a 1 GiB sparse
 * file is read whole before the size limit refuses it. Here the size of a regular file is
 * checked first (fstat, on the descriptor that is then read, so the file cannot be swapped in
 * between), and any file — device, FIFO, a file still growing — is read at most
 * `limitBytes + 1` bytes: one byte more than allowed is enough to refuse it.
 */
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';

/** The bytes of a file, or why they were not read. */
export type ReadBytesResult =
  | { readonly ok: true; readonly bytes: Buffer }
  | {
      readonly ok: false;
      /** What went wrong, as the end of a sentence about the file ("no such file"). */
      readonly reason: string;
    };

/** Bytes asked of the operating system per read. */
const chunkBytes = 64 * 1024;

/**
 * Reads `file` whole when it holds at most `limitBytes` bytes.
 * @returns the bytes, or a reason: too large (with the size when the file system knows it),
 *   a directory, missing, not permitted, or another error code of the operating system
 */
export function readScenarioBytes(file: string, limitBytes: number): ReadBytesResult {
  let descriptor: number | undefined;
  try {
    descriptor = openSync(file, 'r');
    const stats = fstatSync(descriptor);
    if (stats.isDirectory()) return { ok: false, reason: 'is a directory, not a scenario file' };
    if (stats.isFile() && stats.size > limitBytes) return { ok: false, reason: tooLarge(limitBytes, stats.size) };
    return readAtMost(descriptor, limitBytes);
  } catch (error) {
    return { ok: false, reason: describeReadError(error) };
  } finally {
    if (descriptor !== undefined) closeSync(descriptor);
  }
}

/** Reads until end of file or `limitBytes + 1` bytes, whichever comes first. */
function readAtMost(descriptor: number, limitBytes: number): ReadBytesResult {
  const chunks: Buffer[] = [];
  let total = 0;
  for (;;) {
    const chunk = Buffer.allocUnsafe(Math.min(chunkBytes, limitBytes + 1 - total));
    const read = readSync(descriptor, chunk, 0, chunk.length, null);
    if (read === 0) break;
    chunks.push(chunk.subarray(0, read));
    total += read;
    if (total > limitBytes) return { ok: false, reason: tooLarge(limitBytes, undefined) };
  }
  return { ok: true, bytes: Buffer.concat(chunks, total) };
}

function tooLarge(limitBytes: number, sizeBytes: number | undefined): string {
  const size = sizeBytes === undefined ? `holds more than ${limitBytes} bytes` : `is ${sizeBytes} bytes`;
  return `${size}; a scenario file is at most ${limitBytes} bytes (4 MiB) — is it a scenario file?`;
}

function describeReadError(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  switch (code) {
    case 'ENOENT':
      return 'no such file';
    case 'EISDIR':
      return 'is a directory, not a scenario file';
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    default:
      return `cannot be read (${code ?? String(error)})`;
  }
}
