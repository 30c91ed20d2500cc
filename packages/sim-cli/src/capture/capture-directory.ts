/**
 * The capture files of a run (docs/captures.md) in a directory: the bytes capture-encoder.ts
 * makes, one file per vantage point and, for pcapng, the merged `_all.pcapng`. Every file is staged
 * (output/staged-file.ts): nothing appears until the run has finished, and nothing the user
 * had is replaced unless lbsim can prove it wrote it.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { type CaptureFormat, captureFileExtensions } from '@lbsim/core';
import { describeError } from '../output/describe-error.ts';
import { StagedFile } from '../output/staged-file.ts';
import { CaptureEncoder, type CaptureRunInfo, captureFileNames } from './capture-encoder.ts';
import type { CaptureRecord } from './capture-tap.ts';
import type { VantagePoint } from './vantage-points.ts';

export { type CaptureRunInfo, mergedCaptureName } from './capture-encoder.ts';

/** Bytes held per file before they are written out. */
const chunkBytes = 256 * 1024;

interface OpenCapture {
  readonly file: StagedFile;
  readonly chunks: Uint8Array[];
  held: number;
}

/** The open capture files of one run. */
export class CaptureDirectory {
  private constructor(
    private readonly encoder: CaptureEncoder,
    private readonly files: readonly OpenCapture[],
  ) {}

  /**
   * Creates `directory` if needed and stages one file per vantage point (and the merged file),
   * each starting with its header. Refuses, creating nothing, when a file it would replace is
   * not provably an earlier lbsim capture, is a link, or is one of `inputs`.
   * @param inputs files the run reads (the scenario): never written
   * @returns the open directory, or a message saying why it cannot be written
   */
  static open(
    directory: string,
    points: readonly VantagePoint[],
    format: CaptureFormat,
    run: CaptureRunInfo,
    inputs: readonly string[] = [],
  ): { readonly ok: true; readonly captures: CaptureDirectory } | { readonly ok: false; readonly error: string } {
    const paths = capturePaths(directory, points, format);
    try {
      mkdirSync(directory, { recursive: true });
    } catch (error) {
      return { ok: false, error: `cannot create capture directory ${directory}: ${describeError(error)}` };
    }
    const byName = new Map<string, OpenCapture>();
    const names = captureFileNames(points, format);
    for (const [i, name] of names.entries()) {
      const created = StagedFile.create(paths[i] as string, 'capture', inputs);
      if (!created.ok) {
        for (const capture of byName.values()) capture.file.discard();
        return { ok: false, error: created.error };
      }
      byName.set(name, { file: created.file, chunks: [], held: 0 });
    }
    const encoder = new CaptureEncoder(format, points, run, (name, bytes) => {
      const capture = byName.get(name);
      if (capture !== undefined) append(capture, bytes);
    });
    return { ok: true, captures: new CaptureDirectory(encoder, [...byName.values()]) };
  }

  /**
   * Takes a packet for its vantage point's file and the merged file. Records come in time
   * order; those of one instant are written in `sequence` order.
   * @throws OutputWriteError when a file cannot be written (a full disk) or was abandoned
   */
  write(record: CaptureRecord): void {
    this.encoder.write(record);
  }

  /**
   * Writes what is held and puts every file in place.
   * @returns the paths written and, for each file that could not be, why
   */
  close(): { readonly written: string[]; readonly errors: string[] } {
    this.encoder.flush();
    const written: string[] = [];
    const errors: string[] = [];
    for (const capture of this.files) {
      try {
        writeOut(capture);
      } catch (error) {
        capture.file.discard();
        errors.push((error as Error).message);
        continue;
      }
      const installed = capture.file.install();
      if (installed.ok) written.push(capture.file.path);
      else errors.push(installed.error);
    }
    return { written, errors };
  }

  /** Drops every file: nothing is written, what was there stays. */
  discard(): void {
    for (const capture of this.files) capture.file.discard();
  }
}

/**
 * The files of `points` in `directory`: `<node>.pcapng` (or `.pcap`) in point order, then, for
 * pcapng, the merged file.
 */
export function capturePaths(directory: string, points: readonly VantagePoint[], format: CaptureFormat): string[] {
  const extension = captureFileExtensions[format];
  return captureFileNames(points, format).map((name) => join(directory, `${name}${extension}`));
}

function append(capture: OpenCapture, bytes: Uint8Array): void {
  capture.chunks.push(bytes);
  capture.held += bytes.length;
  if (capture.held >= chunkBytes) writeOut(capture);
}

function writeOut(capture: OpenCapture): void {
  const bytes = Buffer.concat(capture.chunks);
  capture.chunks.length = 0;
  capture.held = 0;
  capture.file.write(bytes);
}
