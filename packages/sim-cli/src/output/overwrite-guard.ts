/**
 * What lbsim may overwrite: only files it can prove it wrote. Before a run, each target path
 * is checked; when the output is installed, the check is repeated if the target changed.
 * - nothing there: fine;
 * - a symbolic link (dangling or not), a directory, a device: refused, never followed;
 * - the run's scenario file: refused, whatever it contains;
 * - a pcapng whose section header carries lbsim's mark (`shb_userappl` "lbsim <version>" and a
 *   section comment "lbsim-run <16 hex digits>", both written by lbsim alone): replaced;
 * - a report whose head carries the generator meta tag lbsim writes: replaced;
 * - anything else, a classic pcap included (it has no room for a mark, so lbsim cannot tell
 *   its own from a user's): refused, so a mistyped path never costs the user a file.
 */
import { closeSync, constants, fstatSync, lstatSync, openSync, readSync, statSync } from 'node:fs';
import { captureMarkPrefix, reportGeneratorMark } from './output-marks.ts';

export { captureMarkPrefix, reportGeneratorMark } from './output-marks.ts';

/** Kinds of file lbsim writes. */
export type OutputKind = 'capture' | 'report' | 'scenario';

/** Bytes read from an existing file to recognise it: an lbsim section header fits easily. */
const sniffBytes = 64 * 1024;

/** What identifies a file's content without reading it: changed when it is rewritten. */
export interface FileIdentity {
  readonly dev: bigint;
  readonly ino: bigint;
  readonly size: bigint;
  readonly mtimeNs: bigint;
  readonly ctimeNs: bigint;
}

/** What is at a target path that lbsim may write: nothing, or a file lbsim wrote. */
export type TargetState = { readonly kind: 'absent' } | { readonly kind: 'ours'; readonly identity: FileIdentity };

/** The outcome of checking a target: what is there, or why lbsim must not write it. */
export type TargetCheck =
  | { readonly ok: true; readonly state: TargetState }
  | { readonly ok: false; readonly refusal: string };

/** The identity of `path` itself (a link is not followed), or `undefined` when nothing is there. */
export function identityOf(path: string): FileIdentity | undefined {
  try {
    const stats = lstatSync(path, { bigint: true });
    return { dev: stats.dev, ino: stats.ino, size: stats.size, mtimeNs: stats.mtimeNs, ctimeNs: stats.ctimeNs };
  } catch {
    return undefined;
  }
}

/** Whether two identities are of the same, unchanged file. */
export function sameIdentity(a: FileIdentity | undefined, b: FileIdentity | undefined): boolean {
  if (a === undefined || b === undefined) return a === b;
  return a.dev === b.dev && a.ino === b.ino && a.size === b.size && a.mtimeNs === b.mtimeNs && a.ctimeNs === b.ctimeNs;
}

