/**
 * The reassembly buffer of a receiving endpoint (RFC 791 §3.2): fragments wait, keyed by
 * (source, destination, protocol, identification), until the datagram is complete or the
 * reassembly timer expires.
 */
import type { Ipv4Packet } from '../net/packet.ts';
import type { ScheduledEvent } from '../sim/event-queue.ts';
import type { Kernel } from '../sim/kernel.ts';
import type { PacketMeta } from '../sim/packet-meta.ts';
import { reassembleFragments } from '../wire/fragment.ts';
import type { WireResult } from '../wire/result.ts';

/** A fragment waiting for its datagram, with its meta for the trace. */
export interface BufferedFragment {
  readonly packet: Ipv4Packet;
  readonly meta: PacketMeta;
}

/** What adding a fragment did. */
export type FragmentOutcome =
  | { readonly kind: 'buffered' }
  /** The fragment came out of order and the buffer only reassembles in order: it is dropped. */
  | { readonly kind: 'out-of-order'; readonly expectedOffsetBytes: number }
  | {
      readonly kind: 'complete';
      readonly fragments: readonly BufferedFragment[];
      readonly datagram: WireResult<Ipv4Packet>;
    };

interface Pending {
  readonly fragments: BufferedFragment[];
  readonly timer: ScheduledEvent;
}

/** Fragments waiting for reassembly. */
export class FragmentBuffer {
  private readonly pending = new Map<string, Pending>();

  /**
   * @param onTimeout called with the fragments of a datagram that did not complete in time
   */
  /**
   * @param inOrderOnly accept a datagram's fragments only in offset order, dropping any other
   *   (Azure VMs drop out-of-order fragments by default, docs/mechanics.md §2.7)
   */
  constructor(
    private readonly kernel: Kernel,
    private readonly timeoutNs: number,
    private readonly onTimeout: (fragments: readonly BufferedFragment[]) => void,
    private readonly inOrderOnly = false,
  ) {}

  /** Adds a fragment; returns the datagram's fragments and reassembly once it is complete. */
  add(packet: Ipv4Packet, meta: PacketMeta): FragmentOutcome {
    const protocol = packet.payload.kind === 'fragment' ? packet.payload.protocol : -1;
    const key = `${packet.src}|${packet.dst}|${protocol}|${packet.id}`;
    let entry = this.pending.get(key);
    if (this.inOrderOnly) {
      const expected = contiguousEnd(entry?.fragments ?? []);
      if (packet.fragmentOffsetBytes !== expected) return { kind: 'out-of-order', expectedOffsetBytes: expected };
    }
    if (entry === undefined) {
      const timer = this.kernel.after(this.timeoutNs, () => {
        const expired = this.pending.get(key);
        this.pending.delete(key);
        if (expired !== undefined) this.onTimeout(expired.fragments);
      });
      entry = { fragments: [], timer };
      this.pending.set(key, entry);
    }
    entry.fragments.push({ packet, meta });
    if (!isComplete(entry.fragments)) return { kind: 'buffered' };
    this.kernel.cancel(entry.timer);
    this.pending.delete(key);
    return {
      kind: 'complete',
      fragments: entry.fragments,
      datagram: reassembleFragments(entry.fragments.map((fragment) => fragment.packet)),
    };
  }

  /** Empties the buffer (the OS stopped); returns the fragments that were waiting. */
  clear(): BufferedFragment[] {
    const waiting: BufferedFragment[] = [];
    for (const entry of this.pending.values()) {
      this.kernel.cancel(entry.timer);
      waiting.push(...entry.fragments);
    }
    this.pending.clear();
    return waiting;
  }
}

/** The offset just after the fragments that are contiguous from offset 0. */
function contiguousEnd(fragments: readonly BufferedFragment[]): number {
  let end = 0;
  for (const { packet } of [...fragments].sort((a, b) => a.packet.fragmentOffsetBytes - b.packet.fragmentOffsetBytes)) {
    if (packet.fragmentOffsetBytes !== end || packet.payload.kind !== 'fragment') break;
    end += packet.payload.bytes.length;
  }
  return end;
}

function isComplete(fragments: readonly BufferedFragment[]): boolean {
  const sorted = fragments.map((f) => f.packet).sort((a, b) => a.fragmentOffsetBytes - b.fragmentOffsetBytes);
  let expected = 0;
  for (const packet of sorted) {
    if (packet.fragmentOffsetBytes !== expected || packet.payload.kind !== 'fragment') return false;
    expected += packet.payload.bytes.length;
  }
  return !(sorted[sorted.length - 1] as Ipv4Packet).moreFragments;
}
