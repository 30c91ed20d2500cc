/**
 * An endpoint's TCP connections in TIME-WAIT as fixed-size numeric records, as Linux keeps
 * them in an `inet_timewait_sock` ("minisock", `net/ipv4/tcp_minisocks.c`): when a connection
 * enters TIME-WAIT its full state, its application's handlers and its timer are let go, and a
 * record keeps what TIME-WAIT still needs — the four-tuple, the sequence numbers to answer a
 * retransmitted FIN or an unexpected segment, the timestamps state, the path MTU, and when it
 * expires. At a thousand connections a second and a 60 s TIME-WAIT a client holds sixty
 * thousand of them (issue 20).
 *
 * Records sit in typed-array columns of a ring, in the order they were made, found by
 * four-tuple through an open-addressing index of record ids (no object or Map entry per
 * record: a record costs about 70 bytes, where the connection object with its timer, handlers
 * and the exchange they kept cost about 1.4 KB). An endpoint has
 * one TIME-WAIT duration, so that is also expiry order: one timer, armed for the oldest
 * record, expires them one at a time. Each record keeps the event sequence number its own
 * timer would have taken (`Kernel.takeSequence`), so it expires at the same time, in the same
 * order among same-time events and as one event, as a connection's own TIME-WAIT timer did.
 *
 * A segment for a record (rare: a retransmitted FIN, a SYN, an RST) brings the connection back
 * as an object (`TcpConnection.restoreTimeWait`), which answers it as it always did.
 */
import type { Ipv4Address } from '../net/ipv4-address.ts';
import type { Kernel, KernelTimer } from '../sim/kernel.ts';

/** What a connection in TIME-WAIT needs to behave as one (see `TcpConnection.timeWaitState`). */
export interface TimeWaitState {
  readonly localAddress: Ipv4Address;
  readonly localPort: number;
  readonly remoteAddress: Ipv4Address;
  readonly remotePort: number;
  /** Simulation id shared by both ends (see `PacketMeta.connectionId`). */
  readonly connectionId: number;
  /** Whether this side accepted the connection (rather than opened it). */
  readonly passive: boolean;
  /** SND.NXT: the sequence number after our FIN. */
  readonly sendNext: number;
  /** RCV.NXT: the sequence number after the peer's FIN. */
  readonly receiveNext: number;
  /** Whether both sides agreed on the timestamps option (RFC 7323 §3.2). */
  readonly timestampsInUse: boolean;
  /** TS.Recent: the peer's last TSval (RFC 7323). */
  readonly timestampRecent: number;
  /** The connection's own offset added to the host's TSval clock. */
  readonly timestampOffset: number;
  /** Path MTU learned from ICMP (RFC 1191), bytes; `Infinity` when none was. */
  readonly pathMtu: number;
}

/** A TIME-WAIT connection as `Endpoint.openConnections` lists it: its identity, no object behind it. */
export interface TimeWaitConnectionView {
  readonly state: 'TIME-WAIT';
  readonly localAddress: Ipv4Address;
  readonly localPort: number;
  readonly remoteAddress: Ipv4Address;
  readonly remotePort: number;
  readonly connectionId: number;
  readonly receiveNext: number;
}

const initialCapacity = 64;
const initialIndexCapacity = 128;
const flagTimestamps = 1;
const flagPassive = 2;
const flagLive = 4;

