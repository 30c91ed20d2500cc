/**
 * The health state machine of one probe on one DIP, as a pure function of (state, result,
 * time, configuration): testable without a simulation (docs/mechanics.md §2.3, §7.5).
 *
 * - The first success after the VM starts marks the DIP up (whatever the threshold): Azure marks
 *   a VM healthy on its first successful probe after it boots (docs/mechanics.md §2.3).
 * - `threshold` consecutive failures mark it down and, once down, `threshold` consecutive
 *   successes mark it up again, for TCP, HTTP and HTTPS alike: the ARM/REST reference defines
 *   `probeThreshold` as "the number of consecutive successful or failed probes", and a DIP taken
 *   out "require[s] the same number of successful consecutive probes to be placed back in
 *   rotation" (docs/mechanics.md §2.3). A timeout, an RST and an HTTP answer other than 200 are
 *   all failures. (The current probe overview page has HTTP answers act at once; lbsim follows
 *   the API reference, and docs/mechanics.md §2.15 says which page says what.)
 * - A verdict stands until a probe sent after it answers: a result of a probe that was sent at
 *   or before the last change counts for nothing. A TCP probe fails when the next one is due, so
 *   without this the probe sent at that same instant could mark the DIP up again microseconds
 *   after it went down (lbsim's choice: Azure publishes no finer timing).
 * - Flap damping: a DIP that goes down again soon after coming up waits longer before it is
 *   marked up once more ("the load balancer waits longer before it puts the backend endpoint
 *   back in the healthy state", docs/mechanics.md §2.3). Azure publishes no numbers: the hold-down
 *   doubles from `holdDownBaseNs` for each down transition within `flapWindowNs`, up to
 *   `holdDownMaxNs`; the first down has none.
 */

/** What a DIP is, as the probe sees it. */
export type HealthStatus = 'unknown' | 'up' | 'down';

/** The outcome of one probe. */
export type ProbeResult =
  | { readonly kind: 'success' }
  | { readonly kind: 'timeout' }
  | { readonly kind: 'reset' }
  /** An HTTP(S) answer other than 200 (a 200 is a `success`). */
  | { readonly kind: 'http-status'; readonly status: number }
  /** A guest agent probe whose role instance is not Ready (docs/mechanics.md §2.3). */
  | { readonly kind: 'not-ready'; readonly roleState: string };

/** Configuration of the state machine. */
export interface HealthConfig {
  /** Consecutive successes to mark a down DIP up (the first success ever marks up alone). */
  readonly successThreshold: number;
  /** Consecutive failures to mark down. */
  readonly failureThreshold: number;
  /** Hold-down after the second down transition within the flap window, ns. */
  readonly holdDownBaseNs: number;
  /** Most hold-down, ns. */
  readonly holdDownMaxNs: number;
  /** Down transitions this close together count as flapping, ns. */
  readonly flapWindowNs: number;
}

/** Flap damping defaults: 10 s doubling to 2 min, over a 5-minute window (design choice). */
export const defaultFlapDamping = {
  holdDownBaseNs: 10_000_000_000,
  holdDownMaxNs: 120_000_000_000,
  flapWindowNs: 300_000_000_000,
} as const;

/** The state of one probe on one DIP. */
export interface HealthState {
  readonly status: HealthStatus;
  readonly consecutiveSuccesses: number;
  readonly consecutiveFailures: number;
  /** Times of recent down transitions (within the flap window), oldest first. */
  readonly recentDowns: readonly number[];
  /** Until when the DIP may not be marked up, ns (0: no hold-down). */
  readonly holdDownUntilNs: number;
  /** When the status last changed, ns (-1: never); results of probes sent by then are ignored. */
  readonly changedAtNs: number;
}

/** The state before any probe has answered. */
export const initialHealthState: HealthState = {
  status: 'unknown',
  consecutiveSuccesses: 0,
  consecutiveFailures: 0,
  recentDowns: [],
  holdDownUntilNs: 0,
  changedAtNs: -1,
};

