/**
 * Parameters of lbsim's endpoint TCP, with defaults and where they come from.
 */
import { nsPerSecond } from '../sim/time.ts';

/** TCP parameters of one endpoint (a VM's OS, an Internet client, a prober). */
export interface TcpConfig {
  /** MSS advertised on SYNs, bytes: MTU 1500 − 20 (IP) − 20 (TCP) = 1460. */
  readonly mssBytes: number;
  /** First retransmission timeout, ns: 1 s (RFC 6298 §2.1). */
  readonly initialRtoNs: number;
  /** Cap of the doubling retransmission timeout, ns: 60 s (RFC 6298 §2.5). */
  readonly maxRtoNs: number;
  /**
   * SYN retransmissions before a connect attempt gives up. Default 3, so with a 1 s initial RTO
   * a connect fails after 1 + 2 + 4 + 8 = 15 s. (Linux's `tcp_syn_retries` is 6, 127 s; a
   * shorter default keeps teaching scenarios short and is configurable per scenario.)
   */
  readonly synRetries: number;
  /** SYN-ACK retransmissions of the passive side (Linux `tcp_synack_retries` 5; default 3). */
  readonly synAckRetries: number;
  /** Data retransmissions before an established connection is aborted (default 5, about 63 s). */
  readonly dataRetries: number;
  /**
   * Unanswered keepalive probes before the connection is aborted (Linux
   * `tcp_keepalive_probes`: 9). Keepalives are off unless the application sets an interval.
   */
  readonly keepaliveProbes: number;
  /** TIME-WAIT duration, ns: 60 s (Linux `TCP_TIMEWAIT_LEN`). */
  readonly timeWaitNs: number;
  /** Send the timestamps option (RFC 7323): on in Linux, off in Windows by default. */
  readonly timestamps: boolean;
  /**
   * Linux `net.ipv4.tcp_tw_recycle` (off by default, removed in Linux 4.12): remember peers'
   * timestamps at TIME-WAIT and drop older SYNs from them for 60 s (`tw-recycle.ts`). Takes
   * effect only with `timestamps` on, as in Linux, which ignores a SYN's timestamps otherwise.
   */
  readonly twRecycle: boolean;
  /**
   * Give each connection its own random timestamp offset, as Linux ≥ 4.10 does
   * (docs/mechanics.md §3): TSvals from one address then do not grow from one connection to the
   * next. Off: one clock offset for the whole stack (RFC 7323 §5.4). Default false.
   */
  readonly randomTimestampOffsets: boolean;
  /**
   * How the stack answers a peer that closes a connection on which neither side sent a byte:
   * false, the application's close follows (FIN, as Linux does); true, the stack ACKs the FIN
   * and resets the connection (RST with window 0), as the Windows server in Azure's support
   * checklist capture of a TCP health probe does (docs/mechanics.md §2.3). Default false.
   */
  readonly resetOnIdlePeerClose: boolean;
  /** First port of the ephemeral range (IANA and Windows: 49152). */
  readonly ephemeralPortMin: number;
  /** Last port of the ephemeral range (65535). */
  readonly ephemeralPortMax: number;
}

/** Defaults of {@link TcpConfig}. */
export const defaultTcpConfig: TcpConfig = {
  mssBytes: 1460,
  initialRtoNs: nsPerSecond,
  maxRtoNs: 60 * nsPerSecond,
  synRetries: 3,
  synAckRetries: 3,
  dataRetries: 5,
  keepaliveProbes: 9,
  timeWaitNs: 60 * nsPerSecond,
  timestamps: false,
  twRecycle: false,
  randomTimestampOffsets: false,
  resetOnIdlePeerClose: false,
  ephemeralPortMin: 49152,
  ephemeralPortMax: 65535,
};
