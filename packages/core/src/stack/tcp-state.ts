/**
 * TCP connection states (RFC 9293 §3.3.2) and how a connection ended.
 */

/** A connection's state; LISTEN is a listener, not a connection. */
export type TcpState =
  | 'SYN-SENT'
  | 'SYN-RECEIVED'
  | 'ESTABLISHED'
  | 'FIN-WAIT-1'
  | 'FIN-WAIT-2'
  | 'CLOSE-WAIT'
  | 'CLOSING'
  | 'LAST-ACK'
  | 'TIME-WAIT'
  | 'CLOSED';

/**
 * How a connection ended, as its application sees it:
 * - `closed`: both sides closed normally;
 * - `refused`: the peer answered the SYN with RST (nothing listening);
 * - `reset`: an RST arrived after the handshake;
 * - `timed-out`: retransmissions were exhausted (SYN or data);
 * - `aborted`: the local application aborted it (sent RST).
 */
export type TcpCloseReason = 'closed' | 'refused' | 'reset' | 'timed-out' | 'aborted';

/** Callbacks from a connection to its application. All are optional. */
export interface TcpConnectionHandlers<C> {
  /** The three-way handshake completed. */
  onEstablished?(connection: C): void;
  /** In-order payload arrived: `text` is its ASCII application bytes, `bytes` its length. */
  onData?(connection: C, text: string, bytes: number): void;
  /** The peer sent FIN: it will send nothing more. */
  onPeerClose?(connection: C): void;
  /** The connection ended; called exactly once. */
  onClose?(connection: C, reason: TcpCloseReason): void;
}
