// Stays one file past 400 lines: one TCP state machine (RFC 9293 §3.10) whose handshake, data, FIN/RST and timers share the same sequence state.
/**
 * A TCP connection: the state machine of RFC 9293 §3.10, reduced to what load-balancer
 * failures need to show faithfully — the three-way handshake with SYN retransmission and
 * exponential backoff (RFC 6298), in-order data with cumulative ACKs and go-back-N
 * retransmission, FIN and RST handling, TIME-WAIT, MSS and timestamps options.
 *
 * Not modelled: congestion control, windows beyond a fixed advertisement, SACK, urgent data,
 * simultaneous open, reordering buffers (an out-of-order segment is dropped and recovered by
 * retransmission).
 */
import type { Ipv4Address } from '../net/ipv4-address.ts';
import { defaultTcpWindow, makeTcpSegment, type TcpSegment, type TcpTimestampOption } from '../net/packet.ts';
import { tcpTimestampOptionBytes } from '../net/packet-size.ts';
import { TcpFlags } from '../net/tcp-flags.ts';
import type { DropReason } from '../sim/drop-reason.ts';
import type { ScheduledEvent } from '../sim/event-queue.ts';
import type { Kernel, KernelTimer } from '../sim/kernel.ts';
import { doubleFieldStart, formatDurationNs } from '../sim/time.ts';
import { seqAdd, seqLe, seqLt } from './sequence.ts';
import type { TcpConfig } from './tcp-config.ts';
import type { TcpCloseReason, TcpConnectionHandlers, TcpState } from './tcp-state.ts';
import type { TimeWaitState } from './time-wait-records.ts';

/** What a connection needs from the stack that owns it. */
export interface TcpHost {
  readonly kernel: Kernel;
  readonly config: TcpConfig;
  /** The current TSval (RFC 7323 §5.4: a clock of 1 ms ticks with a per-host offset). */
  timestampNow(): number;
  /**
   * The offset a new connection adds to {@link timestampNow}: 0 unless the stack gives each
   * connection its own (`TcpConfig.randomTimestampOffsets`).
   */
  newTimestampOffset?(): number;
  /**
   * Sends a segment of `connection` (the stack adds the IP header and traces it).
   * @param why what the segment is for, when it is not the obvious (a retransmission, a probe)
   */
  output(connection: TcpConnection, segment: TcpSegment, why?: string): void;
  /** The connection reached CLOSED: forget it and free its port. */
  release(connection: TcpConnection): void;
  /** The connection entered TIME-WAIT (for `tcp_tw_recycle`'s per-peer memory). */
  enteredTimeWait?(connection: TcpConnection): void;
  /**
   * Offers to keep the connection's TIME-WAIT as a compact record (time-wait-records.ts) that
   * expires at `dueNs` as event sequence `dueSeq` (`Kernel.takeSequence`); true when the host
   * took it, and the connection then lets go of its handlers. Without this, or on false, the
   * connection's own timer keeps TIME-WAIT.
   */
  holdTimeWait?(connection: TcpConnection, dueNs: number, dueSeq: number): boolean;
}

/** What became of a received segment: consumed (with a note), or dropped with a reason. */
export type SegmentVerdict =
  | { readonly kind: 'deliver'; readonly note: string }
  | { readonly kind: 'drop'; readonly reason: DropReason; readonly note: string };

/** MSS assumed when the peer sends no MSS option (RFC 9293 §3.7.1). */
export const defaultPeerMssBytes = 536;

/**
 * The verdicts whose note is fixed, made once: a segment's verdict costs no allocation (issue
 * 20). Verdicts are values nobody changes, so one object serves every segment.
 */
function deliverVerdict(note: string): SegmentVerdict {
  return { kind: 'deliver', note };
}
function dropVerdict(reason: DropReason, note: string): SegmentVerdict {
  return { kind: 'drop', reason, note };
}
const verdicts = {
  ackMismatchesSyn: dropVerdict('tcp-bad-ack', 'ACK does not match our SYN'),
  refused: deliverVerdict('connection refused (RST)'),
  rstWithoutAck: dropVerdict('tcp-bad-ack', 'RST without ACK in SYN-SENT'),
  expectedSynAck: dropVerdict('tcp-bad-ack', 'expected SYN-ACK (simultaneous open is not modelled)'),
  established: deliverVerdict('SYN-ACK: established'),
  rstOutOfWindow: dropVerdict('tcp-out-of-order', 'RST outside the expected sequence number'),
  reset: deliverVerdict('connection reset (RST)'),
  synAgain: deliverVerdict('retransmitted SYN: SYN-ACK sent again'),
  challengeAck: deliverVerdict('unexpected SYN: challenge ACK'),
  withoutAck: dropVerdict('tcp-bad-ack', 'segment without ACK in a synchronized state'),
  ackMismatchesSynAck: dropVerdict('tcp-bad-ack', 'ACK does not match our SYN-ACK'),
  ackNeverSent: dropVerdict('tcp-bad-ack', 'ACK for data never sent'),
  lastAck: deliverVerdict('last ACK: closed'),
  keepaliveProbe: deliverVerdict('keepalive probe: ACK'),
  ack: deliverVerdict('ACK'),
  duplicate: deliverVerdict('duplicate segment: ACK sent again'),
  idleFin: deliverVerdict('FIN on an idle connection: ACK, then RST'),
  fin: deliverVerdict('FIN'),
} as const;

