/**
 * The health state machine of one probe on one DIP, as a pure function of (state, result,
 * time, configuration): testable without a simulation (docs/mechanics.md §2.3, §7.5).
 *
 * - The first success after the VM starts marks the DIP up (whatever the threshold).
 * - `threshold` consecutive successes mark it up, `threshold` consecutive failures down
 *   (`probeThreshold`, default 1; the legacy `numberOfProbes` sets the failures needed).
 * - HTTP(S): an explicit answer decides at once — 200 marks up, any other status marks down —
 *   and an RST marks down at once; only timeouts count toward the threshold.
 * - TCP: an RST and a timeout are both failures that count toward the threshold.
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
  | { readonly kind: 'http-status'; readonly status: number };

/** Configuration of the state machine. */
export interface HealthConfig {
  /** The probe speaks HTTP or HTTPS: explicit answers and RSTs decide at once. */
  readonly http: boolean;
  /** Consecutive successes to mark up (after the first ever). */
  readonly successThreshold: number;
  /** Consecutive counted failures to mark down. */
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
}

/** The state before any probe has answered. */
export const initialHealthState: HealthState = {
  status: 'unknown',
  consecutiveSuccesses: 0,
  consecutiveFailures: 0,
  recentDowns: [],
  holdDownUntilNs: 0,
};

/** A change of status, with why in words ("2 timeouts", "HTTP 404", "RST", "first success"). */
export interface HealthChange {
  readonly from: HealthStatus;
  readonly to: 'up' | 'down';
  readonly why: string;
}

/** The next state after `result` at `nowNs`, and the change it made, if any. */
export function nextHealth(
  state: HealthState,
  result: ProbeResult,
  nowNs: number,
  config: HealthConfig,
): { readonly state: HealthState; readonly change: HealthChange | undefined } {
  if (result.kind === 'success') return onSuccess(state, nowNs, config);
  const immediate = config.http && (result.kind === 'http-status' || result.kind === 'reset');
  const failures = state.consecutiveFailures + 1;
  const counted: HealthState = { ...state, consecutiveSuccesses: 0, consecutiveFailures: failures };
  if (state.status === 'down') return { state: counted, change: undefined };
  if (!immediate && failures < config.failureThreshold) return { state: counted, change: undefined };
  const alone = immediate || (failures === 1 && result.kind === 'reset');
  const why = alone ? describeSingle(result) : `${failures} ${describeFailure(result, failures)}`;
  const recentDowns = [...state.recentDowns.filter((at) => nowNs - at <= config.flapWindowNs), nowNs];
  const holdDown = holdDownFor(recentDowns.length, config);
  return {
    state: { ...counted, status: 'down', recentDowns, holdDownUntilNs: holdDown === 0 ? 0 : nowNs + holdDown },
    change: { from: state.status, to: 'down', why },
  };
}

function onSuccess(
  state: HealthState,
  nowNs: number,
  config: HealthConfig,
): { readonly state: HealthState; readonly change: HealthChange | undefined } {
  const successes = state.consecutiveSuccesses + 1;
  const counted: HealthState = { ...state, consecutiveSuccesses: successes, consecutiveFailures: 0 };
  if (state.status === 'up') return { state: counted, change: undefined };
  const first = state.status === 'unknown';
  const enough = first || config.http || successes >= config.successThreshold;
  if (!enough) return { state: counted, change: undefined };
  if (nowNs < state.holdDownUntilNs) return { state: counted, change: undefined };
  const why = first ? 'first success' : config.http ? 'HTTP 200' : `${successes} success${successes === 1 ? '' : 'es'}`;
  const held = state.holdDownUntilNs > 0 ? ' after flap hold-down' : '';
  return {
    state: { ...counted, status: 'up', holdDownUntilNs: 0 },
    change: { from: state.status, to: 'up', why: `${why}${held}` },
  };
}

/** Hold-down for the `downs`-th down transition within the window: 0, base, 2·base, … ≤ max. */
export function holdDownFor(downs: number, config: HealthConfig): number {
  if (downs <= 1) return 0;
  return Math.min(config.holdDownBaseNs * 2 ** (downs - 2), config.holdDownMaxNs);
}

/** An answer that decided alone: `HTTP 404` or `RST`. */
function describeSingle(result: ProbeResult): string {
  return result.kind === 'http-status' ? `HTTP ${result.status}` : 'RST';
}

function describeFailure(result: ProbeResult, count: number): string {
  const plural = count === 1 ? '' : 's';
  return result.kind === 'reset' ? `failure${plural} (last: RST)` : `timeout${plural}`;
}
