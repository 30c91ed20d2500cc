/**
 * Packet conservation (docs/architecture.md#determinism-and-accounting): every packet that is sent ends in exactly one `deliver` or
 * `drop` event — its last — or is still on a link, or held at a Host Agent for SNAT ports, when the run ends. A trace sink that checks
 * it as the run goes, keeping a few numbers per packet rather than the events.
 */
import type { TraceEvent, TraceKind, TraceSink } from '@lbsim/core';

interface PacketState {
  readonly firstKind: TraceKind;
  readonly firstNode: string;
  lastKind: TraceKind;
  lastNode: string;
  /** `deliver` and `drop` events seen. */
  ends: number;
  /** Events after the first end. */
  afterEnd: number;
  /** A drop without a reason. */
  dropWithoutReason: boolean;
  /** Nodes it arrived at (`receive` events). */
  hops: number;
}

/** Counts of {@link PacketAccounting.summary}. */
export interface PacketAccountingSummary {
  /** Packets seen. */
  readonly packets: number;
  /** Packets that ended (delivered or dropped). */
  readonly ended: number;
  /**
   * Packets still in flight at the end of the run: on a link (their last event is a send or
   * forward) or held at a node (see {@link PacketAccounting.summary}).
   */
  readonly inFlight: number;
  /**
   * The most nodes one packet arrived at: a bound on any loop. A packet crosses at most six
   * links (a VM to its own load balancer's frontend: VM, Host Agent, router, Mux, router, Host
   * Agent, VM); a routing loop runs it until its TTL or the event budget.
   */
  readonly maxHops: number;
  /**
   * Every violation, in packet-id order: a packet first seen other than sent, ended twice, with
   * events after its end, that vanished (last seen arriving at a node that did nothing with
   * it), or dropped without a reason. Empty when every packet is accounted for.
   */
  readonly unaccounted: readonly string[];
}

/** The conservation check as a trace sink: subscribe it, run, then read {@link summary}. */
export class PacketAccounting implements TraceSink {
  private readonly packets = new Map<number, PacketState>();

  record(event: TraceEvent): void {
    const id = event.meta.packetId;
    let state = this.packets.get(id);
    if (state === undefined) {
      state = {
        firstKind: event.kind,
        firstNode: event.node,
        lastKind: event.kind,
        lastNode: event.node,
        ends: 0,
        afterEnd: 0,
        dropWithoutReason: false,
        hops: 0,
      };
      this.packets.set(id, state);
    } else if (state.ends > 0) {
      state.afterEnd++;
    }
    state.lastKind = event.kind;
    state.lastNode = event.node;
    if (event.kind === 'receive') state.hops++;
    if (event.kind === 'deliver' || event.kind === 'drop') state.ends++;
    if (event.kind === 'drop' && event.reason === undefined) state.dropWithoutReason = true;
  }

  /**
   * What the run showed so far (call it after the run). `held`: ids of packets a node still
   * held when the run ended (a Host Agent's packets waiting for SNAT ports, the run result's
   * `packetsHeldForSnat`): in flight, though their last event is their arrival.
   */
  summary(held: readonly number[] = []): PacketAccountingSummary {
    const heldIds = new Set(held);
    const unaccounted: string[] = [];
    let ended = 0;
    let inFlight = 0;
    let maxHops = 0;
    for (const [id, state] of [...this.packets].sort(([a], [b]) => a - b)) {
      if (state.firstKind !== 'send')
        unaccounted.push(`packet ${id} first seen as ${state.firstKind} at ${state.firstNode}`);
      if (state.ends > 1) unaccounted.push(`packet ${id} ended ${state.ends} times`);
      if (state.afterEnd > 0 && state.ends === 1) unaccounted.push(`packet ${id} had events after it ended`);
      if (state.dropWithoutReason) unaccounted.push(`packet ${id} was dropped without a reason`);
      maxHops = Math.max(maxHops, state.hops);
      if (state.ends > 0) ended++;
      // A packet with no end must be on a link, its last event put it there, or held.
      else if (state.lastKind === 'receive' && !heldIds.has(id))
        unaccounted.push(`packet ${id} vanished at ${state.lastNode}`);
      else inFlight++;
    }
    return { packets: this.packets.size, ended, inFlight, maxHops, unaccounted };
  }
}