/** `N bytes` and `N bytes, FIN` verdicts by payload length, made on first use (lengths repeat). */
const dataVerdicts: SegmentVerdict[] = [];
const dataFinVerdicts: SegmentVerdict[] = [];

function dataVerdict(payloadLength: number, fin: boolean): SegmentVerdict {
  const cache = fin ? dataFinVerdicts : dataVerdicts;
  let verdict = cache[payloadLength];
  if (verdict === undefined) {
    verdict = deliverVerdict(fin ? `${payloadLength} bytes, FIN` : `${payloadLength} bytes`);
    cache[payloadLength] = verdict;
  }
  return verdict;
}

/** The handlers of a connection no application has claimed yet: none, shared by all (frozen). */
const noHandlers: TcpConnectionHandlers<TcpConnection> = Object.freeze({});

/** Who opened the connection. */
export type TcpOpenKind = 'active' | 'passive';

/** Identity and first parameters of a new connection. */
export interface TcpConnectionInit {
  readonly localAddress: Ipv4Address;
  readonly localPort: number;
  readonly remoteAddress: Ipv4Address;
  readonly remotePort: number;
  /** Simulation id shared by both ends (see `PacketMeta.connectionId`). */
  readonly connectionId: number;
  /** Initial send sequence number (from the stack's random stream). */
  readonly iss: number;
}

/** One TCP connection. Create with {@link TcpConnection.open} or {@link TcpConnection.accept}. */
export class TcpConnection {
  readonly localAddress: Ipv4Address;
  readonly localPort: number;
  readonly remoteAddress: Ipv4Address;
  readonly remotePort: number;
  readonly connectionId: number;
  readonly openKind: TcpOpenKind;
  /** Current state. */
  state: TcpState;
  /** The application's callbacks; replaceable until the connection is established. */
  handlers: TcpConnectionHandlers<TcpConnection> = noHandlers;
  /** Payload bytes received in order. */
  bytesReceived = 0;
  /** Payload bytes handed to the stack by the application. */
  bytesWritten = 0;
  /** Why the connection closed, once it has. */
  closeReason: TcpCloseReason | undefined;

  // Sequence numbers, timestamps and times start as double fields (doubleFieldStart).
  private readonly iss: number = doubleFieldStart;
  private sndUna = doubleFieldStart;
  private sndNxt = doubleFieldStart;
  private rcvNxt = doubleFieldStart;
  private irs = doubleFieldStart;
  private peerMss = defaultPeerMssBytes;
  /** Path MTU learned from ICMP "fragmentation needed" (RFC 1191), bytes; Infinity until then. */
  private pathMtu = Number.POSITIVE_INFINITY;
  private useTimestamps: boolean;
  private tsRecent = doubleFieldStart;
  /** The timestamps option last sent, reused while TSval and TSecr stay the same. */
  private lastTimestamp: TcpTimestampOption | undefined;
  /**
   * The segments sent and not yet acknowledged, oldest first, as last sent (or, after a path
   * MTU drop, as cut to be sent again): a retransmission sends each one's sequence number,
   * flags and data again. Holding the sent segments themselves costs no record per segment.
   */
  private readonly unacked: TcpSegment[] = [];
  /** Writes waiting for the handshake: text and length alternate (no record per write). */
  private readonly pendingWrites: Array<string | number> = [];
  private closeRequested = false;
  private finSent = false;
  private finSeq = doubleFieldStart;
  /**
   * The retransmission timer, or in TIME-WAIT the 2MSL timer (`timerIsTimeWait`): one per
   * connection, re-armed in place per segment rather than scheduled and cancelled.
   */
  private readonly timer: KernelTimer;
  private timerIsTimeWait = false;
  /**
   * The event sequence number TIME-WAIT's end took on entering it, until the segment that
   * entered it is processed and the host is offered the connection ({@link settleTimeWait});
   * -1 otherwise.
   */
  private timeWaitSeq = -1;
  private timeWaitDueNs = doubleFieldStart;
  /** The acknowledgment number last sent, so a pure ACK is not sent when data carried it. */
  private ackSent = doubleFieldStart;
  private retries = 0;
  private rtoNs = doubleFieldStart;
  private keepaliveIntervalNs = doubleFieldStart;
  private keepaliveTimer: ScheduledEvent | undefined;
  private unansweredKeepalives = 0;
  /** Virtual time of the last segment sent or received, ns (keepalives start after idleness). */
  private lastActivityNs = doubleFieldStart;
  private readonly timestampOffset: number = doubleFieldStart;

