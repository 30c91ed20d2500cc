/**
 * The bytes of a run's captures (docs/captures.md), apart from where they go: one file per
 * vantage point, `<node>.pcapng` with three interfaces (`<node> in`, `<node> out`,
 * `<node> drops`), and, for pcapng, `_all.pcapng` merging every vantage point, one interface
 * each, plus one for the drops of every node. `--pcap-format pcap` gives `<node>.pcap` with the
 * packets in and out only: classic pcap cannot say a packet was dropped, nor where.
 *
 * The command line stages these bytes into files (capture-directory.ts); the browser
 * playground keeps them in memory for download. One encoder for both is what makes their
 * captures byte-identical.
 */
import {
  type CaptureFormat,
  type CaptureSection,
  encodeCaptureHeader,
  encodeCaptureRecord,
  encodeIpv4Packet,
  linkTypeRaw,
  type PcapngInterface,
} from '@lbsim/core';
import type { CaptureRecord } from './capture-tap.ts';
import type { VantagePoint } from './vantage-points.ts';

/** The merged file's name: not a node name, which starts with a letter or digit. */
export const mergedCaptureName = '_all';

/** The interface of each side of a per-node file, by number. */
const sideInterfaces: Readonly<Record<CaptureRecord['side'], number>> = { in: 0, out: 1, drop: 2 };

/** What the section header of every file of a run says (see docs/captures.md). */
export interface CaptureRunInfo {
  /** The scenario file as given on the command line (in the playground, the entry's path). */
  readonly scenarioFile: string;
  readonly seed: number;
  readonly version: string;
  /** 16 hex digits identifying the run's inputs; the mark lbsim checks before replacing a file. */
  readonly runId: string;
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

/**
 * The files of a run, by name without extension, in the order they are listed: each vantage
 * point's (`<node>`), then, for pcapng, the merged one (`_all`).
 */
export function captureFileNames(points: readonly VantagePoint[], format: CaptureFormat): string[] {
  const perNode = points.map((point) => point.node);
  return format === 'pcapng' ? [...perNode, mergedCaptureName] : perNode;
}

/**
 * Encodes a run's capture records into the bytes of each file, handing them to `emit` with the
 * file's name (see {@link captureFileNames}) as they are made: each file's header at once, then
 * its packets in time order (event order within an instant).
 */
export class CaptureEncoder {
  /** Records of the current instant, written in event order once time moves on. */
  private batch: CaptureRecord[] = [];
  private readonly mergedInterface: ReadonlyMap<string, number>;
  private readonly nodes: ReadonlySet<string>;
  private readonly merged: boolean;

  constructor(
    private readonly format: CaptureFormat,
    points: readonly VantagePoint[],
    run: CaptureRunInfo,
    private readonly emit: (name: string, bytes: Uint8Array) => void,
  ) {
    this.mergedInterface = new Map(points.map((point, i) => [point.node, i]));
    this.nodes = new Set(points.map((point) => point.node));
    this.merged = format === 'pcapng';
    for (const point of points) {
      emit(
        point.node,
        encodeCaptureHeader(format, sectionOf(run, `vantage point: ${point.description}`), interfacesOf(point)),
      );
    }
    if (this.merged) {
      const section = sectionOf(run, 'every vantage point of the run, one interface each, and the drops of every node');
      emit(mergedCaptureName, encodeCaptureHeader(format, section, mergedInterfacesOf(points)));
    }
  }

  /**
   * Takes a packet for its vantage point's file and the merged file. Records come in time
   * order; those of one instant are written in `sequence` order.
   */
  write(record: CaptureRecord): void {
    const first = this.batch[0];
    if (first !== undefined && first.atNs !== record.atNs) this.flush();
    this.batch.push(record);
  }

  /** Encodes the records still held; call once the run is over. */
  flush(): void {
    const batch = this.batch.sort((a, b) => a.sequence - b.sequence);
    this.batch = [];
    for (const record of batch) this.writeRecord(record);
  }

  private writeRecord(record: CaptureRecord): void {
    const bytes = encodeIpv4Packet(record.packet);
    const packet = { atNs: record.atNs, bytes, comment: record.comment, direction: record.direction };
    if (this.nodes.has(record.node) && (this.format === 'pcapng' || record.side !== 'drop')) {
      this.emit(record.node, encodeCaptureRecord(this.format, sideInterfaces[record.side], packet));
    }
    if (this.merged) {
      const drops = this.mergedInterface.size;
      const iface = record.side === 'drop' ? drops : (this.mergedInterface.get(record.node) ?? drops);
      const comment =
        record.side === 'drop' ? record.comment.replace(/^(\[[^\]]*\]) /, `$1 ${record.node}: `) : record.comment;
      this.emit(mergedCaptureName, encodeCaptureRecord(this.format, iface, { ...packet, comment }));
    }
  }
}