/** TIME-WAIT records of one endpoint, expired by one timer in the order they were made. */
export class TimeWaitRecords {
  /** Id of the oldest record kept (live or removed early); ids count up from 0. */
  private head = 0;
  /** Id the next record takes. */
  private tail = 0;
  private live = 0;
  /** Stand-in events reported to the kernel (see {@link syncTimer}). */
  private standIns = 0;
  private mask = initialCapacity - 1;
  private localAddresses = new Uint32Array(initialCapacity);
  private remoteAddresses = new Uint32Array(initialCapacity);
  private localPorts = new Uint16Array(initialCapacity);
  private remotePorts = new Uint16Array(initialCapacity);
  private connectionIds = new Float64Array(initialCapacity);
  private sendNexts = new Uint32Array(initialCapacity);
  private receiveNexts = new Uint32Array(initialCapacity);
  private timestampRecents = new Uint32Array(initialCapacity);
  private timestampOffsets = new Uint32Array(initialCapacity);
  /** 0: no path MTU learned. */
  private pathMtus = new Uint16Array(initialCapacity);
  private flags = new Uint8Array(initialCapacity);
  private dueTimes = new Float64Array(initialCapacity);
  private dueSeqs = new Float64Array(initialCapacity);
  /** Each record's place in its endpoint's creation order of connections (`ConnectionTable.orderOf`). */
  private orders = new Float64Array(initialCapacity);
  /** Open-addressing index by four-tuple, linear probing: record id plus one, 0 for an empty slot. */
  private index = new Int32Array(initialIndexCapacity);
  private indexMask = initialIndexCapacity - 1;
  private readonly timer: KernelTimer;

  /**
   * @param onExpire called when a record's TIME-WAIT ends (its id still readable); the record
   *   is gone once it returns
   */
  constructor(
    private readonly kernel: Kernel,
    private readonly onExpire: (id: number) => void,
  ) {
    this.timer = kernel.timer(() => this.expireOldest());
  }

  /** Records kept now. */
  get size(): number {
    return this.live;
  }

  /**
   * Whether a record expiring at `dueNs` (sequence `dueSeq`) keeps expiry order, i.e. expires
   * no earlier than the newest record: always, with one TIME-WAIT duration per endpoint.
   */
  accepts(dueNs: number, dueSeq: number): boolean {
    if (this.live === 0) return true;
    const newest = (this.tail - 1) & this.mask;
    const newestNs = this.dueTimes[newest] as number;
    return dueNs > newestNs || (dueNs === newestNs && dueSeq > (this.dueSeqs[newest] as number));
  }

  /**
   * Keeps `state` until `dueNs` (event sequence `dueSeq`); returns the record's id.
   * @param order the connection's place in the endpoint's creation order (for listing)
   */
  add(state: TimeWaitState, dueNs: number, dueSeq: number, order: number): number {
    if (this.tail - this.head > this.mask) this.grow();
    if ((this.live + 1) * 2 > this.indexMask + 1) this.growIndex();
    const id = this.tail++;
    const i = id & this.mask;
    this.localAddresses[i] = state.localAddress;
    this.remoteAddresses[i] = state.remoteAddress;
    this.localPorts[i] = state.localPort;
    this.remotePorts[i] = state.remotePort;
    this.connectionIds[i] = state.connectionId;
    this.sendNexts[i] = state.sendNext;
    this.receiveNexts[i] = state.receiveNext;
    this.timestampRecents[i] = state.timestampRecent;
    this.timestampOffsets[i] = state.timestampOffset;
    this.pathMtus[i] = Number.isFinite(state.pathMtu) ? state.pathMtu : 0;
    this.flags[i] = flagLive | (state.timestampsInUse ? flagTimestamps : 0) | (state.passive ? flagPassive : 0);
    this.dueTimes[i] = dueNs;
    this.dueSeqs[i] = dueSeq;
    this.orders[i] = order;
    this.insertIndex(id);
    this.live++;
    this.syncTimer();
    return id;
  }

  /** The id of the record of a four-tuple, or -1. */
  find(localAddress: number, localPort: number, remoteAddress: number, remotePort: number): number {
    if (this.live === 0) return -1;
    const index = this.index;
    const indexMask = this.indexMask;
    for (let slot = tupleHash(localAddress, localPort, remoteAddress, remotePort) & indexMask; ; ) {
      const entry = index[slot] as number;
      if (entry === 0) return -1;
      const id = entry - 1;
      const i = id & this.mask;
      if (
        this.localPorts[i] === localPort &&
        this.remotePorts[i] === remotePort &&
        this.remoteAddresses[i] === remoteAddress &&
        this.localAddresses[i] === localAddress
      ) {
        return id;
      }
      slot = (slot + 1) & indexMask;
    }
  }

  /** The record's place in its endpoint's creation order of connections. */
  orderOf(id: number): number {
    return this.orders[id & this.mask] as number;
  }