/** The first bytes of a regular file, opened without following a link. */
function readHead(path: string): Uint8Array {
  const fd = openSync(path, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  try {
    if (!fstatSync(fd).isFile()) return new Uint8Array(0);
    const head = new Uint8Array(sniffBytes);
    const read = readSync(fd, head, 0, sniffBytes, 0);
    return head.subarray(0, read);
  } finally {
    closeSync(fd);
  }
}

const utf8 = new TextDecoder('utf-8', { fatal: false });

/**
 * Whether `head` starts with a little-endian pcapng Section Header Block whose options hold
 * lbsim's `shb_userappl` and run mark. The block is parsed, not searched: text that merely
 * mentions lbsim proves nothing.
 */
export function hasCaptureMark(head: Uint8Array): boolean {
  if (head.length < 28) return false;
  const view = new DataView(head.buffer, head.byteOffset, head.byteLength);
  if (view.getUint32(0, true) !== 0x0a0d0d0a || view.getUint32(8, true) !== 0x1a2b3c4d) return false;
  const total = view.getUint32(4, true);
  if (total % 4 !== 0 || total < 28 || total > head.length || view.getUint32(total - 4, true) !== total) return false;
  let application = false;
  let mark = false;
  for (let offset = 24; offset + 4 <= total - 4; ) {
    const code = view.getUint16(offset, true);
    const length = view.getUint16(offset + 2, true);
    if (code === 0) break;
    if (offset + 4 + length > total - 4) return false;
    const value = utf8.decode(head.subarray(offset + 4, offset + 4 + length));
    if (code === 4 && /^lbsim \S+$/.test(value)) application = true;
    if (
      code === 1 &&
      value.startsWith(captureMarkPrefix) &&
      /^[0-9a-f]{16}$/.test(value.slice(captureMarkPrefix.length))
    )
      mark = true;
    offset += 4 + ((length + 3) & ~3);
  }
  return application && mark;
}

/** Whether `head` is classic pcap (either byte order, micro- or nanosecond). */
function isClassicPcap(head: Uint8Array): boolean {
  if (head.length < 4) return false;
  const magic = new DataView(head.buffer, head.byteOffset, 4).getUint32(0, true);
  return [0xa1b2c3d4, 0xd4c3b2a1, 0xa1b23c4d, 0x4d3cb2a1].includes(magic);
}

/** An HTML page that starts as lbsim's reports do and carries the generator mark in its head. */
export function hasReportMark(head: Uint8Array): boolean {
  const text = Buffer.from(head).toString('utf8');
  const headEnd = text.indexOf('</head>');
  return text.startsWith('<!doctype html>') && headEnd !== -1 && text.slice(0, headEnd).includes(reportGeneratorMark);
}

/** Whether two paths name the same existing file (hard and symbolic links included). */
export function sameFile(a: string, b: string): boolean {
  try {
    const x = statSync(a);
    const y = statSync(b);
    return x.dev === y.dev && x.ino === y.ino;
  } catch {
    return false;
  }
}

function refusedAsForeign(path: string, kind: OutputKind, head: Uint8Array): string {
  if (kind === 'scenario') {
    return `${path} exists: lbsim does not overwrite it; pass --force to replace it, or choose another path`;
  }
  if (kind === 'capture' && isClassicPcap(head)) {
    return `${path} exists and is a classic pcap: that format has no room for lbsim's mark, so lbsim cannot tell it wrote it and does not overwrite it; remove it or choose another directory`;
  }
  return `${path} exists and is not an lbsim ${kind}: lbsim does not overwrite it; remove it or choose another path`;
}

/**
 * What is at `path`, and whether lbsim may write there (see the module comment).
 * @param kind what would be written there, to recognise an earlier one
 * @param inputs files the run reads (the scenario): never written, whatever they contain
 * @param replaceExisting a scenario written by `lbsim import --force`: any regular file there
 *   may be replaced (a scenario carries no mark lbsim could recognise)
 */
export function checkTarget(
  path: string,
  kind: OutputKind,
  inputs: readonly string[] = [],
  replaceExisting = false,
): TargetCheck {
  let stats: ReturnType<typeof lstatSync>;
  try {
    stats = lstatSync(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return { ok: true, state: { kind: 'absent' } };
    return { ok: false, refusal: `${path}: cannot check what is there (${code ?? 'error'})` };
  }
  if (stats.isSymbolicLink()) {
    return {
      ok: false,
      refusal: `${path} is a symbolic link: lbsim does not write through links; remove it or choose another path`,
    };
  }
  if (stats.isDirectory()) return { ok: false, refusal: `${path} is a directory` };
  if (inputs.some((input) => sameFile(input, path))) {
    return {
      ok: false,
      refusal: `${path} is the scenario file of this run: lbsim never writes over its input; choose another path`,
    };
  }
  if (!stats.isFile()) return { ok: false, refusal: `${path} is not a regular file: lbsim does not write there` };
  let head: Uint8Array;
  try {
    head = readHead(path);
  } catch (error) {
    return {
      ok: false,
      refusal: `${path}: cannot read it to check what it is (${(error as NodeJS.ErrnoException).code ?? 'error'})`,
    };
  }
  const ours = kind === 'scenario' ? replaceExisting : kind === 'capture' ? hasCaptureMark(head) : hasReportMark(head);
  const identity = identityOf(path);
  if (!ours || identity === undefined) return { ok: false, refusal: refusedAsForeign(path, kind, head) };
  return { ok: true, state: { kind: 'ours', identity } };
}
