import type { TcpCloseReason } from './tcp-state.ts';

/**
 * How a client's exchange (one connection, or one UDP request) ended, as the client sees it.
 *
 * TCP:
 * - `completed`: handshake, request, whole response; the client then closed;
 * - `refused`: the SYN was answered with RST (nothing listening on the DIP's port);
 * - `reset`: an RST arrived after the handshake;
 * - `timed-out`: SYN or data retransmissions were exhausted;
 * - `incomplete`: the server closed before the response was whole;
 * - `established`: the run ended with the connection open (long-lived or idle);
 * - `pending`: the run ended during the handshake;
 * - `no-port`: no local port was free to connect from.
 * UDP:
 * - `answered`: a reply arrived before the timeout;
 * - `lost`: no reply arrived before the timeout.
 */
export type ExchangeOutcome =
  | 'completed'
  | 'refused'
  | 'reset'
  | 'timed-out'
  | 'incomplete'
  | 'established'
  | 'pending'
  | 'no-port'
  | 'answered'
  | 'lost';

/** Every outcome, in the order summaries list them. */
export const exchangeOutcomes: readonly ExchangeOutcome[] = [
  'completed',
  'answered',
  'established',
  'refused',
  'reset',
  'timed-out',
  'incomplete',
  'lost',
  'pending',
  'no-port',
];

/**
 * The outcome of a TCP exchange whose connection closed before the exchange finished, by how
 * it closed: an orderly close or an abort left it `incomplete`.
 */
export const closeOutcomes: Readonly<Record<TcpCloseReason, ExchangeOutcome>> = {
  closed: 'incomplete',
  refused: 'refused',
  reset: 'reset',
  'timed-out': 'timed-out',
  aborted: 'incomplete',
};

/** What a client learned from one exchange. */
export interface ExchangeResult {
  readonly outcome: ExchangeOutcome;
  /** Virtual time the exchange ended (or the run ended), ns. */
  readonly endedAtNs: number;
  /** When the handshake completed, ns (TCP only). */
  readonly establishedAtNs: number | undefined;
  /** HTTP status of the response, when there was one. */
  readonly httpStatus: number | undefined;
  /** The client's local port. */
  readonly localPort: number | undefined;
}
