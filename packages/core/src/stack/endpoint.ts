// Stays one file past 400 lines: the demultiplexing, RST/ICMP answers, fragment reassembly and port bookkeeping of one stack share its listener, socket and connection maps.
/**
 * An endpoint's network stack: the TCP and UDP of one operating system instance (a VM's guest
 * OS, an Internet client, a Host Agent's prober).
 *
 * It owns addresses, listeners, connections and UDP sockets; demultiplexes arriving packets;
 * answers what nobody wants the way Linux does (TCP RST, ICMP port unreachable); reassembles
 * fragments; and hands packets it originates to its node through `output`. Whether a packet
 * is addressed to this endpoint at all is the node's decision (a guest checks its NIC and
 * loopback addresses first), so `receive` trusts the destination.
 */
import { formatIpv4Address, type Ipv4Address } from '../net/ipv4-address.ts';
import {
  defaultTtl,
  type IcmpMessage,
  IcmpType,
  IcmpUnreachableCode,
  type Ipv4Packet,
  ipv4Packet,
  isFragment,
  makeIpv4Packet,
  makeTcpSegment,
  type TcpSegment,
  type UdpDatagram,
} from '../net/packet.ts';
import { ipv4TotalLength } from '../net/packet-size.ts';
import { TcpFlags } from '../net/tcp-flags.ts';
import type { DropReason } from '../sim/drop-reason.ts';
import type { Kernel } from '../sim/kernel.ts';
import type { PacketMeta } from '../sim/packet-meta.ts';
import type { RandomStream } from '../sim/random.ts';
import type { Tracer } from '../sim/trace.ts';
import type { TraceNote } from '../sim/trace-note.ts';
import { fragmentPacket } from '../wire/fragment.ts';
import { icmpQuoteOf } from '../wire/icmp-quote.ts';
import { ConnectionTable } from './connection-table.ts';
import { type BufferedFragment, FragmentBuffer } from './fragment-buffer.ts';
import { PortUseCounts } from './port-use-counts.ts';
import { seqAdd } from './sequence.ts';
import type { TcpConfig } from './tcp-config.ts';
import { type SegmentVerdict, TcpConnection, type TcpHost } from './tcp-connection.ts';
import type { TcpConnectionHandlers, TcpState } from './tcp-state.ts';
import { type TimeWaitConnectionView, TimeWaitRecords } from './time-wait-records.ts';
import { TimeWaitPeerTimestamps } from './tw-recycle.ts';

/** A listening application: gives each new connection its handlers. */
export interface TcpListener {
  /** Called for each SYN accepted; the handlers see the handshake complete, data and close. */
  accept(connection: TcpConnection): TcpConnectionHandlers<TcpConnection>;
}

/** Receives datagrams for a bound UDP port. */
export interface UdpHandler {
  onDatagram(datagram: UdpDatagram, from: Ipv4Address, to: Ipv4Address, meta: PacketMeta): void;
  /** An ICMP error about a datagram this socket sent (port unreachable, fragmentation needed). */
  onIcmpError?(message: IcmpMessage, meta: PacketMeta): void;
}

/** The note of a segment sent for no particular reason: `TCP <state>`, made once per state. */
const tcpStateNotes: Readonly<Record<TcpState, string>> = {
  'SYN-SENT': 'TCP SYN-SENT',
  'SYN-RECEIVED': 'TCP SYN-RECEIVED',
  ESTABLISHED: 'TCP ESTABLISHED',
  'FIN-WAIT-1': 'TCP FIN-WAIT-1',
  'FIN-WAIT-2': 'TCP FIN-WAIT-2',
  'CLOSE-WAIT': 'TCP CLOSE-WAIT',
  CLOSING: 'TCP CLOSING',
  'LAST-ACK': 'TCP LAST-ACK',
  'TIME-WAIT': 'TCP TIME-WAIT',
  CLOSED: 'TCP CLOSED',
};

/** Options of an {@link Endpoint}. */
export interface EndpointOptions {
  /** Node name, the vantage point of trace events. */
  readonly name: string;
  readonly kernel: Kernel;
  readonly tracer: Tracer;
  /** This stack's random stream: ISNs, ephemeral ports, timestamp clock offset. */
  readonly random: RandomStream;
  readonly tcp: TcpConfig;
  /** MTU of the endpoint's link in bytes: larger datagrams are fragmented (or refused with DF). */
  readonly mtuBytes: number;
  /** Reassembly timeout for fragments, ns (Linux `ipfrag_time`: 30 s). */
  readonly reassemblyTimeoutNs: number;
  /**
   * Drop fragments that arrive out of order instead of reassembling them (what Azure does for
   * VMs by default, docs/mechanics.md §2.7; default false).
   */
  readonly dropOutOfOrderFragments?: boolean;
  /** Send a datagram's fragments last first, as some stacks do (default false). */
  readonly sendFragmentsInReverse?: boolean;
  /** Hands an originated packet to the node's uplink. */
  readonly output: (packet: Ipv4Packet, meta: PacketMeta) => void;
  /**
   * Keep connections in TIME-WAIT as compact records (time-wait-records.ts; default true).
   * False keeps each as its connection object with its own timer: the same behaviour at more
   * memory, for tests that compare the two.
   */
  readonly compactTimeWait?: boolean;
}