/** A change of status, with why in words ("2 timeouts", "HTTP 404", "RST", "first success"). */
export interface HealthChange {
  readonly from: HealthStatus;
  readonly to: 'up' | 'down';
  readonly why: string;
}

/** The next state and the change it made, if any. */
export interface HealthStep {
  readonly state: HealthState;
  readonly change: HealthChange | undefined;
}

/**
 * The next state after `result` at `nowNs` of a probe sent at `sentAtNs` (default: `nowNs`).
 * A result of a probe sent at or before the last change leaves the state as it is.
 */
export function nextHealth(
  state: HealthState,
  result: ProbeResult,
  nowNs: number,
  config: HealthConfig,
  sentAtNs: number = nowNs,
): HealthStep {
  if (sentAtNs <= state.changedAtNs) return { state, change: undefined };
  if (result.kind === 'success') return onSuccess(state, nowNs, config);
  return onFailure(state, result, nowNs, config);
}

function onFailure(state: HealthState, result: ProbeResult, nowNs: number, config: HealthConfig): HealthStep {
  const failures = state.consecutiveFailures + 1;
  const counted: HealthState = { ...state, consecutiveSuccesses: 0, consecutiveFailures: failures };
  if (state.status === 'down' || failures < config.failureThreshold) return { state: counted, change: undefined };
  const recentDowns = [...state.recentDowns.filter((at) => nowNs - at <= config.flapWindowNs), nowNs];
  const holdDown = holdDownFor(recentDowns.length, config);
  return {
    state: {
      ...counted,
      status: 'down',
      recentDowns,
      holdDownUntilNs: holdDown === 0 ? 0 : nowNs + holdDown,
      changedAtNs: nowNs,
    },
    change: { from: state.status, to: 'down', why: describeFailures(result, failures) },
  };
}

function onSuccess(state: HealthState, nowNs: number, config: HealthConfig): HealthStep {
  const successes = state.consecutiveSuccesses + 1;
  const counted: HealthState = { ...state, consecutiveSuccesses: successes, consecutiveFailures: 0 };
  if (state.status === 'up') return { state: counted, change: undefined };
  const first = state.status === 'unknown';
  if (!first && successes < config.successThreshold) return { state: counted, change: undefined };
  if (nowNs < state.holdDownUntilNs) return { state: counted, change: undefined };
  const why = first ? 'first success' : `${successes} success${successes === 1 ? '' : 'es'}`;
  const held = state.holdDownUntilNs > 0 ? ' after flap hold-down' : '';
  return {
    state: { ...counted, status: 'up', holdDownUntilNs: 0, changedAtNs: nowNs },
    change: { from: state.status, to: 'up', why: `${why}${held}` },
  };
}

/** Hold-down for the `downs`-th down transition within the window: 0, base, 2·base, … ≤ max. */
export function holdDownFor(downs: number, config: HealthConfig): number {
  if (downs <= 1) return 0;
  return Math.min(config.holdDownBaseNs * 2 ** (downs - 2), config.holdDownMaxNs);
}

/**
 * Why a DIP went down: the failure alone (`HTTP 404`, `RST`, `1 timeout`, `guest agent: Busy`)
 * or the count with the last one (`3 failures (last: HTTP 404)`, `2 timeouts`).
 */
function describeFailures(result: ProbeResult, count: number): string {
  const last = describeFailure(result);
  if (result.kind === 'timeout') return `${count} timeout${count === 1 ? '' : 's'}`;
  return count === 1 ? last : `${count} failures (last: ${last})`;
}

function describeFailure(result: ProbeResult): string {
  switch (result.kind) {
    case 'http-status':
      return `HTTP ${result.status}`;
    case 'reset':
      return 'RST';
    case 'not-ready':
      return `guest agent: role instance ${result.roleState}`;
    default:
      return 'timeout';
  }
}
