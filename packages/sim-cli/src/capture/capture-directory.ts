/**
 * The capture files of a run: one per vantage point in a directory, `<node>.pcapng` (or
 * `.pcap`). Files are written in chunks as the run goes, so a long run's captures never sit
 * whole in memory.
 */
import { closeSync, mkdirSync, openSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import {
  type CaptureFormat,
  captureFileExtensions,
  encodeCaptureHeader,
  encodeCaptureRecord,
  encodeIpv4Packet,
  linkTypeRaw,
} from '@lbsim/core';
import { describeError } from '../output/describe-error.ts';
import { refusalToWrite } from '../output/overwrite-guard.ts';
import type { CaptureRecord } from './capture-tap.ts';
import type { VantagePoint } from './vantage-points.ts';

/** Bytes held per file before they are written out. */
const chunkBytes = 256 * 1024;

/** A failure to write a capture: the file and the system's error code. */
export class CaptureWriteError extends Error {}

interface OpenCapture {
  readonly path: string;
  readonly fd: number;
  readonly chunks: Uint8Array[];
  held: number;
}

/** The open capture files of one run. */
export class CaptureDirectory {
  private constructor(
    private readonly format: CaptureFormat,
    private readonly files: ReadonlyMap<string, OpenCapture>,
  ) {}

  /**
   * Creates `directory` if needed and one file per vantage point, each starting with its
   * header. Refuses (and creates no file) when a file it would replace is not an earlier lbsim
   * capture or is one of `inputs`.
   * @param inputs files the run reads (the scenario): never written
   * @returns the open directory, or a message saying why it cannot be written
   */
  static open(
    directory: string,
    points: readonly VantagePoint[],
    format: CaptureFormat,
    inputs: readonly string[] = [],
  ): { readonly ok: true; readonly captures: CaptureDirectory } | { readonly ok: false; readonly error: string } {
    const paths = capturePaths(directory, points, format);
    try {
      mkdirSync(directory, { recursive: true });
    } catch (error) {
      return { ok: false, error: `cannot create capture directory ${directory}: ${describeError(error)}` };
    }
    for (const path of paths) {
      const refusal = refusalToWrite(path, 'capture', inputs);
      if (refusal !== undefined) return { ok: false, error: refusal };
    }
    const files = new Map<string, OpenCapture>();
    try {
      points.forEach((point, i) => {
        const path = paths[i] as string;
        const capture: OpenCapture = { path, fd: openSync(path, 'w'), chunks: [], held: 0 };
        files.set(point.node, capture);
        const header = encodeCaptureHeader(format, {
          name: point.node,
          description: point.description,
          linkType: linkTypeRaw,
        });
        capture.chunks.push(header);
        capture.held += header.length;
      });
    } catch (error) {
      for (const capture of files.values()) closeSync(capture.fd);
      return { ok: false, error: `cannot write captures into ${directory}: ${describeError(error)}` };
    }
    return { ok: true, captures: new CaptureDirectory(format, files) };
  }

  /** Paths of the files, in vantage-point order. */
  get paths(): string[] {
    return [...this.files.values()].map((capture) => capture.path);
  }

  /**
   * Appends a packet to its vantage point's file.
   * @throws CaptureWriteError when the file cannot be written (a full disk)
   */
  write(record: CaptureRecord): void {
    const capture = this.files.get(record.node);
    if (capture === undefined) return;
    const bytes = encodeCaptureRecord(this.format, {
      atNs: record.atNs,
      bytes: encodeIpv4Packet(record.packet),
      comment: record.comment,
    });
    capture.chunks.push(bytes);
    capture.held += bytes.length;
    if (capture.held >= chunkBytes) writeOut(capture);
  }

  /**
   * Writes what is held and closes every file.
   * @throws CaptureWriteError when a file cannot be written
   */
  close(): void {
    let failure: unknown;
    for (const capture of this.files.values()) {
      try {
        writeOut(capture);
      } catch (error) {
        failure ??= error;
      }
      closeSync(capture.fd);
    }
    if (failure !== undefined) throw failure;
  }
}

/** The file of each vantage point in `directory`: `<node>.pcapng` (or `.pcap`), in point order. */
export function capturePaths(directory: string, points: readonly VantagePoint[], format: CaptureFormat): string[] {
  return points.map((point) => join(directory, `${point.node}${captureFileExtensions[format]}`));
}

function writeOut(capture: OpenCapture): void {
  const bytes = Buffer.concat(capture.chunks);
  capture.chunks.length = 0;
  capture.held = 0;
  try {
    let written = 0;
    while (written < bytes.length) written += writeSync(capture.fd, bytes, written);
  } catch (error) {
    throw new CaptureWriteError(`cannot write ${capture.path}: ${describeError(error)}`);
  }
}