  /** The ids of the records kept now, oldest first. */
  ids(): number[] {
    const ids: number[] = [];
    for (let id = this.head; id < this.tail; id++)
      if (((this.flags[id & this.mask] as number) & flagLive) !== 0) ids.push(id);
    return ids;
  }

  /** The record's state (made on each call). */
  state(id: number): TimeWaitState {
    const i = id & this.mask;
    const flags = this.flags[i] as number;
    const pathMtu = this.pathMtus[i] as number;
    return {
      localAddress: this.localAddresses[i] as number,
      localPort: this.localPorts[i] as number,
      remoteAddress: this.remoteAddresses[i] as number,
      remotePort: this.remotePorts[i] as number,
      connectionId: this.connectionIds[i] as number,
      passive: (flags & flagPassive) !== 0,
      sendNext: this.sendNexts[i] as number,
      receiveNext: this.receiveNexts[i] as number,
      timestampsInUse: (flags & flagTimestamps) !== 0,
      timestampRecent: this.timestampRecents[i] as number,
      timestampOffset: this.timestampOffsets[i] as number,
      pathMtu: pathMtu === 0 ? Number.POSITIVE_INFINITY : pathMtu,
    };
  }

  /** The record as `openConnections` lists it. */
  view(id: number): TimeWaitConnectionView {
    const i = id & this.mask;
    return {
      state: 'TIME-WAIT',
      localAddress: this.localAddresses[i] as number,
      localPort: this.localPorts[i] as number,
      remoteAddress: this.remoteAddresses[i] as number,
      remotePort: this.remotePorts[i] as number,
      connectionId: this.connectionIds[i] as number,
      receiveNext: this.receiveNexts[i] as number,
    };
  }

  localAddressOf(id: number): number {
    return this.localAddresses[id & this.mask] as number;
  }

  localPortOf(id: number): number {
    return this.localPorts[id & this.mask] as number;
  }

  remoteAddressOf(id: number): number {
    return this.remoteAddresses[id & this.mask] as number;
  }

  remotePortOf(id: number): number {
    return this.remotePorts[id & this.mask] as number;
  }

  /** RCV.NXT of the record (for the SYN-in-TIME-WAIT rule). */
  receiveNextOf(id: number): number {
    return this.receiveNexts[id & this.mask] as number;
  }

  /** When the record expires, ns, and the event sequence number it expires as. */
  dueNsOf(id: number): number {
    return this.dueTimes[id & this.mask] as number;
  }

  dueSeqOf(id: number): number {
    return this.dueSeqs[id & this.mask] as number;
  }

  /** Forgets a record before it expires (its connection was reused, reset, restored or halted). */
  remove(id: number): void {
    const i = id & this.mask;
    if (id < this.head || id >= this.tail || ((this.flags[i] as number) & flagLive) === 0) return;
    this.removeIndex(id);
    this.flags[i] = (this.flags[i] as number) & ~flagLive;
    this.live--;
    this.skipRemoved();
    this.syncTimer();
  }

  /** The timer's event: the oldest record's TIME-WAIT ends. */
  private expireOldest(): void {
    const id = this.head;
    const i = id & this.mask;
    this.onExpire(id);
    this.removeIndex(id);
    this.flags[i] = (this.flags[i] as number) & ~flagLive;
    this.live--;
    this.skipRemoved();
    this.syncTimer();
  }

  /** Moves the head past records removed early, so it names the oldest live record. */
  private skipRemoved(): void {
    while (this.head < this.tail && ((this.flags[this.head & this.mask] as number) & flagLive) === 0) this.head++;
    if (this.head === this.tail) {
      // Empty: start the ring over (ids need only be unique while their records live).
      this.head = 0;
      this.tail = 0;
    }
  }

  /**
   * Arms the timer for the oldest record, or disarms it; and tells the kernel how many pending
   * events the other records stand for (the armed timer counts as one).
   */
  private syncTimer(): void {
    if (this.live === 0) {
      this.timer.disarm();
    } else {
      const i = this.head & this.mask;
      this.timer.armAtSequence(this.dueTimes[i] as number, this.dueSeqs[i] as number);
    }
    const standIns = Math.max(this.live - 1, 0);
    this.kernel.addStandInEvents(standIns - this.standIns);
    this.standIns = standIns;
  }

