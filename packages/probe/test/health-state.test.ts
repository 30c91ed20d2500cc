import { propertyTimeoutMs } from '@lbsim/core/testing';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  defaultFlapDamping,
  type HealthConfig,
  type HealthState,
  holdDownFor,
  initialHealthState,
  nextHealth,
  type ProbeResult,
} from '../src/index.ts';

const tcp = (threshold: number): HealthConfig => ({
  successThreshold: threshold,
  failureThreshold: threshold,
  ...defaultFlapDamping,
});
const http = tcp;
const s = 1_000_000_000;

/** Runs results 5 s apart from t = 5 s; returns the changes as [time s, to, why]. */
function run(config: HealthConfig, results: ProbeResult[], start: HealthState = initialHealthState) {
  let state = start;
  const changes: Array<[number, string, string]> = [];
  results.forEach((result, i) => {
    const at = (i + 1) * 5 * s;
    const next = nextHealth(state, result, at, config);
    state = next.state;
    if (next.change !== undefined) changes.push([at / s, next.change.to, next.change.why]);
  });
  return { state, changes };
}

const ok: ProbeResult = { kind: 'success' };
const timeout: ProbeResult = { kind: 'timeout' };
const reset: ProbeResult = { kind: 'reset' };

describe('probe health state machine', () => {
  it('the first success after the VM starts marks it up, whatever the threshold', () => {
    expect(run(tcp(3), [ok]).changes).toEqual([[5, 'up', 'first success']]);
  });

  it('TCP: threshold consecutive failures (timeouts or RSTs) mark down, threshold successes up', () => {
    expect(run(tcp(2), [ok, timeout, ok, timeout, timeout, ok, ok]).changes).toEqual([
      [5, 'up', 'first success'],
      [25, 'down', '2 timeouts'],
      [35, 'up', '2 successes'],
    ]);
    expect(run(tcp(2), [ok, reset, reset]).changes).toEqual([
      [5, 'up', 'first success'],
      [15, 'down', '2 failures (last: RST)'],
    ]);
  });

  it('HTTP: a non-200 answer, an RST and a timeout all count toward the threshold, both ways', () => {
    const notFound: ProbeResult = { kind: 'http-status', status: 404 };
    expect(run(http(3), [ok, notFound]).changes).toEqual([[5, 'up', 'first success']]);
    expect(run(http(3), [ok, notFound, reset, notFound]).changes.at(-1)).toEqual([
      20,
      'down',
      '3 failures (last: HTTP 404)',
    ]);
    expect(run(http(1), [ok, notFound]).changes.at(-1)).toEqual([10, 'down', 'HTTP 404']);
    expect(run(http(3), [ok, timeout, timeout, timeout]).changes.at(-1)).toEqual([20, 'down', '3 timeouts']);
    // Back in rotation only after 3 consecutive 200s, not on the first.
    expect(run(http(3), [ok, notFound, notFound, notFound, ok, ok, ok]).changes.at(-1)).toEqual([
      35,
      'up',
      '3 successes',
    ]);
  });

  it('a verdict stands until a probe sent after it answers', () => {
    const down = nextHealth(initialHealthState, timeout, 5 * s, tcp(1));
    // The probe sent at the instant the timeout was judged answers 40 µs later: it does not count.
    expect(nextHealth(down.state, ok, 5 * s + 40_000, tcp(1), 5 * s).change).toBeUndefined();
    expect(nextHealth(down.state, ok, 10 * s + 40_000, tcp(1), 10 * s).change?.to).toBe('up');
  });

  it('a probe that never succeeds leaves the DIP down from the start', () => {
    expect(run(tcp(1), [timeout]).changes).toEqual([[5, 'down', '1 timeout']]);
    expect(run(tcp(1), [timeout, timeout]).changes).toHaveLength(1);
  });

  it('flap damping: each down soon after the last waits longer before coming up', () => {
    const config = tcp(1);
    expect([1, 2, 3, 4, 5, 6].map((downs) => holdDownFor(downs, config) / s)).toEqual([0, 10, 20, 40, 80, 120]);
    // up, down, up (no hold-down the first time), down (10 s hold-down), then successes.
    const { changes } = run(config, [ok, timeout, ok, timeout, ok, ok, ok]);
    expect(changes).toEqual([
      [5, 'up', 'first success'],
      [10, 'down', '1 timeout'],
      [15, 'up', '1 success'],
      [20, 'down', '1 timeout'],
      [30, 'up', '2 successes after flap hold-down'],
    ]);
  });

  it('agrees with a simple model under any sequence of results (fast-check commands)', {
    timeout: propertyTimeoutMs(),
  }, () => {
    type Model = { status: 'unknown' | 'up' | 'down'; failures: number; successes: number };
    type Real = { state: HealthState; now: number; config: HealthConfig };
    const noDamping = (c: HealthConfig): HealthConfig => ({ ...c, holdDownBaseNs: 0, holdDownMaxNs: 0 });
    class Probe implements fc.Command<Model, Real> {
      constructor(readonly result: ProbeResult) {}
      check = () => true;
      run(model: Model, real: Real): void {
        real.now += 5 * s;
        const next = nextHealth(real.state, this.result, real.now, real.config);
        real.state = next.state;
        const { config } = real;
        const success = this.result.kind === 'success';
        model.successes = success ? model.successes + 1 : 0;
        model.failures = success ? 0 : model.failures + 1;
        const before = model.status;
        if (success && (before === 'unknown' || (before === 'down' && model.successes >= config.successThreshold)))
          model.status = 'up';
        if (!success && before !== 'down' && model.failures >= config.failureThreshold) model.status = 'down';
        expect(real.state.status).toBe(model.status);
        expect(next.change?.to).toBe(before === model.status ? undefined : model.status);
      }
      toString = () => `probe(${this.result.kind})`;
    }
    const commands = [
      fc.constant(new Probe(ok)),
      fc.constant(new Probe(timeout)),
      fc.constant(new Probe(reset)),
      fc.constantFrom(404, 500, 301).map((status) => new Probe({ kind: 'http-status', status })),
    ];
    fc.assert(
      fc.property(
        fc.boolean(),
        fc.integer({ min: 1, max: 4 }),
        fc.commands(commands, { maxCommands: 40 }),
        (isHttp, threshold, cmds) => {
          const config = noDamping(isHttp ? http(threshold) : tcp(threshold));
          fc.modelRun(
            () => ({
              model: { status: 'unknown' as const, failures: 0, successes: 0 } as Model,
              real: { state: initialHealthState, now: 0, config },
            }),
            cmds,
          );
        },
      ),
    );
  });
});
