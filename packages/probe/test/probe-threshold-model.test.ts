/**
 * Return to rotation (issue 15, item 1): `probeThreshold` is the number of consecutive failed
 * probes that take a DIP out and of consecutive successful probes that put it back, for TCP, HTTP
 * and HTTPS alike (ARM/REST reference, docs/mechanics.md §2.3), and for the guest agent probe. A
 * model-based test (fast-check commands) drives a real prober against a real guest stack over
 * random sequences of guest behaviour — answering, refusing (RST), answering HTTP 500, silent (a
 * timeout), a Busy role instance — and checks the
 * engine's verdict after every probe against a model that counts consecutive results by probe.
 */
import {
  defaultTcpConfig,
  Endpoint,
  formatHttpResponse,
  ipv4,
  Kernel,
  nsPerSecond,
  parseHttpRequestPath,
  type TcpListener,
  Tracer,
} from '@lbsim/core';
import { propertyTimeoutMs } from '@lbsim/core/testing';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type HealthStatus, type ProbeDefinition, ProbeEngine } from '../src/index.ts';

type Protocol = ProbeDefinition['protocol'];
/** What the guest does with the probes of one interval. */
type Behaviour = 'answer' | 'refuse' | 'error' | 'silent' | 'busy';

const dip = ipv4('10.1.0.4');
const intervalNs = 5 * nsPerSecond;
const oneWayNs = 50_000;

/** A prober and a guest wired back to back, the guest's behaviour set per interval. */
function world(protocol: Protocol, threshold: number) {
  const kernel = new Kernel({ seed: 7 });
  const tracer = new Tracer();
  let behaviour: Behaviour = 'answer';
  const link =
    (to: () => Endpoint, toGuest: boolean) =>
    (packet: Parameters<Endpoint['receive']>[0], meta: Parameters<Endpoint['receive']>[1]) => {
      if (toGuest && behaviour === 'silent') return;
      kernel.after(oneWayNs, () => to().receive(packet, meta));
    };
  const stack = (name: string, output: Endpoint['receive']) =>
    new Endpoint({
      name,
      kernel,
      tracer,
      random: kernel.random(name),
      tcp: { ...defaultTcpConfig, synRetries: 0 },
      mtuBytes: 1500,
      reassemblyTimeoutNs: 30 * nsPerSecond,
      output,
    });
  const guest: Endpoint = stack(
    'guest',
    link(() => prober, false),
  );
  const prober: Endpoint = stack(
    'prober',
    link(() => guest, true),
  );
  const app: TcpListener = {
    accept: () => ({
      onData: (connection, text) => {
        if (parseHttpRequestPath(text) === undefined) return;
        const response = formatHttpResponse(behaviour === 'error' ? 500 : 200, 0);
        connection.write(response.text, response.length);
      },
      onPeerClose: (connection) => connection.close(),
    }),
  };
  const probe: ProbeDefinition = {
    name: 'lb/p',
    protocol,
    port: 80,
    requestPath: '/',
    intervalNs,
    // No flap damping here: the model is about counting, the hold-down has its own tests.
    health: {
      successThreshold: threshold,
      failureThreshold: threshold,
      holdDownBaseNs: 0,
      holdDownMaxNs: 0,
      flapWindowNs: 0,
    },
  };
  const engine = new ProbeEngine({
    kernel,
    endpoint: prober,
    onChange: () => {},
    roleStateOf: () => (behaviour === 'busy' ? 'Busy' : 'Ready'),
  });
  engine.add({ dip, vm: 'web-1', probe });
  return {
    kernel,
    engine,
    set(next: Behaviour) {
      behaviour = next;
      if (next === 'refuse') guest.stopListening(80);
      else if (!guest.isListeningOnPort(80)) guest.listen(80, undefined, app);
    },
    status: (): HealthStatus => engine.stateOf(dip, probe.name)?.status ?? 'unknown',
  };
}

/** The verdicts by probe count: thresholds both ways; a verdict stands until a later probe answers. */
interface Model {
  status: HealthStatus;
  successes: number;
  failures: number;
  /** The last probe was silent: its timeout is judged when the next probe is due. */
  pendingTimeout: boolean;
  /** A timeout changed the verdict as the next probe left: that probe does not count. */
  skipNext: boolean;
  readonly threshold: number;
}

function apply(model: Model, success: boolean): boolean {
  if (model.skipNext) {
    model.skipNext = false;
    return false;
  }
  model.successes = success ? model.successes + 1 : 0;
  model.failures = success ? 0 : model.failures + 1;
  const before = model.status;
  if (success && (before === 'unknown' || (before === 'down' && model.successes >= model.threshold)))
    model.status = 'up';
  if (!success && before !== 'down' && model.failures >= model.threshold) model.status = 'down';
  return model.status !== before;
}

interface Real {
  readonly world: ReturnType<typeof world>;
  probes: number;
}

class Interval implements fc.Command<Model, Real> {
  constructor(readonly behaviour: Behaviour) {}
  check = () => true;
  run(model: Model, real: Real): void {
    // The timeout of the last probe is judged as this one leaves, before its answer.
    if (model.pendingTimeout) {
      model.pendingTimeout = false;
      if (apply(model, false)) model.skipNext = true;
    }
    real.world.set(this.behaviour);
    real.probes += 1;
    // Probe k leaves within the first half second of interval k; its answer comes well before 0.9.
    real.world.kernel.runUntil(real.probes * intervalNs - intervalNs / 10);
    if (this.behaviour === 'silent') model.pendingTimeout = true;
    else apply(model, this.behaviour === 'answer');
    expect(real.world.status()).toBe(model.status);
  }
  toString = () => this.behaviour;
}

describe('return to rotation: probeThreshold both ways, every protocol', () => {
  it('a real prober agrees with the counting model over random guest behaviour (fast-check commands)', {
    timeout: propertyTimeoutMs(),
  }, () => {
    const kinds: Record<Protocol, readonly Behaviour[]> = {
      Tcp: ['answer', 'refuse', 'silent'],
      Http: ['answer', 'refuse', 'error', 'silent'],
      Https: ['answer', 'refuse', 'error', 'silent'],
      // The guest agent answers 200 while its role instance is Ready, and not while it is Busy.
      GuestAgent: ['answer', 'busy'],
    };
    const behaviours = (protocol: Protocol) => kinds[protocol].map((behaviour) => fc.constant(new Interval(behaviour)));
    const cases = fc
      .constantFrom<Protocol>('Tcp', 'Http', 'Https', 'GuestAgent')
      .chain((protocol) =>
        fc.tuple(
          fc.constant(protocol),
          fc.integer({ min: 1, max: 4 }),
          fc.commands(behaviours(protocol), { maxCommands: 30 }),
        ),
      );
    fc.assert(
      fc.property(cases, ([protocol, threshold, commands]) => {
        const model: Model = {
          status: 'unknown',
          successes: 0,
          failures: 0,
          pendingTimeout: false,
          skipNext: false,
          threshold,
        };
        fc.modelRun(() => ({ model, real: { world: world(protocol, threshold), probes: 0 } }), commands);
      }),
    );
  });
});