  /** The index slot a record's four-tuple hashes to. */
  private homeSlot(id: number): number {
    const i = id & this.mask;
    return (
      tupleHash(
        this.localAddresses[i] as number,
        this.localPorts[i] as number,
        this.remoteAddresses[i] as number,
        this.remotePorts[i] as number,
      ) & this.indexMask
    );
  }

  private insertIndex(id: number): void {
    let slot = this.homeSlot(id);
    while (this.index[slot] !== 0) slot = (slot + 1) & this.indexMask;
    this.index[slot] = id + 1;
  }

  /** Removes a record from the index, shifting back the entries after it (no tombstones). */
  private removeIndex(id: number): void {
    const index = this.index;
    const indexMask = this.indexMask;
    let hole = this.homeSlot(id);
    while (index[hole] !== id + 1) hole = (hole + 1) & indexMask;
    for (let slot = (hole + 1) & indexMask; index[slot] !== 0; slot = (slot + 1) & indexMask) {
      const home = this.homeSlot((index[slot] as number) - 1);
      // The entry may fill the hole unless its home lies cyclically in (hole, slot].
      const stays = hole <= slot ? home > hole && home <= slot : home > hole || home <= slot;
      if (stays) continue;
      index[hole] = index[slot] as number;
      hole = slot;
    }
    index[hole] = 0;
  }

  private growIndex(): void {
    const capacity = (this.indexMask + 1) * 2;
    this.index = new Int32Array(capacity);
    this.indexMask = capacity - 1;
    for (let id = this.head; id < this.tail; id++) {
      if (((this.flags[id & this.mask] as number) & flagLive) !== 0) this.insertIndex(id);
    }
  }

  private grow(): void {
    const capacity = (this.mask + 1) * 2;
    const mask = capacity - 1;
    const regrow = <A extends Uint32Array | Uint16Array | Uint8Array | Float64Array>(
      old: A,
      make: (n: number) => A,
    ): A => {
      const next = make(capacity);
      for (let id = this.head; id < this.tail; id++) next[id & mask] = old[id & this.mask] as number;
      return next;
    };
    this.localAddresses = regrow(this.localAddresses, (n) => new Uint32Array(n));
    this.remoteAddresses = regrow(this.remoteAddresses, (n) => new Uint32Array(n));
    this.localPorts = regrow(this.localPorts, (n) => new Uint16Array(n));
    this.remotePorts = regrow(this.remotePorts, (n) => new Uint16Array(n));
    this.connectionIds = regrow(this.connectionIds, (n) => new Float64Array(n));
    this.sendNexts = regrow(this.sendNexts, (n) => new Uint32Array(n));
    this.receiveNexts = regrow(this.receiveNexts, (n) => new Uint32Array(n));
    this.timestampRecents = regrow(this.timestampRecents, (n) => new Uint32Array(n));
    this.timestampOffsets = regrow(this.timestampOffsets, (n) => new Uint32Array(n));
    this.pathMtus = regrow(this.pathMtus, (n) => new Uint16Array(n));
    this.flags = regrow(this.flags, (n) => new Uint8Array(n));
    this.dueTimes = regrow(this.dueTimes, (n) => new Float64Array(n));
    this.dueSeqs = regrow(this.dueSeqs, (n) => new Float64Array(n));
    this.orders = regrow(this.orders, (n) => new Float64Array(n));
    this.mask = mask;
  }
}

/** A 32-bit mix of a four-tuple for the index (the same mixing as connection-table.ts's keys). */
function tupleHash(localAddress: number, localPort: number, remoteAddress: number, remotePort: number): number {
  const h =
    Math.imul(remoteAddress ^ Math.imul(remotePort, 0x9e3779b1), 0x85ebca6b) ^
    Math.imul(localPort ^ localAddress, 0xc2b2ae35);
  return (h ^ (h >>> 15)) >>> 0;
}
