/**
 * The probe engine of one Host Agent: it probes the Host Agent's own DIPs (docs/mechanics.md §1.4,
 * [ANANTA §3.4.3]: health monitoring is done by the Host Agent for its local VMs, not by the
 * Muxes), from 168.63.129.16, through an endpoint stack of its own — so probes cross the Host
 * Agent's NSG and the guest like any other packet, and whatever breaks traffic can break them.
 *
 * Each (DIP, probe) is probed every interval. The first probes are spread over the first
 * half second by a hash of the DIP and probe name — deterministic, and not all at t = 0. Each
 * probe is one attempt: a TCP probe whose SYN goes unanswered fails when the next is due.
 *
 * A TCP probe's conversation is the one Azure's support checklist shows in a capture of the VM:
 * SYN, SYN-ACK, ACK (the probe passes), then the prober holds the connection and sends its FIN
 * (with an ACK) only when the next probe is due. What follows is the guest's: a Windows guest
 * ACKs the FIN and resets the connection, a Linux guest answers with a FIN of its own
 * (`TcpConfig.resetOnIdlePeerClose`, docs/mechanics.md §2.3).
 */
import {
  type Endpoint,
  formatHttpRequest,
  formatIpv4Address,
  HttpResponseReader,
  hashString,
  type Kernel,
  type ScheduledEvent,
  type TcpConnection,
} from '@lbsim/core';
import {
  type HealthChange,
  type HealthState,
  initialHealthState,
  nextHealth,
  type ProbeResult,
} from './health-state.ts';
import {
  type ProbeDefinition,
  probeSourceAddress,
  probeTimeoutNs,
  type RoleInstanceState,
} from './probe-definition.ts';

/** A DIP to probe with a probe. */
export interface ProbeTarget {
  readonly dip: number;
  /** The VM that owns the DIP, for notes. */
  readonly vm: string;
  readonly probe: ProbeDefinition;
}

/** A status change reported by the engine. */
export interface ProbeEvent {
  readonly atNs: number;
  readonly target: ProbeTarget;
  readonly change: HealthChange;
}

/** Options of a {@link ProbeEngine}. */
export interface ProbeEngineOptions {
  readonly kernel: Kernel;
  /** The prober's network stack; its packets must come from 168.63.129.16. */
  readonly endpoint: Endpoint;
  /** Called on every status change (the Host Agent reports it to the manager). */
  readonly onChange: (event: ProbeEvent) => void;
  /**
   * The state the guest agent of a target's role instance reports (guest agent probes only;
   * Ready when absent). The report travels from the guest agent to the host through the
   * WireServer; lbsim models its content, not its packets.
   */
  readonly roleStateOf?: (target: ProbeTarget) => RoleInstanceState;
  /** Called with every probe's result, for tests and counters. */
  readonly onResult?: (target: ProbeTarget, result: ProbeResult, atNs: number) => void;
}

/**
 * First probes happen within this time of a target being added, ns: soon enough that a DIP is
 * up before traffic that starts at 1 s (the traffic default), spread so not all at once.
 */
export const firstProbeSpreadNs = 500_000_000;

interface Running {
  readonly target: ProbeTarget;
  state: HealthState;
  timer: ScheduledEvent | undefined;
  paused: boolean;
  /** The last TCP probe's connection, held open until the next probe is due. */
  held: TcpConnection | undefined;
}

function targetKey(target: ProbeTarget): string {
  return `${target.probe.name}|${target.dip}`;
}

/** Probes one Host Agent's DIPs. */
export class ProbeEngine {
  private readonly running = new Map<string, Running>();

  constructor(private readonly options: ProbeEngineOptions) {}

  /** Starts probing `target`; its first probe comes within {@link firstProbeSpreadNs}. */
  add(target: ProbeTarget): void {
    const key = targetKey(target);
    if (this.running.has(key)) return;
    const entry: Running = { target, state: initialHealthState, timer: undefined, paused: false, held: undefined };
    this.running.set(key, entry);
    const spread = hashString(key, 0x70726f62) % Math.min(firstProbeSpreadNs, target.probe.intervalNs);
    this.schedule(entry, this.options.kernel.nowNs + spread);
  }

  /**
   * Probes exactly `targets` from now on: new ones start (first probe within
   * {@link firstProbeSpreadNs}), ones no longer listed stop without a report — a DIP that left
   * its backend pool has no health to speak of.
   */
  sync(targets: readonly ProbeTarget[]): void {
    const wanted = new Map(targets.map((target) => [targetKey(target), target]));
    for (const [key, entry] of this.running) {
      if (wanted.has(key)) continue;
      if (entry.timer !== undefined) this.options.kernel.cancel(entry.timer);
      entry.paused = true;
      this.release(entry);
      this.running.delete(key);
    }
    for (const target of wanted.values()) this.add(target);
  }

