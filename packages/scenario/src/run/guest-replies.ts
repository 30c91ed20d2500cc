/**
 * What the guest behind a DIP did with a connection a Mux sent it: the truth the summary's DIP
 * counts and `dipsServed` report, rather than the Mux's choice.
 *
 * A Mux picking a DIP says nothing about whether the connection got there: the Host Agent may
 * drop it (an NSG, or a Standard load balancer closed to inbound until an NSG opens it,
 * docs/mechanics.md §2.12), the guest may drop it (floating IP without the frontend on
 * loopback) or refuse it (nothing listens). So a
 * DIP *served* a connection when its guest accepted it (sent a TCP SYN-ACK, or answered a UDP
 * datagram); it *refused* it when its guest answered only with a TCP RST or an ICMP port or
 * protocol unreachable (RFC 792, RFC 9293 §3.5.2); otherwise the connection went *unanswered*
 * there.
 */
import { IcmpType, IcmpUnreachableCode, type Ipv4Address, type Ipv4Packet, ipv4, TcpFlags } from '@lbsim/core';

/** ICMP destination-unreachable code for "protocol unreachable" (RFC 792). */
const protocolUnreachableCode = 2;

/** A packet a guest sent for a connection that may answer it. */
export interface GuestReply {
  /** The VM that sent it. */
  readonly node: string;
  /**
   * Its source address: the DIP, or the frontend IP with floating IP. A number, not a dotted
   * quad: a run keeps one reply per connection, a million of them in a scale run.
   */
  readonly address: Ipv4Address;
  /**
   * The socket it came from: its source port, or for an ICMP error the destination port of the
   * packet it quotes (the port that refused it). Tells the opener's own packets apart when the
   * opener is the VM behind the DIP (a backend reaching its own frontend).
   */
  readonly port: number;
  /** `accept`: a SYN-ACK or a UDP datagram; `refuse`: an RST or an ICMP port/protocol unreachable. */
  readonly kind: 'accept' | 'refuse';
}

/**
 * The reply `packet` would be if a guest sent it, or `undefined` for packets that answer nothing
 * (a bare ACK, data, a SYN, an ICMP echo or "fragmentation needed", a later fragment).
 */
export function guestReplyOf(node: string, packet: Ipv4Packet): GuestReply | undefined {
  const answer = answerOf(packet);
  return answer === undefined ? undefined : { node, address: packet.src, ...answer };
}

/** The socket and kind of a reply, or `undefined` for a packet that answers nothing. */
function answerOf(packet: Ipv4Packet): Pick<GuestReply, 'port' | 'kind'> | undefined {
  const payload = packet.payload;
  if (payload.kind === 'tcp') {
    if ((payload.flags & TcpFlags.Rst) !== 0) return { port: payload.srcPort, kind: 'refuse' };
    const synAck = TcpFlags.Syn | TcpFlags.Ack;
    return (payload.flags & synAck) === synAck ? { port: payload.srcPort, kind: 'accept' } : undefined;
  }
  if (payload.kind === 'udp') return { port: payload.srcPort, kind: 'accept' };
  if (payload.kind === 'icmp') {
    const refusal =
      payload.type === IcmpType.DestinationUnreachable &&
      (payload.code === IcmpUnreachableCode.Port || payload.code === protocolUnreachableCode);
    return refusal && payload.quote !== undefined ? { port: payload.quote.dstPort, kind: 'refuse' } : undefined;
  }
  // A fragmented UDP reply: only the first fragment holds the header (RFC 791 §2.3).
  if (payload.kind === 'fragment' && payload.protocol === 17 && packet.fragmentOffsetBytes === 0) {
    const bytes = payload.bytes;
    if (bytes.length < 2) return undefined;
    return { port: ((bytes[0] as number) << 8) | (bytes[1] as number), kind: 'accept' };
  }
  return undefined;
}

/** The two ends of a connection as its traffic item names them. */
export interface ConnectionEnds {
  /** The client or VM that opened it (its traffic item's `from`). */
  readonly opener: string;
  /** The opener's local port; `undefined` when it got none: then every packet of its node is its own. */
  readonly openerPort: number | undefined;
  /** The address it was sent to (its traffic item's `to`, usually a frontend IP). */
  readonly destination: Ipv4Address;
}

/** What the guests behind a connection's DIPs did with it; each DIP in at most one list. */
export interface DipVerdicts {
  /** DIPs whose guest accepted it, in the order the Muxes first sent it there. */
  readonly servedBy: readonly string[];
  /** DIPs whose guest only refused it. */
  readonly refusedBy: readonly string[];
  /** DIPs a Mux sent it to whose guest sent nothing back. */
  readonly unansweredBy: readonly string[];
}

/**
 * Judges each DIP a Mux sent the connection to by the replies its owner VM sent. A reply counts
 * for a DIP when it comes from that DIP's address, or from the address the connection was sent
 * to (the frontend IP, which a guest answers from with floating IP). So a datagram the guest
 * reassembled (traced as sent, from its remote source) is no reply, and the opener's own packets
 * never count.
 *
 * @param dips DIPs the Muxes sent the connection to, dotted quads, in order first seen
 * @param replies replies VMs sent for the connection (see {@link guestReplyOf})
 * @param ownerOf the VM that owns a DIP (dotted quad), or `undefined`
 */
export function judgeDips(
  dips: readonly string[],
  replies: readonly GuestReply[],
  ownerOf: (dip: string) => string | undefined,
  ends: ConnectionEnds,
): DipVerdicts {
  if (dips.length === 0) return { servedBy: none, refusedBy: none, unansweredBy: none };
  const servedBy: string[] = [];
  const refusedBy: string[] = [];
  const unansweredBy: string[] = [];
  const fromOpener = (reply: GuestReply) =>
    reply.node === ends.opener && (ends.openerPort === undefined || reply.port === ends.openerPort);
  for (const dip of dips) {
    const owner = ownerOf(dip);
    const address = ipv4(dip);
    const answers = replies.filter(
      (reply) =>
        reply.node === owner && (reply.address === address || reply.address === ends.destination) && !fromOpener(reply),
    );
    if (answers.some((reply) => reply.kind === 'accept')) servedBy.push(dip);
    else if (answers.length > 0) refusedBy.push(dip);
    else unansweredBy.push(dip);
  }
  // The usual case, every DIP served: share the arrays rather than keep copies per connection.
  if (servedBy.length === dips.length) return { servedBy: dips, refusedBy: none, unansweredBy: none };
  return { servedBy, refusedBy: refusedBy.length === 0 ? none : refusedBy, unansweredBy };
}

/** The empty list every connection without such DIPs shares. */
const none: readonly string[] = Object.freeze([]);