  private constructor(
    private readonly host: TcpHost,
    init: TcpConnectionInit,
    openKind: TcpOpenKind,
    state: TcpState,
    /** The timestamp offset of a connection brought back from TIME-WAIT (a new one draws its own). */
    timestampOffset?: number,
  ) {
    this.localAddress = init.localAddress;
    this.localPort = init.localPort;
    this.remoteAddress = init.remoteAddress;
    this.remotePort = init.remotePort;
    this.connectionId = init.connectionId;
    this.iss = init.iss >>> 0;
    this.rcvNxt = 0;
    this.irs = 0;
    this.tsRecent = 0;
    this.finSeq = 0;
    this.timeWaitDueNs = 0;
    this.ackSent = -1;
    this.keepaliveIntervalNs = 0;
    this.sndUna = this.iss;
    this.sndNxt = this.iss;
    this.openKind = openKind;
    this.state = state;
    this.useTimestamps = host.config.timestamps;
    this.timestampOffset = timestampOffset ?? host.newTimestampOffset?.() ?? 0;
    this.rtoNs = host.config.initialRtoNs;
    this.lastActivityNs = host.kernel.nowNs;
    this.timer = host.kernel.timer(() => this.onTimer());
  }

  /** Opens a connection actively: sends a SYN and enters SYN-SENT. */
  static open(host: TcpHost, init: TcpConnectionInit, handlers: TcpConnectionHandlers<TcpConnection>): TcpConnection {
    const connection = new TcpConnection(host, init, 'active', 'SYN-SENT');
    connection.handlers = handlers;
    connection.sendTracked(TcpFlags.Syn, 0, '');
    return connection;
  }

  /**
   * Accepts a SYN on a listener: enters SYN-RECEIVED and answers SYN-ACK. The caller sets
   * `handlers` (the listening application's) before the handshake completes.
   */
  static accept(host: TcpHost, init: TcpConnectionInit, syn: TcpSegment): TcpConnection {
    const connection = new TcpConnection(host, init, 'passive', 'SYN-RECEIVED');
    connection.irs = syn.seq >>> 0;
    connection.rcvNxt = seqAdd(syn.seq, 1);
    connection.peerMss = syn.mss ?? defaultPeerMssBytes;
    // Timestamps are used only if both sides offer them (RFC 7323 §3.2).
    connection.useTimestamps = host.config.timestamps && syn.timestamp !== undefined;
    if (syn.timestamp !== undefined) connection.tsRecent = syn.timestamp.value;
    connection.sendTracked(TcpFlags.Syn | TcpFlags.Ack, 0, '');
    return connection;
  }

  /**
   * Brings back a connection in TIME-WAIT from its compact record (time-wait-records.ts), to
   * answer a segment or an ICMP message as the connection did before it was compacted. Its
   * TIME-WAIT ends at `dueNs` as event sequence `dueSeq`, where the record's would have. It has
   * no handlers: its application saw it close when it entered TIME-WAIT.
   */
  static restoreTimeWait(host: TcpHost, state: TimeWaitState, dueNs: number, dueSeq: number): TcpConnection {
    const init: TcpConnectionInit = {
      localAddress: state.localAddress,
      localPort: state.localPort,
      remoteAddress: state.remoteAddress,
      remotePort: state.remotePort,
      connectionId: state.connectionId,
      iss: 0,
    };
    const connection = new TcpConnection(
      host,
      init,
      state.passive ? 'passive' : 'active',
      'TIME-WAIT',
      state.timestampOffset,
    );
    connection.sndUna = state.sendNext;
    connection.sndNxt = state.sendNext;
    connection.rcvNxt = state.receiveNext;
    connection.ackSent = state.receiveNext;
    connection.useTimestamps = state.timestampsInUse;
    connection.tsRecent = state.timestampRecent;
    connection.pathMtu = state.pathMtu;
    connection.closeRequested = true;
    connection.finSent = true;
    connection.finSeq = seqAdd(state.sendNext, -1);
    connection.closeReason = 'closed';
    connection.timerIsTimeWait = true;
    connection.timer.armAtSequence(dueNs, dueSeq);
    return connection;
  }