interface ListenerEntry {
  readonly address: Ipv4Address | undefined;
  readonly listener: TcpListener;
}

interface UdpEntry {
  readonly address: Ipv4Address | undefined;
  readonly handler: UdpHandler;
}

/** Parameters of {@link Endpoint.connect}. */
export interface ConnectOptions {
  readonly localAddress: Ipv4Address;
  readonly remoteAddress: Ipv4Address;
  readonly remotePort: number;
  /** A fixed local port; by default an ephemeral one. */
  readonly localPort?: number;
  /** Simulation id for the trace (see `PacketMeta.connectionId`). */
  readonly connectionId: number;
  readonly handlers: TcpConnectionHandlers<TcpConnection>;
}

/** Parameters of {@link Endpoint.sendUdp}. */
export interface UdpSendOptions {
  readonly localAddress: Ipv4Address;
  readonly localPort: number;
  readonly remoteAddress: Ipv4Address;
  readonly remotePort: number;
  /** Payload length in bytes. */
  readonly payloadLength: number;
  /** ASCII application bytes at the start of the payload. */
  readonly data?: string;
  readonly connectionId: number;
}

/**
 * Packets a receive caused, held until its own trace event (see `Endpoint.held`): parallel
 * lists that are reused, so holding a packet allocates nothing once they have grown.
 */
class HeldPackets {
  /** How many entries of the lists are held now (the rest are left over from earlier use). */
  count = 0;
  readonly packets: Ipv4Packet[] = [];
  readonly connectionIds: number[] = [];
  readonly notes: string[] = [];

  add(packet: Ipv4Packet, connectionId: number, note: string): void {
    const i = this.count++;
    this.packets[i] = packet;
    this.connectionIds[i] = connectionId;
    this.notes[i] = note;
  }
}

/** The TCP/UDP stack of one endpoint. */
export class Endpoint implements TcpHost {
  readonly name: string;
  readonly kernel: Kernel;
  readonly config: TcpConfig;
  private readonly tracer: Tracer;
  private readonly random: RandomStream;
  private readonly options: EndpointOptions;
  /** Connections by four-tuple, except those in TIME-WAIT kept as records in {@link timeWait}. */
  private readonly connections = new ConnectionTable<TcpConnection>();
  /** Connections in TIME-WAIT kept as compact records (time-wait-records.ts), by four-tuple too. */
  private readonly timeWait: TimeWaitRecords;
  /** Connections (TCP, TIME-WAIT records included) using each local port. */
  private readonly localPortUse = new PortUseCounts();
  private readonly listeners = new Map<number, ListenerEntry[]>();
  private readonly udpSockets = new Map<number, UdpEntry[]>();
  private readonly fragments: FragmentBuffer;
  /** Peers' timestamps remembered at TIME-WAIT (used with `tcp_tw_recycle`). */
  readonly timeWaitPeers = new TimeWaitPeerTimestamps();
  private readonly timestampOffset: number;
  private nextEphemeral: number;
  /** Ports of the ephemeral range in use (by TCP or UDP): allocation fails at once when all are. */
  private ephemeralPortsInUse = 0;
  private nextIpId: number;
  /**
   * While a received packet is processed, what it causes is held back until the packet's own
   * `deliver`/`drop` event is traced, so the trace reads in causal order (same virtual time).
   */
  private held: HeldPackets | undefined;
  /** A {@link HeldPackets} to reuse, so receiving a packet allocates no list for what it causes. */
  private spareHeld: HeldPackets | undefined;

