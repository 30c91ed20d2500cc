/**
 * What a Host Agent learns of a TCP connection from the segments it translates: the next
 * sequence number each side will send, and whether the connection is established. Enough to
 * send each end an RST it will accept when the flow's idle timeout expires (RFC 5961 §3: an
 * RST is accepted at exactly the next expected sequence number).
 */
import { seqAdd, seqLt, TcpFlags, type TcpSegment } from '@lbsim/core';

/** Progress of one TCP connection through the Host Agent. */
export interface TcpProgress {
  /** Sequence number the client will send next (= what the server expects), once seen. */
  clientNextSeq: number | undefined;
  /** Sequence number the server will send next (= what the client expects), once seen. */
  serverNextSeq: number | undefined;
  /** The handshake completed (SYN, SYN-ACK and the client's ACK seen). */
  established: boolean;
  /** A FIN or RST was seen: the connection is closing or gone. */
  closing: boolean;
}

/** Updates `progress` with a segment travelling from the client (`fromClient`) or the server. */
export function trackTcpSegment(progress: TcpProgress, segment: TcpSegment, fromClient: boolean): void {
  const flags = segment.flags;
  const consumed =
    segment.payloadLength + ((flags & TcpFlags.Syn) !== 0 ? 1 : 0) + ((flags & TcpFlags.Fin) !== 0 ? 1 : 0);
  const next = seqAdd(segment.seq, consumed);
  if (fromClient) {
    if (progress.clientNextSeq === undefined || seqLt(progress.clientNextSeq, next)) progress.clientNextSeq = next;
    if ((flags & (TcpFlags.Syn | TcpFlags.Ack)) === TcpFlags.Ack && progress.serverNextSeq !== undefined) {
      progress.established = true;
    }
  } else if (progress.serverNextSeq === undefined || seqLt(progress.serverNextSeq, next)) {
    progress.serverNextSeq = next;
  }
  if ((flags & (TcpFlags.Fin | TcpFlags.Rst)) !== 0) progress.closing = true;
}