  /**
   * What TIME-WAIT needs of this connection, for a compact record; `undefined` when it is not
   * in the plain TIME-WAIT a record reproduces (nothing unacknowledged or waiting, no keepalive
   * timer pending, the retransmission state reset by the last ACK).
   */
  timeWaitState(): TimeWaitState | undefined {
    if (
      this.state !== 'TIME-WAIT' ||
      this.closeReason !== 'closed' ||
      this.keepaliveTimer !== undefined ||
      this.unacked.length > 0 ||
      this.pendingWrites.length > 0 ||
      !this.finSent ||
      !this.closeRequested ||
      this.sndUna !== this.sndNxt ||
      this.finSeq !== seqAdd(this.sndNxt, -1) ||
      this.retries !== 0 ||
      this.rtoNs !== this.host.config.initialRtoNs ||
      this.timer.armed
    ) {
      return undefined;
    }
    return {
      localAddress: this.localAddress,
      localPort: this.localPort,
      remoteAddress: this.remoteAddress,
      remotePort: this.remotePort,
      connectionId: this.connectionId,
      passive: this.openKind === 'passive',
      sendNext: this.sndNxt,
      receiveNext: this.rcvNxt,
      timestampsInUse: this.useTimestamps,
      timestampRecent: this.tsRecent,
      timestampOffset: this.timestampOffset,
      pathMtu: this.pathMtu,
    };
  }

  /** Whether the connection has reached CLOSED (a method, so callbacks can change it). */
  isClosed(): boolean {
    return this.state === 'CLOSED';
  }

  /** Largest payload per segment: the smaller MSS, less the timestamps option if in use. */
  get sendMssBytes(): number {
    const mss = Math.min(this.peerMss, this.host.config.mssBytes, this.pathMtu - 40);
    return this.useTimestamps ? mss - tcpTimestampOptionBytes : mss;
  }

  /**
   * Path MTU discovery (RFC 1191, RFC 9293 §3.7.3): an ICMP "fragmentation needed" says
   * segments of this size cannot pass. Lower the MSS, cut unacknowledged segments to fit, and
   * send them again at once.
   * @param mtu the next-hop MTU the ICMP message carried, bytes (ignored below 68)
   */
  reducePathMtu(mtu: number): void {
    if (mtu < 68 || mtu >= this.pathMtu) return;
    this.pathMtu = mtu;
    const mss = this.sendMssBytes;
    const resegmented: TcpSegment[] = [];
    for (const sent of this.unacked) {
      if (sent.payloadLength <= mss) {
        resegmented.push(sent);
        continue;
      }
      const lastFlags = sent.flags;
      for (let offset = 0; offset < sent.payloadLength; offset += mss) {
        const length = Math.min(mss, sent.payloadLength - offset);
        const seq = seqAdd(sent.seq, offset);
        const last = offset + length >= sent.payloadLength;
        const flags = last ? lastFlags : lastFlags & ~TcpFlags.Fin;
        const data = offset < sent.data.length ? sent.data.slice(offset, offset + length) : '';
        // Only the sequence number, flags and data of an unacknowledged segment are sent again.
        resegmented.push(
          makeTcpSegment({
            srcPort: this.localPort,
            dstPort: this.remotePort,
            seq,
            flags,
            payloadLength: length,
            data,
          }),
        );
      }
    }
    this.unacked.splice(0, this.unacked.length, ...resegmented);
    this.retransmitAll(`resent in ${mss}-byte segments: path MTU ${mtu}`);
    this.cancelTimer();
    this.armTimer();
  }

  /** The sequence number this side expects next (for tw_recycle and tests). */
  get receiveNext(): number {
    return this.rcvNxt;
  }

  /** The last TSval received from the peer (RFC 7323 TS.Recent). */
  get timestampRecent(): number {
    return this.tsRecent;
  }

  /** Whether both sides agreed on the timestamps option (RFC 7323 §3.2). */
  get timestampsInUse(): boolean {
    return this.useTimestamps;
  }

  /**
   * Queues `length` bytes for sending, of which the first `text.length` are the ASCII `text`
   * and the rest zero fill. Data written before the handshake completes is sent once it does.
   * Writing after close() is ignored.
   */
  write(text: string, length: number = text.length): void {
    if (this.closeRequested || this.state === 'CLOSED') return;
    this.bytesWritten += length;
    if (this.pendingWrites.length === 0 && (this.state === 'ESTABLISHED' || this.state === 'CLOSE-WAIT')) {
      // Nothing waits and the connection can send: the write goes out now, as flush() would send it.
      this.sendData(text, length, this.sendMssBytes);
      return;
    }
    this.pendingWrites.push(text, length);
    this.flush();
  }