  constructor(options: EndpointOptions) {
    this.options = options;
    this.name = options.name;
    this.kernel = options.kernel;
    this.tracer = options.tracer;
    this.config = options.tcp;
    this.random = options.random;
    // Each host's timestamp clock has its own offset (RFC 7323 §5.4), as real hosts do.
    this.timestampOffset = this.random.nextUint32();
    this.nextEphemeral = this.random.between(options.tcp.ephemeralPortMin, options.tcp.ephemeralPortMax);
    this.nextIpId = this.random.below(0x10000);
    this.timeWait = new TimeWaitRecords(options.kernel, (id) => this.expireTimeWait(id));
    this.fragments = new FragmentBuffer(
      options.kernel,
      options.reassemblyTimeoutNs,
      (expired) =>
        this.dropFragments(expired, 'reassembly-timeout', 'datagram incomplete when the reassembly timer expired'),
      options.dropOutOfOrderFragments === true,
    );
  }

  /** TSval now: 1 ms ticks plus this host's offset, modulo 2^32. */
  timestampNow(): number {
    return (Math.floor(this.kernel.nowNs / 1_000_000) + this.timestampOffset) >>> 0;
  }

  /** TcpHost: a new connection's own timestamp offset (random with `randomTimestampOffsets`, else 0). */
  newTimestampOffset(): number {
    return this.config.randomTimestampOffsets ? this.random.nextUint32() : 0;
  }

  /** Listens for TCP on `port`, on one local address or (undefined) all of them. */
  listen(port: number, address: Ipv4Address | undefined, listener: TcpListener): void {
    const entries = this.listeners.get(port) ?? [];
    entries.push({ address, listener });
    this.listeners.set(port, entries);
  }

  /**
   * Stops the listener on `port` bound to `address` — as {@link listen} was given it; without
   * one, the listener bound to every address — leaving listeners bound otherwise; established
   * connections live on.
   */
  stopListening(port: number, address?: Ipv4Address): void {
    const remaining = (this.listeners.get(port) ?? []).filter((entry) => entry.address !== address);
    if (remaining.length === 0) this.listeners.delete(port);
    else this.listeners.set(port, remaining);
  }

  /** Whether anything listens for TCP on `port`, on any address. */
  isListeningOnPort(port: number): boolean {
    return this.listeners.has(port);
  }

  /** Whether something listens for TCP on `port` at `address`. */
  isListening(port: number, address: Ipv4Address): boolean {
    return this.findListener(port, address) !== undefined;
  }

  /** Binds a UDP port on one local address or all of them. */
  bindUdp(port: number, address: Ipv4Address | undefined, handler: UdpHandler): void {
    const wasInUse = this.isPortInUse(port);
    const entries = this.udpSockets.get(port) ?? [];
    entries.push({ address, handler });
    this.udpSockets.set(port, entries);
    this.portUseChanged(port, wasInUse);
  }

  /**
   * Unbinds the UDP socket on `port` bound to `address`, exactly as it was bound: `undefined`
   * means the socket bound to every address. (The address is required so that a caller cannot
   * release a socket it bound to one address by naming none, which leaves it bound.)
   */
  unbindUdp(port: number, address: Ipv4Address | undefined): void {
    const wasInUse = this.isPortInUse(port);
    const remaining = (this.udpSockets.get(port) ?? []).filter((entry) => entry.address !== address);
    if (remaining.length === 0) this.udpSockets.delete(port);
    else this.udpSockets.set(port, remaining);
    this.portUseChanged(port, wasInUse);
  }

  /**
   * Picks a free ephemeral port: the next in sequence from a random start, skipping ports in
   * use by any TCP connection (including TIME-WAIT) or UDP socket.
   * @returns the port, or `undefined` when the whole range is in use — known without a scan,
   *   so a flood of connections from an exhausted host costs O(1) each.
   */
  allocateEphemeralPort(): number | undefined {
    const { ephemeralPortMin: min, ephemeralPortMax: max } = this.config;
    const size = max - min + 1;
    if (this.ephemeralPortsInUse >= size) return undefined;
    for (let i = 0; i < size; i++) {
      const port = this.nextEphemeral;
      this.nextEphemeral = port === max ? min : port + 1;
      if (!this.isPortInUse(port)) return port;
    }
    return undefined;
  }

  /**
   * Opens a TCP connection (sends the SYN now).
   * @returns the connection, or `undefined` when no ephemeral port is free.
   */
  connect(options: ConnectOptions): TcpConnection | undefined {
    const localPort = options.localPort ?? this.allocateEphemeralPort();
    if (localPort === undefined) return undefined;
    const init = {
      localAddress: options.localAddress,
      localPort,
      remoteAddress: options.remoteAddress,
      remotePort: options.remotePort,
      connectionId: options.connectionId,
      iss: this.random.nextUint32(),
    };
    this.usePort(localPort);
    const connection = TcpConnection.open(this, init, options.handlers);
    this.connections.set(init.localAddress, localPort, init.remoteAddress, init.remotePort, connection);
    return connection;
  }