  /** Every (DIP, probe) probed here, in the order they were added. */
  get targets(): readonly ProbeTarget[] {
    return [...this.running.values()].map((entry) => entry.target);
  }

  /** The state of a (DIP, probe), if it is probed here. */
  stateOf(dip: number, probeName: string): HealthState | undefined {
    return this.running.get(`${probeName}|${dip}`)?.state;
  }

  /**
   * Stops probing a DIP (its VM stopped: stopped VMs are not probed, docs/mechanics.md §2.3) and
   * marks it down at once.
   */
  pause(dip: number, why: string): void {
    for (const entry of this.running.values()) {
      if (entry.target.dip !== dip || entry.paused) continue;
      entry.paused = true;
      if (entry.timer !== undefined) this.options.kernel.cancel(entry.timer);
      entry.timer = undefined;
      // The VM is gone: its probe connection ends without a packet.
      entry.held?.forget('aborted');
      entry.held = undefined;
      const from = entry.state.status;
      entry.state = { ...initialHealthState, recentDowns: entry.state.recentDowns };
      if (from !== 'down') this.report(entry, { from, to: 'down', why });
      entry.state = { ...entry.state, status: 'down' };
    }
  }

  /** Probes a paused DIP again; like a VM that boots, its first success marks it up. */
  resume(dip: number): void {
    for (const entry of this.running.values()) {
      if (entry.target.dip !== dip || !entry.paused) continue;
      entry.paused = false;
      entry.state = { ...initialHealthState, recentDowns: entry.state.recentDowns };
      this.schedule(entry, this.options.kernel.nowNs);
    }
  }

  private schedule(entry: Running, atNs: number): void {
    entry.timer = this.options.kernel.at(atNs, () => {
      entry.timer = undefined;
      if (entry.paused) return;
      this.release(entry);
      this.probeOnce(entry);
      this.schedule(entry, this.options.kernel.nowNs + entry.target.probe.intervalNs);
    });
  }

  /** Closes the held TCP probe connection: the prober's ACK+FIN when the next probe is due. */
  private release(entry: Running): void {
    const held = entry.held;
    entry.held = undefined;
    held?.close();
  }

  private probeOnce(entry: Running): void {
    const { kernel, endpoint } = this.options;
    const { target } = entry;
    const probe = target.probe;
    const sentAtNs = kernel.nowNs;
    if (probe.protocol === 'GuestAgent') {
      const roleState = this.options.roleStateOf?.(target) ?? 'Ready';
      this.record(entry, roleState === 'Ready' ? { kind: 'success' } : { kind: 'not-ready', roleState }, sentAtNs);
      return;
    }
    let settled = false;
    let connection: TcpConnection | undefined;
    const settle = (result: ProbeResult) => {
      if (settled) return;
      settled = true;
      kernel.cancel(timeout);
      this.record(entry, result, sentAtNs);
    };
    const timeout = kernel.after(probeTimeoutNs(probe), () => {
      settle({ kind: 'timeout' });
      connection?.abort();
    });
    const reader = new HttpResponseReader();
    connection = endpoint.connect({
      localAddress: probeSourceAddress,
      remoteAddress: target.dip,
      remotePort: probe.port,
      connectionId: 0,
      handlers: {
        onEstablished: (c) => {
          if (probe.protocol === 'Tcp') {
            // A TCP probe succeeds on the SYN-ACK; the connection stays open until the next probe.
            settle({ kind: 'success' });
            entry.held = c;
            return;
          }
          c.write(formatHttpRequest(probe.requestPath, formatIpv4Address(target.dip)));
        },
        onData: (c, text, bytes) => {
          if (!reader.add(text, bytes)) return;
          settle(reader.status === 200 ? { kind: 'success' } : { kind: 'http-status', status: reader.status ?? 0 });
          c.close();
        },
        onPeerClose: (c) => c.close(),
        onClose: (c, reason) => {
          if (entry.held === c) entry.held = undefined;
          if (reason === 'refused' || reason === 'reset') settle({ kind: 'reset' });
        },
      },
    });
  }

  private record(entry: Running, result: ProbeResult, sentAtNs: number): void {
    // The answer of a probe sent before the VM stopped or the DIP left its pool counts for nothing.
    if (entry.paused) return;
    const now = this.options.kernel.nowNs;
    this.options.onResult?.(entry.target, result, now);
    const next = nextHealth(entry.state, result, now, entry.target.probe.health, sentAtNs);
    entry.state = next.state;
    if (next.change !== undefined) this.report(entry, next.change);
  }

  private report(entry: Running, change: HealthChange): void {
    this.options.onChange({ atNs: this.options.kernel.nowNs, target: entry.target, change });
  }
}