  /**
   * Turns on TCP keepalives (RFC 9293 §3.8.4, Linux `SO_KEEPALIVE`): after `intervalNs` without
   * a segment in either direction, send a probe (an ACK one byte behind, which the peer must
   * answer); after `keepaliveProbes` unanswered probes, abort as timed out. Keepalives keep a
   * load balancer's idle timer from expiring (docs/mechanics.md §2.6).
   * @param intervalNs idle time before the first probe and between probes; 0 turns them off
   */
  setKeepalive(intervalNs: number): void {
    this.keepaliveIntervalNs = intervalNs;
    if (this.keepaliveTimer !== undefined) this.host.kernel.cancel(this.keepaliveTimer);
    this.keepaliveTimer = undefined;
    if (intervalNs > 0) this.armKeepalive(this.lastActivityNs + intervalNs);
  }

  /** Closes gracefully: sends FIN after any queued data. */
  close(): void {
    if (this.closeRequested || this.state === 'CLOSED') return;
    this.closeRequested = true;
    if (this.state === 'SYN-SENT') {
      this.terminate('closed');
      return;
    }
    this.flush();
  }

  /** Aborts: sends RST and closes at once (RFC 9293 §3.10.5 ABORT). */
  abort(): void {
    if (this.state === 'CLOSED' || this.state === 'TIME-WAIT') return;
    if (this.state !== 'SYN-SENT') {
      this.emit(TcpFlags.Rst | TcpFlags.Ack, this.sndNxt, 0, '', false, 'RST: aborted by the application');
    }
    this.terminate('aborted');
  }

  /**
   * Ends the connection because something outside TCP said so (an idle-timeout RST from the
   * load balancer arrives as a segment; this is for the stack's own teardown, e.g. a VM stop).
   */
  forget(reason: TcpCloseReason): void {
    this.terminate(reason);
  }

  /** Processes a segment addressed to this connection. */
  receive(segment: TcpSegment): SegmentVerdict {
    this.lastActivityNs = this.host.kernel.nowNs;
    this.unansweredKeepalives = 0;
    if (this.state === 'SYN-SENT') return this.receiveInSynSent(segment);
    const verdict = this.receiveSynchronized(segment);
    if (this.timeWaitSeq >= 0) this.settleTimeWait();
    return verdict;
  }

  private receiveInSynSent(segment: TcpSegment): SegmentVerdict {
    const flags = segment.flags;
    const hasAck = (flags & TcpFlags.Ack) !== 0;
    if (hasAck && segment.ack >>> 0 !== seqAdd(this.iss, 1)) {
      if ((flags & TcpFlags.Rst) === 0) this.sendReset(segment.ack);
      return verdicts.ackMismatchesSyn;
    }
    if ((flags & TcpFlags.Rst) !== 0) {
      if (!hasAck) return verdicts.rstWithoutAck;
      this.terminate('refused');
      return verdicts.refused;
    }
    if ((flags & TcpFlags.Syn) === 0 || !hasAck) {
      return verdicts.expectedSynAck;
    }
    this.irs = segment.seq >>> 0;
    this.rcvNxt = seqAdd(segment.seq, 1);
    this.peerMss = segment.mss ?? defaultPeerMssBytes;
    this.useTimestamps = this.useTimestamps && segment.timestamp !== undefined;
    if (segment.timestamp !== undefined) this.tsRecent = segment.timestamp.value;
    this.acknowledge(segment.ack >>> 0);
    this.state = 'ESTABLISHED';
    this.emit(TcpFlags.Ack, this.sndNxt, 0, '', false);
    this.handlers.onEstablished?.(this);
    this.flush();
    return verdicts.established;
  }