  /**
   * Every connection not yet CLOSED, in creation order: the objects, and those in TIME-WAIT
   * that are kept as records as views of their identity.
   */
  openConnections(): Array<TcpConnection | TimeWaitConnectionView> {
    const listed: Array<{ readonly order: number; readonly value: TcpConnection | TimeWaitConnectionView }> =
      this.connections.entries();
    const records = this.timeWait;
    for (const id of records.ids()) listed.push({ order: records.orderOf(id), value: records.view(id) });
    return listed.sort((a, b) => a.order - b.order).map((entry) => entry.value);
  }

  /** Connections in TIME-WAIT kept as compact records rather than as connection objects. */
  get timeWaitRecordCount(): number {
    return this.timeWait.size;
  }

  /** Sends a UDP datagram (fragmented if larger than the MTU: UDP is sent with DF clear). */
  sendUdp(options: UdpSendOptions): void {
    const datagram: UdpDatagram = {
      kind: 'udp',
      srcPort: options.localPort,
      dstPort: options.remotePort,
      payloadLength: options.payloadLength,
      data: options.data ?? '',
    };
    // Written out as makeIpv4Packet would build it (TTL 64, DSCP 0, DF clear, not a fragment),
    // without its header-fields record: this runs for every datagram sent.
    const packet: Ipv4Packet = ipv4Packet(
      options.localAddress,
      options.remoteAddress,
      defaultTtl,
      0,
      this.takeIpId(),
      false,
      false,
      0,
      datagram,
    );
    this.originate(packet, options.connectionId, 'UDP datagram');
  }

  /** TcpHost: sends a segment of one of our connections. */
  output(connection: TcpConnection, segment: TcpSegment, why?: string): void {
    // The record makeIpv4Packet builds for these header fields, written out: no header object per segment.
    const packet: Ipv4Packet = ipv4Packet(
      connection.localAddress,
      connection.remoteAddress,
      defaultTtl,
      0,
      this.takeIpId(),
      true,
      false,
      0,
      segment,
    );
    this.originate(packet, connection.connectionId, why ?? tcpStateNotes[connection.state]);
  }

  /**
   * TcpHost: a connection entered TIME-WAIT. With `tcp_tw_recycle` the peer's last timestamp is
   * remembered (docs/mechanics.md §3), if the connection used timestamps.
   */
  enteredTimeWait(connection: TcpConnection): void {
    if (!this.config.twRecycle || !connection.timestampsInUse) return;
    this.timeWaitPeers.remember(connection.remoteAddress, connection.timestampRecent, this.kernel.nowNs);
  }

  /**
   * TcpHost: keeps a connection's TIME-WAIT as a compact record and lets go of the connection
   * (Linux's TIME-WAIT minisock). Declined when the connection is not the one under its
   * four-tuple, is in a TIME-WAIT a record does not reproduce, or would expire before the
   * newest record (records expire in the order they were made).
   */
  holdTimeWait(connection: TcpConnection, dueNs: number, dueSeq: number): boolean {
    if (this.options.compactTimeWait === false) return false;
    const { localAddress, localPort, remoteAddress, remotePort } = connection;
    if (this.connections.get(localAddress, localPort, remoteAddress, remotePort) !== connection) return false;
    if (!this.timeWait.accepts(dueNs, dueSeq)) return false;
    const state = connection.timeWaitState();
    if (state === undefined) return false;
    const order = this.connections.orderOf(localAddress, localPort, remoteAddress, remotePort);
    this.connections.delete(localAddress, localPort, remoteAddress, remotePort);
    this.timeWait.add(state, dueNs, dueSeq, order);
    return true;
  }

  /** A TIME-WAIT record's timer ran out: the connection is CLOSED, as its own timer closed it. */
  private expireTimeWait(id: number): void {
    this.releasePort(this.timeWait.localPortOf(id));
  }

  /** Ends a TIME-WAIT record before it expires (its four-tuple reused, or the OS halted). */
  private dropTimeWait(id: number): void {
    const localPort = this.timeWait.localPortOf(id);
    this.timeWait.remove(id);
    this.releasePort(localPort);
  }

  /**
   * The connection of a TIME-WAIT record as an object again, in the record's place (under its
   * four-tuple, its TIME-WAIT ending where the record's would), to handle what a record does not.
   */
  private restoreTimeWait(id: number): TcpConnection {
    const records = this.timeWait;
    const state = records.state(id);
    const dueNs = records.dueNsOf(id);
    const dueSeq = records.dueSeqOf(id);
    const order = records.orderOf(id);
    records.remove(id);
    const connection = TcpConnection.restoreTimeWait(this, state, dueNs, dueSeq);
    this.connections.set(state.localAddress, state.localPort, state.remoteAddress, state.remotePort, connection, order);
    return connection;
  }

