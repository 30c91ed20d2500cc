/**
 * The SNAT ports one DIP holds for one protocol, and which destinations each port is in use
 * for (docs/mechanics.md §1.4 "Port reuse", §2.8 "Port consumption and reuse", §7.4).
 *
 * A port is reused for flows to different destinations, because the translated 5-tuple stays
 * unique ([ANANTA §3.4.2], [AZ-OUT-CUR]):
 * - TCP: one flow per (destination IP, destination port) on a port — "reuse isn't possible
 *   when there already exists a connection to the same destination IP and port";
 * - UDP: port-restricted cone NAT, one port per destination IP whatever the destination
 *   port; several flows of the same VM socket to one destination IP share its port.
 *
 * Ports are tried in order of their frontend IP in the policy, then port: the next frontend
 * is used only when the ones before it have no port free for the destination (docs/mechanics.md
 * §2.8, [AZ-OUT-2022]).
 */
import { type SnatPolicy, type SnatPortRange, snatPortsPerRange, snatRangeKey } from '@lbsim/core';

/** A range the DIP holds. */
export interface HeldRange {
  readonly range: SnatPortRange;
  /** Preallocated ranges stay with the DIP; requested ones go back when idle. */
  readonly preallocated: boolean;
  /** Live flows on its ports. */
  flows: number;
  /** When its last flow ended (or it was granted), ns. */
  idleSinceNs: number;
}

/** Who uses a port for one destination: the VM socket's port and how many flows. */
interface DestinationUse {
  readonly ownerPort: number;
  flows: number;
}

/** One port of a held range. */
interface PortUse {
  readonly vip: number;
  readonly port: number;
  readonly held: HeldRange;
  readonly frontendIndex: number;
  readonly destinations: Map<string, DestinationUse>;
  flows: number;
}

/** A port chosen for a new flow. */
export interface SnatPortChoice {
  readonly vip: number;
  readonly port: number;
}

function portKey(vip: number, port: number): string {
  return `${vip}|${port}`;
}

/**
 * The key a port is reserved under for a destination: (IP, port) for TCP, IP for UDP.
 * @param protocol 6 (TCP) or 17 (UDP)
 */
export function snatDestinationKey(protocol: number, remote: number, remotePort: number): string {
  return protocol === 17 ? `${remote}` : `${remote}|${remotePort}`;
}

/** The ports of one (DIP, protocol). */
export class SnatPortLedger {
  private readonly held = new Map<string, HeldRange>();
  private readonly ports = new Map<string, PortUse>();
  /** Ports in the order they are tried. */
  private order: PortUse[] = [];
  private used = 0;
  private live = 0;

  constructor(private policy: SnatPolicy) {}

  /** The policy the ports are held under. */
  get currentPolicy(): SnatPolicy {
    return this.policy;
  }

  /** Takes a new policy (the manager reconfigured); ports held stay. */
  setPolicy(policy: SnatPolicy): void {
    this.policy = policy;
  }

  /** Ports granted: 8 per range held. */
  get heldPorts(): number {
    return this.held.size * snatPortsPerRange;
  }

  /** Ports with at least one live flow. */
  get usedPorts(): number {
    return this.used;
  }

  /** Live flows on all ports. */
  get liveFlows(): number {
    return this.live;
  }

  /** The ranges held, in the order ports are tried. */
  ranges(): HeldRange[] {
    return [...this.held.values()];
  }

  /** Whether the range with first port `firstPort` of `vip` is held. */
  holdsRange(vip: number, firstPort: number): boolean {
    return this.held.has(snatRangeKey(vip, this.policy.protocol, firstPort));
  }

  /**
   * Adds granted ranges.
   * @returns the ranges added (those not held already)
   */
  addRanges(ranges: readonly SnatPortRange[], preallocated: boolean, nowNs: number): HeldRange[] {
    const added: HeldRange[] = [];
    for (const range of ranges) {
      const key = snatRangeKey(range.vip, range.protocol, range.firstPort);
      if (this.held.has(key)) continue;
      const held: HeldRange = { range, preallocated, flows: 0, idleSinceNs: nowNs };
      this.held.set(key, held);
      added.push(held);
      const frontendIndex = this.frontendIndexOf(range.vip);
      for (let i = 0; i < snatPortsPerRange; i++) {
        const port = range.firstPort + i;
        const use: PortUse = { vip: range.vip, port, held, frontendIndex, destinations: new Map(), flows: 0 };
        this.ports.set(portKey(range.vip, port), use);
        this.order.push(use);
      }
    }
    this.order.sort((a, b) => a.frontendIndex - b.frontendIndex || a.port - b.port || a.vip - b.vip);
    return added;
  }

  /**
   * Removes a range with no live flow (given back to the manager).
   * @returns whether it was removed
   */
  removeRange(range: SnatPortRange): boolean {
    const key = snatRangeKey(range.vip, range.protocol, range.firstPort);
    const held = this.held.get(key);
    if (held === undefined || held.flows > 0) return false;
    this.held.delete(key);
    for (let i = 0; i < snatPortsPerRange; i++) this.ports.delete(portKey(range.vip, range.firstPort + i));
    this.order = this.order.filter((use) => use.held !== held);
    return true;
  }

  /**
   * The first port free for `destination` ({@link snatDestinationKey}); for UDP a port the same
   * VM socket (`ownerPort`) already uses for that destination IP comes first.
   */
  choose(destination: string, ownerPort: number): SnatPortChoice | undefined {
    const cone = this.policy.protocol === 17;
    let free: PortUse | undefined;
    for (const use of this.order) {
      const existing = use.destinations.get(destination);
      if (existing === undefined) {
        if (!cone) return { vip: use.vip, port: use.port };
        free ??= use;
      } else if (cone && existing.ownerPort === ownerPort) {
        return { vip: use.vip, port: use.port };
      }
    }
    return free === undefined ? undefined : { vip: free.vip, port: free.port };
  }

  /** Records a new flow on a port chosen by {@link choose}. */
  take(choice: SnatPortChoice, destination: string, ownerPort: number): void {
    const use = this.ports.get(portKey(choice.vip, choice.port));
    if (use === undefined) return;
    const existing = use.destinations.get(destination);
    if (existing === undefined) use.destinations.set(destination, { ownerPort, flows: 1 });
    else existing.flows++;
    if (use.flows === 0) this.used++;
    use.flows++;
    use.held.flows++;
    this.live++;
  }

  /**
   * Records the end of a flow.
   * @returns its range when that was the range's last flow (it may go back when idle)
   */
  release(choice: SnatPortChoice, destination: string, nowNs: number): HeldRange | undefined {
    const use = this.ports.get(portKey(choice.vip, choice.port));
    const existing = use?.destinations.get(destination);
    if (use === undefined || existing === undefined) return undefined;
    existing.flows--;
    if (existing.flows === 0) use.destinations.delete(destination);
    use.flows--;
    if (use.flows === 0) this.used--;
    this.live--;
    use.held.flows--;
    if (use.held.flows > 0) return undefined;
    use.held.idleSinceNs = nowNs;
    return use.held;
  }

  /** Which flows use each port, for invariant checks: `vip|port` → destination keys. */
  destinationsByPort(): Map<string, string[]> {
    const result = new Map<string, string[]>();
    for (const use of this.order)
      if (use.flows > 0) result.set(portKey(use.vip, use.port), [...use.destinations.keys()]);
    return result;
  }

  private frontendIndexOf(vip: number): number {
    const index = this.policy.frontends.indexOf(vip);
    return index === -1 ? this.policy.frontends.length : index;
  }
}