  private receiveSynchronized(segment: TcpSegment): SegmentVerdict {
    const flags = segment.flags;
    const seq = segment.seq >>> 0;
    if ((flags & TcpFlags.Rst) !== 0) {
      // RFC 5961 §3: only an RST at exactly the next expected sequence number resets.
      if (seq !== this.rcvNxt && this.state !== 'SYN-RECEIVED') {
        return verdicts.rstOutOfWindow;
      }
      this.terminate('reset');
      return verdicts.reset;
    }
    if ((flags & TcpFlags.Syn) !== 0) {
      if (this.state === 'SYN-RECEIVED' && seq === this.irs) {
        this.retransmitAll('SYN-ACK again for a retransmitted SYN');
        return verdicts.synAgain;
      }
      // RFC 5961 §4: answer an unexpected SYN with a challenge ACK.
      this.emit(TcpFlags.Ack, this.sndNxt, 0, '', false);
      return verdicts.challengeAck;
    }
    if ((flags & TcpFlags.Ack) === 0) {
      return verdicts.withoutAck;
    }
    const ack = segment.ack >>> 0;
    if (this.state === 'SYN-RECEIVED') {
      if (ack !== seqAdd(this.iss, 1)) {
        this.sendReset(ack);
        return verdicts.ackMismatchesSynAck;
      }
      this.state = 'ESTABLISHED';
      this.handlers.onEstablished?.(this);
    }
    if (seqLt(this.sndNxt, ack)) {
      this.emit(TcpFlags.Ack, this.sndNxt, 0, '', false);
      return verdicts.ackNeverSent;
    }
    if (seqLt(this.sndUna, ack)) this.acknowledge(ack);
    if (segment.timestamp !== undefined && seqLe(seq, this.rcvNxt)) this.tsRecent = segment.timestamp.value;
    this.advanceAfterAck();
    if (this.state === 'CLOSED') return verdicts.lastAck;
    // Data the application wrote while the handshake was in progress goes out now.
    this.flush();

    const fin = (flags & TcpFlags.Fin) !== 0;
    const length = segment.payloadLength + (fin ? 1 : 0);
    if (length === 0 && seqLt(seq, this.rcvNxt)) {
      // RFC 9293 §3.10.7.4: a segment before the window is answered with an ACK; this is how
      // a keepalive probe is answered.
      this.emit(TcpFlags.Ack, this.sndNxt, 0, '', false);
      return verdicts.keepaliveProbe;
    }
    if (length === 0) return verdicts.ack;
    if (seq !== this.rcvNxt) {
      this.emit(TcpFlags.Ack, this.sndNxt, 0, '', false);
      if (seqLt(seq, this.rcvNxt)) return verdicts.duplicate;
      return { kind: 'drop', reason: 'tcp-out-of-order', note: `expected seq ${this.rcvNxt}` };
    }
    this.rcvNxt = seqAdd(this.rcvNxt, segment.payloadLength);
    if (segment.payloadLength > 0) {
      this.bytesReceived += segment.payloadLength;
      this.handlers.onData?.(this, segment.data, segment.payloadLength);
    }
    if (fin && this.answersIdleCloseWithReset()) {
      this.rcvNxt = seqAdd(this.rcvNxt, 1);
      this.emit(TcpFlags.Ack, this.sndNxt, 0, '', false);
      this.emit(TcpFlags.Rst | TcpFlags.Ack, this.sndNxt, 0, '', false, 'RST: peer closed an idle connection', 0);
      this.terminate('aborted');
      return verdicts.idleFin;
    }
    if (fin) {
      this.rcvNxt = seqAdd(this.rcvNxt, 1);
      this.receiveFin();
    }
    // Data the application sent from onData or onPeerClose already carried the ACK; the
    // application may also have aborted the connection.
    if (!this.isClosed() && this.ackSent !== this.rcvNxt) this.emit(TcpFlags.Ack, this.sndNxt, 0, '', false);
    return fin && segment.payloadLength === 0 ? verdicts.fin : dataVerdict(segment.payloadLength, fin);
  }

  /**
   * A Windows guest ACKs a FIN on a connection that carried no data either way and resets it
   * (`TcpConfig.resetOnIdlePeerClose`): the TCP health probe's close in Azure's support checklist.
   */
  private answersIdleCloseWithReset(): boolean {
    return (
      this.host.config.resetOnIdlePeerClose &&
      this.state === 'ESTABLISHED' &&
      this.bytesReceived === 0 &&
      this.bytesWritten === 0
    );
  }

  private receiveFin(): void {
    switch (this.state) {
      case 'ESTABLISHED':
        this.state = 'CLOSE-WAIT';
        this.handlers.onPeerClose?.(this);
        return;
      case 'FIN-WAIT-1':
        if (this.finAcked()) this.enterTimeWait();
        else this.state = 'CLOSING';
        return;
      case 'FIN-WAIT-2':
        this.enterTimeWait();
        return;
      default:
        return;
    }
  }

  private advanceAfterAck(): void {
    if (!this.finSent || !this.finAcked()) return;
    if (this.state === 'FIN-WAIT-1') this.state = 'FIN-WAIT-2';
    else if (this.state === 'CLOSING') this.enterTimeWait();
    else if (this.state === 'LAST-ACK') this.terminate('closed');
  }

  private finAcked(): boolean {
    return this.finSent && seqLt(this.finSeq, this.sndUna);
  }