  /**
   * The operating system stops (a VM is stopped): every connection, listener and socket is gone
   * at once, without a packet — nothing runs to send a FIN or RST. Fragments waiting for
   * reassembly are dropped (`vm-stopped`). The applications' `onClose` sees `aborted`.
   */
  halt(): void {
    // In creation order, records among the objects, as when each was an object: an application
    // told of its connection's end may connect again and find the ports freed so far.
    const ended: Array<{ readonly order: number; readonly value: TcpConnection | number }> = this.connections.entries();
    for (const id of this.timeWait.ids()) ended.push({ order: this.timeWait.orderOf(id), value: id });
    ended.sort((a, b) => a.order - b.order);
    for (const { value } of ended) {
      if (typeof value === 'number') this.dropTimeWait(value);
      else value.forget('aborted');
    }
    this.listeners.clear();
    this.udpSockets.clear();
    this.timeWaitPeers.clear();
    this.dropFragments(this.fragments.clear(), 'vm-stopped', 'the VM stopped before the datagram was complete');
  }

  /** TcpHost: forgets a CLOSED connection. */
  release(connection: TcpConnection): void {
    const { localAddress, localPort, remoteAddress, remotePort } = connection;
    if (this.connections.get(localAddress, localPort, remoteAddress, remotePort) !== connection) return;
    this.connections.delete(localAddress, localPort, remoteAddress, remotePort);
    this.releasePort(localPort);
  }

  /** One connection less uses local port `localPort`. */
  private releasePort(localPort: number): void {
    const wasInUse = this.isPortInUse(localPort);
    this.localPortUse.remove(localPort);
    this.portUseChanged(localPort, wasInUse);
  }

  /**
   * Takes a packet addressed to this endpoint: reassembles fragments, then hands it to the
   * TCP connection, listener, UDP socket or ICMP handler it is for. Emits the packet's final
   * trace event (`deliver` or `drop`).
   */
  receive(packet: Ipv4Packet, meta: PacketMeta): void {
    const outer = this.held === undefined;
    if (outer) {
      this.held = this.spareHeld ?? new HeldPackets();
      this.spareHeld = undefined;
    }
    try {
      this.dispatch(packet, meta);
    } finally {
      if (outer) this.releaseHeld();
    }
  }

  private releaseHeld(): void {
    const held = this.held;
    this.held = undefined;
    if (held === undefined) return;
    // A packet sent here may come back to this endpoint at once (no link between): that
    // receive holds its own packets in another list, since this one is not spare until emptied.
    for (let i = 0; i < held.count; i++) {
      this.originate(held.packets[i] as Ipv4Packet, held.connectionIds[i] as number, held.notes[i] as string);
    }
    held.count = 0;
    this.spareHeld = held;
  }

  private dispatch(packet: Ipv4Packet, meta: PacketMeta): void {
    if (isFragment(packet)) {
      this.receiveFragment(packet, meta);
      return;
    }
    const payload = packet.payload;
    switch (payload.kind) {
      case 'tcp':
        this.receiveTcp(packet, payload, meta);
        return;
      case 'udp':
        this.receiveUdp(packet, payload, meta);
        return;
      case 'icmp':
        this.receiveIcmp(packet, payload, meta);
        return;
      default:
        this.trace('drop', packet, meta, `unexpected ${payload.kind} payload`, 'icmp-unhandled');
    }
  }

  /**
   * A fragment ends its journey when its datagram completes (`deliver`) or its reassembly
   * timer expires (`drop`), so nothing is traced while it waits.
   */
  private receiveFragment(packet: Ipv4Packet, meta: PacketMeta): void {
    const outcome = this.fragments.add(packet, meta);
    if (outcome.kind === 'buffered') return;
    if (outcome.kind === 'out-of-order') {
      this.trace(
        'drop',
        packet,
        meta,
        `fragment id ${packet.id} offset ${packet.fragmentOffsetBytes} arrived out of order (expected offset ${outcome.expectedOffsetBytes})`,
        'fragment-out-of-order',
      );
      return;
    }
    if (!outcome.datagram.ok) {
      this.dropFragments(outcome.fragments, 'reassembly-failed', outcome.datagram.error);
      return;
    }
    for (const fragment of outcome.fragments) {
      this.trace(
        'deliver',
        fragment.packet,
        fragment.meta,
        `fragment id ${fragment.packet.id} offset ${fragment.packet.fragmentOffsetBytes}: reassembled`,
      );
    }
    const whole = outcome.datagram.value;
    const wholeMeta = this.tracer.newMeta(meta.connectionId, this.kernel.nowNs);
    this.trace('send', whole, wholeMeta, `reassembled from ${outcome.fragments.length} fragments (id ${whole.id})`);
    this.dispatch(whole, wholeMeta);
  }

