/**
 * The capture files of a run (docs/captures.md): one per vantage point in a directory,
 * `<node>.pcapng` with three interfaces (`<node> in`, `<node> out`, `<node> drops`), and, for
 * pcapng, `_all.pcapng` merging every vantage point, one interface each, plus one for the
 * drops of every node. `--pcap-format pcap` writes `<node>.pcap` with the packets in and out
 * only: classic pcap cannot say a packet was dropped, nor where. Every file is staged
 * (output/staged-file.ts): nothing appears until the run has finished, and nothing the user
 * had is replaced unless lbsim can prove it wrote it.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import {
  type CaptureFormat,
  type CaptureSection,
  captureFileExtensions,
  encodeCaptureHeader,
  encodeCaptureRecord,
  encodeIpv4Packet,
  linkTypeRaw,
  type PcapngInterface,
} from '@lbsim/core';
import { describeError } from '../output/describe-error.ts';
import { OutputWriteError, StagedFile } from '../output/staged-file.ts';
import type { CaptureRecord } from './capture-tap.ts';
import type { VantagePoint } from './vantage-points.ts';

/** Bytes held per file before they are written out. */
const chunkBytes = 256 * 1024;

/** The merged file's name: not a node name, which starts with a letter or digit. */
export const mergedCaptureName = '_all';

/** The interface of each side of a per-node file, by number. */
const sideInterfaces: Readonly<Record<CaptureRecord['side'], number>> = { in: 0, out: 1, drop: 2 };

/** What the section header of every file of a run says (see docs/captures.md). */
export interface CaptureRunInfo {
  /** The scenario file as given on the command line. */
  readonly scenarioFile: string;
  readonly seed: number;
  readonly version: string;
  /** 16 hex digits identifying the run's inputs; the mark lbsim checks before replacing a file. */
  readonly runId: string;
}

interface OpenCapture {
  readonly file: StagedFile;
  readonly chunks: Uint8Array[];
  held: number;
}

/** The section header of one file: who wrote it, for which run, and how to read its times. */
function sectionOf(run: CaptureRunInfo, contents: string): CaptureSection {
  return {
    userApplication: `lbsim ${run.version}`,
    comments: [
      `scenario ${run.scenarioFile}, seed ${run.seed}, lbsim ${run.version}`,
      contents,
      'time: frame.time_epoch is virtual run time in seconds (the run starts at the Unix epoch, 1970-01-01 00:00:00 UTC), the same clock in every file of the run',
      `lbsim-run ${run.runId}`,
    ],
  };
}

function interfacesOf(point: VantagePoint): PcapngInterface[] {
  const out = point.kind === 'mux' ? `${point.node} out (IP-in-IP)` : `${point.node} out`;
  return [
    {
      name: `${point.node} in`,
      description: `${point.description}: packets that arrived and ended here or went on off this wire`,
      linkType: linkTypeRaw,
    },
    {
      name: out,
      description: `${point.description}: packets that left on this wire, those that came in first included (once, as they left)`,
      linkType: linkTypeRaw,
    },
    {
      name: `${point.node} drops`,
      description: `${point.node}: packets it dropped, with the reason in the comment, wherever in the node that happened`,
      linkType: linkTypeRaw,
    },
  ];
}

function mergedInterfacesOf(points: readonly VantagePoint[]): PcapngInterface[] {
  return [
    ...points.map((point) => ({ name: point.node, description: point.description, linkType: linkTypeRaw })),
    {
      name: 'drops',
      description: 'packets every node dropped (the router included), with the node and the reason in the comment',
      linkType: linkTypeRaw,
    },
  ];
}

/** The open capture files of one run. */
export class CaptureDirectory {
  /** Records of the current instant, written in event order once time moves on. */
  private batch: CaptureRecord[] = [];
  private readonly mergedInterface: ReadonlyMap<string, number>;