  private enterTimeWait(): void {
    this.state = 'TIME-WAIT';
    this.cancelTimer();
    this.host.enteredTimeWait?.(this);
    this.notifyClose('closed');
    this.timerIsTimeWait = true;
    if (this.host.holdTimeWait === undefined) {
      this.timer.armAfter(this.host.config.timeWaitNs);
      return;
    }
    // TIME-WAIT's end takes its place among events now, as arming the timer would; whether a
    // record or the timer keeps it is settled once the segment is processed (its ACK is sent).
    this.timeWaitDueNs = this.host.kernel.nowNs + this.host.config.timeWaitNs;
    this.timeWaitSeq = this.host.kernel.takeSequence();
  }

  /**
   * Offers the connection to the host as a TIME-WAIT record; if the host does not take it (or
   * the connection left TIME-WAIT meanwhile), its own timer ends TIME-WAIT where it would have.
   */
  private settleTimeWait(): void {
    const dueSeq = this.timeWaitSeq;
    this.timeWaitSeq = -1;
    if (this.state === 'TIME-WAIT' && this.host.holdTimeWait?.(this, this.timeWaitDueNs, dueSeq) === true) {
      this.handlers = noHandlers;
      return;
    }
    this.timer.armAtSequence(this.timeWaitDueNs, dueSeq);
  }

  private onTimer(): void {
    if (this.timerIsTimeWait) this.terminate('closed');
    else this.onRetransmitTimeout();
  }

  private acknowledge(ack: number): void {
    this.sndUna = ack;
    const unacked = this.unacked;
    let acked = 0;
    while (acked < unacked.length && seqLe(segmentEnd(unacked[acked] as TcpSegment), ack)) acked++;
    // Usually every segment in flight is acknowledged at once: pop them, which keeps the list's
    // storage for the next flight (`length = 0` would free it, and the next send allocate anew).
    if (acked === unacked.length) while (unacked.length > 0) unacked.pop();
    else if (acked > 0) unacked.splice(0, acked);
    this.retries = 0;
    this.rtoNs = this.host.config.initialRtoNs;
    this.cancelTimer();
    if (this.unacked.length > 0) this.armTimer();
  }

  private flush(): void {
    if (this.state !== 'ESTABLISHED' && this.state !== 'CLOSE-WAIT') return;
    const pending = this.pendingWrites;
    if (pending.length > 0) {
      const mss = this.sendMssBytes;
      for (let i = 0; i < pending.length; i += 2) this.sendData(pending[i] as string, pending[i + 1] as number, mss);
      pending.length = 0;
    }
    if (this.closeRequested && !this.finSent) {
      this.finSent = true;
      this.finSeq = this.sndNxt;
      this.sendTracked(TcpFlags.Fin | TcpFlags.Ack, 0, '');
      this.state = this.state === 'ESTABLISHED' ? 'FIN-WAIT-1' : 'LAST-ACK';
    }
  }

  /** Sends `length` bytes written by the application (`text` first, then zero fill) in segments of at most `mss`. */
  private sendData(text: string, length: number, mss: number): void {
    for (let offset = 0; offset < length; offset += mss) {
      const size = Math.min(mss, length - offset);
      const data =
        offset === 0 && size >= text.length ? text : offset < text.length ? text.slice(offset, offset + size) : '';
      this.sendTracked(TcpFlags.Ack | TcpFlags.Psh, size, data);
    }
  }

  /** Sends a segment that occupies sequence space and must be retransmitted until acked. */
  private sendTracked(flags: number, payloadLength: number, data: string): void {
    const segment = this.makeSegment(flags, this.sndNxt, payloadLength, data, (flags & TcpFlags.Syn) !== 0);
    this.unacked.push(segment);
    this.sndNxt = segmentEnd(segment);
    this.host.output(this, segment);
    if (!this.timer.armed) this.armTimer();
  }

  private emit(
    flags: number,
    seq: number,
    payloadLength: number,
    data: string,
    withMss: boolean,
    why?: string,
    window: number = defaultTcpWindow,
  ): void {
    this.host.output(this, this.makeSegment(flags, seq, payloadLength, data, withMss, window), why);
  }

  /** A segment of this connection carrying the current ACK and timestamps; counts as activity. */
  private makeSegment(
    flags: number,
    seq: number,
    payloadLength: number,
    data: string,
    withMss: boolean,
    window: number = defaultTcpWindow,
  ): TcpSegment {
    const host = this.host;
    this.lastActivityNs = host.kernel.nowNs;
    const ackFlag = (flags & TcpFlags.Ack) !== 0;
    if (ackFlag) this.ackSent = this.rcvNxt;
    // The record makeTcpSegment builds, written out: no fields object per segment.
    const segment: TcpSegment = {
      kind: 'tcp',
      srcPort: this.localPort,
      dstPort: this.remotePort,
      seq,
      ack: ackFlag ? this.rcvNxt : 0,
      flags,
      window,
      mss: withMss ? host.config.mssBytes : undefined,
      timestamp:
        this.useTimestamps && (flags & TcpFlags.Rst) === 0
          ? this.timestampOption((host.timestampNow() + this.timestampOffset) >>> 0, ackFlag ? this.tsRecent : 0)
          : undefined,
      payloadLength,
      data,
    };
    return segment;
  }