  private dropFragments(fragments: readonly BufferedFragment[], reason: DropReason, why: string): void {
    for (const fragment of fragments) {
      this.trace(
        'drop',
        fragment.packet,
        fragment.meta,
        `fragment id ${fragment.packet.id} offset ${fragment.packet.fragmentOffsetBytes}: ${why}`,
        reason,
      );
    }
  }

  private receiveTcp(packet: Ipv4Packet, segment: TcpSegment, meta: PacketMeta): void {
    const existing = this.connections.get(packet.dst, segment.dstPort, packet.src, segment.srcPort);
    const isSyn = (segment.flags & (TcpFlags.Syn | TcpFlags.Ack | TcpFlags.Rst)) === TcpFlags.Syn;
    if (existing === undefined && this.timeWait.size > 0) {
      const id = this.timeWait.find(packet.dst, segment.dstPort, packet.src, segment.srcPort);
      // A SYN that may reopen the four-tuple ends the record, as it ended the connection;
      // anything else is answered by the connection, brought back.
      if (id >= 0 && isSyn && ((segment.seq - this.timeWait.receiveNextOf(id)) | 0) > 0) this.dropTimeWait(id);
      else if (id >= 0) {
        this.traceVerdict(packet, meta, this.restoreTimeWait(id).receive(segment));
        return;
      }
    }
    if (
      existing !== undefined &&
      !(isSyn && existing.state === 'TIME-WAIT' && this.mayReuseTimeWait(existing, segment))
    ) {
      this.traceVerdict(packet, meta, existing.receive(segment));
      return;
    }
    if (existing !== undefined) existing.forget('closed');
    if (isSyn) {
      this.receiveSyn(packet, segment, meta);
      return;
    }
    if ((segment.flags & TcpFlags.Rst) !== 0) {
      this.trace('drop', packet, meta, 'RST for no connection', 'tcp-no-connection');
      return;
    }
    this.sendResetFor(packet, segment, meta.connectionId, `${this.name} has no such connection`);
    this.trace('drop', packet, meta, 'no such connection: answered RST', 'tcp-no-connection');
  }

  /**
   * Whether a SYN may reopen a connection in TIME-WAIT: its sequence number is beyond what the
   * old connection received (the rule Linux applies without timestamps; RFC 6191 with them).
   */
  private mayReuseTimeWait(connection: TcpConnection, syn: TcpSegment): boolean {
    return ((syn.seq - connection.receiveNext) | 0) > 0;
  }

  private receiveSyn(packet: Ipv4Packet, segment: TcpSegment, meta: PacketMeta): void {
    const listener = this.findListener(segment.dstPort, packet.dst);
    if (listener === undefined) {
      this.sendResetFor(packet, segment, meta.connectionId, `nothing listens on TCP port ${segment.dstPort}`);
      this.trace('drop', packet, meta, `nothing listens on TCP port ${segment.dstPort}: answered RST`, 'no-listener');
      return;
    }
    const paws = this.checkTwRecycle(packet, segment);
    if (paws !== undefined) {
      this.trace('drop', packet, meta, paws, 'tw-recycle-paws');
      return;
    }
    const init = {
      localAddress: packet.dst,
      localPort: segment.dstPort,
      remoteAddress: packet.src,
      remotePort: segment.srcPort,
      connectionId: meta.connectionId,
      iss: this.random.nextUint32(),
    };
    this.usePort(init.localPort);
    this.trace('deliver', packet, meta, `SYN accepted on port ${segment.dstPort}`);
    const connection = TcpConnection.accept(this, init, segment);
    this.connections.set(init.localAddress, init.localPort, init.remoteAddress, init.remotePort, connection);
    connection.handlers = listener.accept(connection);
  }

  /**
   * `tcp_tw_recycle`'s check of a SYN on a listener (docs/mechanics.md §3): the note of a silent
   * drop, or `undefined` when the SYN passes. Linux reads a SYN's timestamps only when it has
   * them on itself.
   */
  private checkTwRecycle(packet: Ipv4Packet, syn: TcpSegment): string | undefined {
    if (!this.config.twRecycle || !this.config.timestamps || syn.timestamp === undefined) return undefined;
    const now = this.kernel.nowNs;
    const verdict = this.timeWaitPeers.check(packet.src, syn.timestamp.value, now);
    if (verdict.kind === 'accept') return undefined;
    const ageMs = Math.floor((now - verdict.remembered.rememberedAtNs) / 1_000_000);
    return `SYN from ${formatIpv4Address(packet.src)} has TSval ${syn.timestamp.value}, older than ${verdict.remembered.timestamp} remembered from that address at TIME-WAIT ${ageMs} ms ago: tcp_tw_recycle drops it silently for 60 s`;
  }

