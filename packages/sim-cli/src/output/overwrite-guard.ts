/**
 * What lbsim may overwrite: nothing but its own earlier output. Before writing a capture or a
 * report, each target path is checked: the run's scenario file is never a target (whatever it
 * contains), a missing file is fine, an earlier lbsim capture or report of that name is
 * replaced, and anything else (a scenario, a directory, someone's own capture) is refused, so
 * a mistyped path never costs the user a file.
 */
import { closeSync, openSync, readSync, statSync } from 'node:fs';

/** Kinds of file lbsim writes. */
export type OutputKind = 'capture' | 'report';

/** Bytes read from an existing file to recognise it. */
const sniffBytes = 512;

/** The mark every lbsim report carries in its head (see report/report-page.ts). */
export const reportGeneratorMark = '<meta name="generator" content="lbsim">';

function readHead(path: string): Uint8Array {
  const fd = openSync(path, 'r');
  try {
    const head = new Uint8Array(sniffBytes);
    const read = readSync(fd, head, 0, sniffBytes, 0);
    return head.subarray(0, read);
  } finally {
    closeSync(fd);
  }
}

/**
 * A pcapng file whose section header names lbsim as its application, or a classic pcap with
 * lbsim's nanosecond little-endian magic (classic pcap has no application field).
 */
function isLbsimCapture(head: Uint8Array): boolean {
  const text = Buffer.from(head).toString('latin1');
  // Section header block type, then (after the length) the little-endian byte-order magic.
  const pcapng =
    text.startsWith('\x0a\x0d\x0d\x0a') && text.slice(8, 12) === '\x4d\x3c\x2b\x1a' && text.includes('lbsim');
  const pcap = text.startsWith('\x4d\x3c\xb2\xa1');
  return pcapng || pcap;
}

/** An HTML page that starts as lbsim's reports do and carries the generator mark in its head. */
function isLbsimReport(head: Uint8Array): boolean {
  const text = Buffer.from(head).toString('utf8');
  const headEnd = text.indexOf('</head>');
  return (
    text.startsWith('<!doctype html>') &&
    text.slice(0, headEnd === -1 ? undefined : headEnd).includes(reportGeneratorMark)
  );
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

/**
 * Why lbsim must not write `path`, or `undefined` when it may.
 * @param kind what would be written there, to recognise an earlier one
 * @param inputs files the run reads (the scenario): never written, whatever they contain
 */
export function refusalToWrite(path: string, kind: OutputKind, inputs: readonly string[] = []): string | undefined {
  let isFile: boolean;
  try {
    const stats = statSync(path);
    if (stats.isDirectory()) return `${path} is a directory`;
    isFile = stats.isFile();
  } catch {
    return undefined;
  }
  if (inputs.some((input) => sameFile(input, path))) {
    return `${path} is the scenario file of this run: lbsim never writes over its input; choose another path`;
  }
  let head: Uint8Array;
  try {
    head = isFile ? readHead(path) : new Uint8Array(0);
  } catch (error) {
    return `${path}: cannot read it to check what it is (${(error as NodeJS.ErrnoException).code ?? 'error'})`;
  }
  const ours = kind === 'capture' ? isLbsimCapture(head) : isLbsimReport(head);
  if (ours) return undefined;
  return `${path} exists and is not an lbsim ${kind}: lbsim does not overwrite it; remove it or choose another path`;
}