  /**
   * The timestamps option with TSval `value` and TSecr `echoReply`: the last one this connection
   * sent when both are the same (TSval ticks once a millisecond, so most segments of an
   * exchange carry the same option). Options are values nobody changes, so segments share them.
   */
  private timestampOption(value: number, echoReply: number): TcpTimestampOption {
    const last = this.lastTimestamp;
    if (last !== undefined && last.value === value && last.echoReply === echoReply) return last;
    const option: TcpTimestampOption = { value, echoReply };
    this.lastTimestamp = option;
    return option;
  }

  private sendReset(seq: number): void {
    this.emit(TcpFlags.Rst, seq, 0, '', false, 'RST: the ACK does not match what was sent');
  }

  private retransmitAll(why = `retransmission ${this.retries} after ${formatDurationNs(this.rtoNs / 2)}`): void {
    for (const sent of this.unacked) {
      this.emit(sent.flags, sent.seq, sent.payloadLength, sent.data, (sent.flags & TcpFlags.Syn) !== 0, why);
    }
  }

  private armKeepalive(atNs: number): void {
    this.keepaliveTimer = this.host.kernel.at(Math.max(atNs, this.host.kernel.nowNs), () => this.onKeepaliveTimer());
  }

  private onKeepaliveTimer(): void {
    this.keepaliveTimer = undefined;
    const synchronized = this.state === 'ESTABLISHED' || this.state === 'CLOSE-WAIT';
    if (this.keepaliveIntervalNs === 0 || !synchronized) return;
    const now = this.host.kernel.nowNs;
    const idleUntil = this.lastActivityNs + this.keepaliveIntervalNs;
    // Data in flight is the retransmission timer's business; activity postpones the probe.
    if (this.unacked.length > 0 || now < idleUntil) {
      this.armKeepalive(Math.max(idleUntil, now + 1));
      return;
    }
    if (this.unansweredKeepalives >= this.host.config.keepaliveProbes) {
      this.terminate('timed-out');
      return;
    }
    this.unansweredKeepalives++;
    const probes = this.unansweredKeepalives;
    this.emit(TcpFlags.Ack, seqAdd(this.sndNxt, -1), 0, '', false, `keepalive probe ${probes}`);
    // emit() counts as activity; a probe must not postpone the next one.
    this.lastActivityNs = now;
    this.unansweredKeepalives = probes;
    this.armKeepalive(now + this.keepaliveIntervalNs);
  }

  private armTimer(): void {
    this.timerIsTimeWait = false;
    this.timer.armAfter(this.rtoNs);
  }

  private cancelTimer(): void {
    this.timer.disarm();
  }

  private onRetransmitTimeout(): void {
    const config = this.host.config;
    const limit =
      this.state === 'SYN-SENT'
        ? config.synRetries
        : this.state === 'SYN-RECEIVED'
          ? config.synAckRetries
          : config.dataRetries;
    if (this.retries >= limit) {
      this.terminate('timed-out');
      return;
    }
    this.retries++;
    this.rtoNs = Math.min(this.rtoNs * 2, config.maxRtoNs);
    this.retransmitAll();
    this.armTimer();
  }

  private terminate(reason: TcpCloseReason): void {
    if (this.state === 'CLOSED') return;
    this.state = 'CLOSED';
    this.cancelTimer();
    // Closed after TIME-WAIT's end took its place: as cancelling the armed timer, nothing runs then.
    this.timeWaitSeq = -1;
    if (this.keepaliveTimer !== undefined) this.host.kernel.cancel(this.keepaliveTimer);
    this.keepaliveTimer = undefined;
    this.host.release(this);
    this.notifyClose(reason);
  }

  private notifyClose(reason: TcpCloseReason): void {
    if (this.closeReason !== undefined) return;
    this.closeReason = reason;
    this.handlers.onClose?.(this, reason);
  }
}

/** The sequence number after `segment` (SYN and FIN count one). */
function segmentEnd(segment: TcpSegment): number {
  return seqAdd(segment.seq, segment.payloadLength + ((segment.flags & (TcpFlags.Syn | TcpFlags.Fin)) !== 0 ? 1 : 0));
}