  private receiveUdp(packet: Ipv4Packet, datagram: UdpDatagram, meta: PacketMeta): void {
    const socket = this.findUdpSocket(datagram.dstPort, packet.dst);
    if (socket === undefined) {
      this.sendIcmpError(packet, IcmpType.DestinationUnreachable, IcmpUnreachableCode.Port, 0, meta.connectionId);
      this.trace(
        'drop',
        packet,
        meta,
        `nothing listens on UDP port ${datagram.dstPort}: ICMP port unreachable`,
        'no-listener',
      );
      return;
    }
    this.trace('deliver', packet, meta, {
      code: 'udp-delivered',
      payloadBytes: datagram.payloadLength,
      port: datagram.dstPort,
    });
    socket.handler.onDatagram(datagram, packet.src, packet.dst, meta);
  }

  private receiveIcmp(packet: Ipv4Packet, message: IcmpMessage, meta: PacketMeta): void {
    if (message.type === IcmpType.EchoRequest) {
      this.trace('deliver', packet, meta, 'echo request: replying');
      const reply: IcmpMessage = { ...message, type: IcmpType.EchoReply };
      this.originate(
        makeIpv4Packet({ src: packet.dst, dst: packet.src, id: this.takeIpId() }, reply),
        meta.connectionId,
        'echo reply',
      );
      return;
    }
    const quote = message.quote;
    if (
      quote !== undefined &&
      quote.protocol === 6 &&
      message.type === IcmpType.DestinationUnreachable &&
      message.code === IcmpUnreachableCode.FragmentationNeeded
    ) {
      const timeWaitId = this.timeWait.find(quote.src, quote.srcPort, quote.dst, quote.dstPort);
      const connection =
        this.connections.get(quote.src, quote.srcPort, quote.dst, quote.dstPort) ??
        (timeWaitId >= 0 ? this.restoreTimeWait(timeWaitId) : undefined);
      if (connection !== undefined) {
        const mtu = message.rest & 0xffff;
        this.trace(
          'deliver',
          packet,
          meta,
          `ICMP fragmentation needed: path MTU to ${formatIpv4Address(quote.dst)} is ${mtu}`,
        );
        connection.reducePathMtu(mtu);
        return;
      }
      this.trace(
        'drop',
        packet,
        meta,
        `ICMP fragmentation needed about a connection ${this.name} does not have`,
        'icmp-unhandled',
      );
      return;
    }
    if (quote !== undefined && quote.protocol === 17) {
      const socket = this.findUdpSocket(quote.srcPort, quote.src);
      if (socket?.handler.onIcmpError !== undefined) {
        this.trace('deliver', packet, meta, `ICMP ${message.type}/${message.code} for UDP port ${quote.srcPort}`);
        socket.handler.onIcmpError(message, meta);
        return;
      }
    }
    this.trace('drop', packet, meta, `ICMP ${message.type}/${message.code} not handled`, 'icmp-unhandled');
  }

  /** The listener on `port` bound to `address`, else the one bound to every address (no closure per SYN). */
  private findListener(port: number, address: Ipv4Address): TcpListener | undefined {
    const entries = this.listeners.get(port);
    if (entries === undefined) return undefined;
    let wildcard: TcpListener | undefined;
    for (const entry of entries) {
      if (entry.address === address) return entry.listener;
      if (entry.address === undefined && wildcard === undefined) wildcard = entry.listener;
    }
    return wildcard;
  }

  private findUdpSocket(port: number, address: Ipv4Address): UdpEntry | undefined {
    const entries = this.udpSockets.get(port);
    if (entries === undefined) return undefined;
    // Loops rather than two `find`s with closures: this runs for every datagram received.
    let wildcard: UdpEntry | undefined;
    for (let i = 0; i < entries.length; i++) {
      const entry = entries[i] as UdpEntry;
      if (entry.address === address) return entry;
      if (entry.address === undefined && wildcard === undefined) wildcard = entry;
    }
    return wildcard;
  }