  private constructor(
    private readonly format: CaptureFormat,
    private readonly files: ReadonlyMap<string, OpenCapture>,
    private readonly merged: OpenCapture | undefined,
    points: readonly VantagePoint[],
  ) {
    this.mergedInterface = new Map(points.map((point, i) => [point.node, i]));
  }

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
    const staged: StagedFile[] = [];
    const stage = (path: string): StagedFile | string => {
      const created = StagedFile.create(path, 'capture', inputs);
      if (!created.ok) return created.error;
      staged.push(created.file);
      return created.file;
    };
    const files = new Map<string, OpenCapture>();
    let merged: OpenCapture | undefined;
    try {
      for (const [i, point] of points.entries()) {
        const file = stage(paths[i] as string);
        if (typeof file === 'string') throw new OutputWriteError(file);
        const header = encodeCaptureHeader(
          format,
          sectionOf(run, `vantage point: ${point.description}`),
          interfacesOf(point),
        );
        files.set(point.node, { file, chunks: [header], held: header.length });
      }
      if (format === 'pcapng') {
        const file = stage(paths[points.length] as string);
        if (typeof file === 'string') throw new OutputWriteError(file);
        const header = encodeCaptureHeader(
          format,
          sectionOf(run, 'every vantage point of the run, one interface each, and the drops of every node'),
          mergedInterfacesOf(points),
        );
        merged = { file, chunks: [header], held: header.length };
      }
    } catch (error) {
      for (const file of staged) file.discard();
      return { ok: false, error: (error as Error).message };
    }
    return { ok: true, captures: new CaptureDirectory(format, files, merged, points) };
  }

  /**
   * Takes a packet for its vantage point's file and the merged file. Records come in time
   * order; those of one instant are written in `sequence` order.
   * @throws OutputWriteError when a file cannot be written (a full disk) or was abandoned
   */
  write(record: CaptureRecord): void {
    const first = this.batch[0];
    if (first !== undefined && first.atNs !== record.atNs) this.writeBatch();
    this.batch.push(record);
  }

  /**
   * Writes what is held and puts every file in place.
   * @returns the paths written and, for each file that could not be, why
   */
  close(): { readonly written: string[]; readonly errors: string[] } {
    this.writeBatch();
    const written: string[] = [];
    const errors: string[] = [];
    for (const capture of this.all()) {
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
    for (const capture of this.all()) capture.file.discard();
  }

  private all(): OpenCapture[] {
    return [...this.files.values(), ...(this.merged === undefined ? [] : [this.merged])];
  }

  private writeBatch(): void {
    const batch = this.batch.sort((a, b) => a.sequence - b.sequence);
    this.batch = [];
    for (const record of batch) this.writeRecord(record);
  }

  private writeRecord(record: CaptureRecord): void {
    const bytes = encodeIpv4Packet(record.packet);
    const packet = { atNs: record.atNs, bytes, comment: record.comment, direction: record.direction };
    const capture = this.files.get(record.node);
    if (capture !== undefined && (this.format === 'pcapng' || record.side !== 'drop')) {
      append(capture, encodeCaptureRecord(this.format, sideInterfaces[record.side], packet));
    }
    if (this.merged !== undefined) {
      const drops = this.mergedInterface.size;
      const iface = record.side === 'drop' ? drops : (this.mergedInterface.get(record.node) ?? drops);
      const comment =
        record.side === 'drop' ? record.comment.replace(/^(\[[^\]]*\]) /, `$1 ${record.node}: `) : record.comment;
      append(this.merged, encodeCaptureRecord(this.format, iface, { ...packet, comment }));
    }
  }
}

/**
 * The files of `points` in `directory`: `<node>.pcapng` (or `.pcap`) in point order, then, for
 * pcapng, the merged file.
 */
export function capturePaths(directory: string, points: readonly VantagePoint[], format: CaptureFormat): string[] {
  const extension = captureFileExtensions[format];
  const perNode = points.map((point) => join(directory, `${point.node}${extension}`));
  return format === 'pcapng' ? [...perNode, join(directory, `${mergedCaptureName}${extension}`)] : perNode;
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