  /** RFC 9293 §3.10.7.1: the RST that answers a segment for no connection. */
  private sendResetFor(packet: Ipv4Packet, segment: TcpSegment, connectionId: number, why: string): void {
    const hasAck = (segment.flags & TcpFlags.Ack) !== 0;
    const consumed =
      segment.payloadLength +
      ((segment.flags & TcpFlags.Syn) !== 0 ? 1 : 0) +
      ((segment.flags & TcpFlags.Fin) !== 0 ? 1 : 0);
    const reset = makeTcpSegment({
      srcPort: segment.dstPort,
      dstPort: segment.srcPort,
      seq: hasAck ? segment.ack : 0,
      ack: hasAck ? 0 : seqAdd(segment.seq, consumed),
      flags: hasAck ? TcpFlags.Rst : TcpFlags.Rst | TcpFlags.Ack,
      window: 0,
    });
    this.originate(
      makeIpv4Packet({ src: packet.dst, dst: packet.src, id: this.takeIpId() }, reset),
      connectionId,
      `RST: ${why}`,
    );
  }

  private sendIcmpError(packet: Ipv4Packet, type: number, code: number, rest: number, connectionId: number): void {
    const message: IcmpMessage = { kind: 'icmp', type, code, rest, quote: icmpQuoteOf(packet), payloadLength: 0 };
    this.originate(
      makeIpv4Packet({ src: packet.dst, dst: packet.src, id: this.takeIpId(), dontFragment: false }, message),
      connectionId,
      `ICMP ${type}/${code}`,
    );
  }

  /**
   * Sends a packet this endpoint made. One larger than the MTU is fragmented (DF clear) or
   * refused locally (DF set: EMSGSIZE on a real host); each fragment is a packet of its own.
   */
  private originate(packet: Ipv4Packet, connectionId: number, note: string): void {
    if (this.held !== undefined) {
      this.held.add(packet, connectionId, note);
      return;
    }
    if (ipv4TotalLength(packet) <= this.options.mtuBytes) {
      // The packet fits (every TCP segment does, sized by the MSS): fragmentPacket would return it alone.
      const meta = this.tracer.newMeta(connectionId, this.kernel.nowNs);
      this.trace('send', packet, meta, note);
      this.options.output(packet, meta);
      return;
    }
    const fragments = fragmentPacket(packet, this.options.mtuBytes);
    if (fragments === undefined) {
      const meta = this.tracer.newMeta(connectionId, this.kernel.nowNs);
      this.trace('drop', packet, meta, `larger than the ${this.options.mtuBytes}-byte MTU with DF set`, 'mtu-exceeded');
      return;
    }
    const ordered = this.options.sendFragmentsInReverse === true ? [...fragments].reverse() : fragments;
    for (const fragment of ordered) {
      const meta = this.tracer.newMeta(connectionId, this.kernel.nowNs);
      const fragmentNote =
        fragments.length === 1 ? note : `${note}, fragment id ${fragment.id} offset ${fragment.fragmentOffsetBytes}`;
      this.trace('send', fragment, meta, fragmentNote);
      this.options.output(fragment, meta);
    }
  }

  private usePort(localPort: number): void {
    const wasInUse = this.isPortInUse(localPort);
    this.localPortUse.add(localPort);
    this.portUseChanged(localPort, wasInUse);
  }

  private isPortInUse(port: number): boolean {
    return this.localPortUse.usesOf(port) > 0 || (this.udpSockets.size > 0 && this.udpSockets.has(port));
  }

  /** Keeps {@link ephemeralPortsInUse} right after `port` changed use; `wasInUse` is before. */
  private portUseChanged(port: number, wasInUse: boolean): void {
    if (port < this.config.ephemeralPortMin || port > this.config.ephemeralPortMax) return;
    const inUse = this.isPortInUse(port);
    if (inUse && !wasInUse) this.ephemeralPortsInUse++;
    else if (!inUse && wasInUse) this.ephemeralPortsInUse--;
  }

  private takeIpId(): number {
    const id = this.nextIpId;
    this.nextIpId = (id + 1) & 0xffff;
    return id;
  }

  private traceVerdict(packet: Ipv4Packet, meta: PacketMeta, verdict: SegmentVerdict): void {
    if (verdict.kind === 'deliver') this.trace('deliver', packet, meta, verdict.note);
    else this.trace('drop', packet, meta, verdict.note, verdict.reason);
  }

  private trace(
    kind: 'send' | 'deliver' | 'drop',
    packet: Ipv4Packet,
    meta: PacketMeta,
    note: TraceNote,
    reason?: DropReason,
  ): void {
    this.tracer.emit(this.kernel.nowNs, this.name, kind, packet, meta, note, reason);
  }
}

/** Formats `address:port` for notes. */
export function formatSocketAddress(address: Ipv4Address, port: number): string {
  return `${formatIpv4Address(address)}:${port}`;
}
