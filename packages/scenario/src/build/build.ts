/**
 * The builder: a validated scenario → a simulated world (kernel, fabric, router, Muxes, Host
 * Agents, VMs, Internet clients, manager), wired and configured, with no traffic yet. Each
 * part is built in its own file under build/.
 *
 * The folder build/ takes a valid scenario (schema/, model/) and gives a {@link World}; it
 * runs nothing. topology.ts describes the same world for drawings.
 */
import {
  ControlChannel,
  Fabric,
  hashString,
  type InternetHost,
  icmpQuoteOf,
  ipv4,
  Kernel,
  Router,
  Tracer,
} from '@lbsim/core';
import type { GuestVm, HostAgent, NetworkSecurityGroup } from '@lbsim/host-agent';
import { AnantaManager, type SnatManagerOptions } from '@lbsim/manager';
import type { Mux } from '@lbsim/mux';
import { routerName } from '../model/topology-names.ts';
import type { Scenario } from '../schema/scenario.ts';
import { buildClients } from './clients.ts';
import { compileRules } from './compile-rules.ts';
import { compileSnat } from './compile-snat.ts';
import { buildHosts, type DipOwner } from './hosts.ts';
import { muxFactory } from './mux-pool.ts';
import { PoolMembership } from './pool-membership.ts';
import { buildProbing, type Probing } from './probing.ts';

export { compileRules } from './compile-rules.ts';
export { compileSnat } from './compile-snat.ts';
export type { DipOwner } from './hosts.ts';
export { PoolMembership } from './pool-membership.ts';
export type { Probing } from './probing.ts';

/** The edge router's own address: the source of the ICMP errors it sends. */
export const routerAddress = ipv4('100.127.255.254');

/** Everything a run is made of. */
export interface World {
  readonly scenario: Scenario;
  readonly kernel: Kernel;
  readonly tracer: Tracer;
  readonly fabric: Fabric;
  readonly router: Router;
  /** Every Mux, including any added during the run. */
  readonly muxes: readonly Mux[];
  readonly hostAgents: ReadonlyMap<string, HostAgent>;
  readonly vms: ReadonlyMap<string, GuestVm>;
  readonly clients: ReadonlyMap<string, InternetHost>;
  readonly manager: AnantaManager;
  readonly channel: ControlChannel;
  /** Backend pool members as they stand. */
  readonly membership: PoolMembership;
  /** DIP (NIC address) → owner. */
  readonly dipOwners: ReadonlyMap<number, DipOwner>;
  /** The probe engines of the hosts and the verdict changes they made. */
  readonly probing: Probing;
  /** NSGs by name (events change their rules). */
  readonly securityGroups: ReadonlyMap<string, NetworkSecurityGroup>;
  /** Starts the listener declared on `vm` for (`protocol`, `port`[, `address`]); used by events too. */
  startListener(vm: string, protocol: 'Tcp' | 'Udp', port: number, address?: string): void;
  /** Stops it; established TCP connections go on. */
  stopListener(vm: string, protocol: 'Tcp' | 'Udp', port: number, address?: string): void;
  /** Stops a VM (its stack halts; packets for it are dropped, `vm-stopped`; it is not probed). */
  stopVm(vm: string): void;
  /** Starts a stopped VM with its declared listeners. */
  startVm(vm: string): void;
  /** Recompiles the rules from {@link membership} and has the manager push them. */
  reconfigure(): void;
  /** Adds a Mux to the pool; the manager gives it the VIP map, then it announces. */
  addMux(): Mux;
}

/** Options of {@link buildWorld}. */
export interface BuildOptions {
  /** Overrides the scenario's seed. */
  readonly seed?: number;
  /** Most events pending at once (see memory-budget.ts); the kernel's default when absent. */
  readonly maxPendingEvents?: number;
}

/** Builds the world of `scenario`. */
export function buildWorld(scenario: Scenario, options: BuildOptions = {}): World {
  const seed = options.seed ?? scenario.seed;
  const kernel = new Kernel({
    seed,
    ...(scenario.eventBudget === undefined ? {} : { eventBudget: scenario.eventBudget }),
    ...(options.maxPendingEvents === undefined ? {} : { maxPendingEvents: options.maxPendingEvents }),
  });
  const tracer = new Tracer();
  const fabric = new Fabric(kernel, tracer);
  const router = fabric.add(
    new Router(fabric, {
      name: routerName,
      ecmpSeed: hashString('ecmp', seed),
      bgpHoldTimeNs: scenario.network.bgpHoldTime,
      icmp: { address: routerAddress, quote: icmpQuoteOf },
    }),
  );
  const factory = muxFactory(scenario, fabric, router, seed);
  const muxes: Mux[] = [];
  for (let i = 0; i < scenario.network.muxes; i++) muxes.push(factory.create(i));
  const hosts = buildHosts(scenario, fabric, router);
  const clients = buildClients(scenario, fabric, router);
  const channel = new ControlChannel(kernel);
  const manager = new AnantaManager({
    channel,
    configLatencyNs: scenario.network.configLatency,
    healthLatencyNs: scenario.network.healthLatency,
    muxes,
    hostAgents: hosts.hostAgents,
    snat: snatOptionsOf(scenario),
  });
  // Host Agents ask the manager for SNAT ports over the same control channel.
  for (const agent of hosts.hostAgents.values()) {
    agent.attachManager((message) => channel.send(manager, message, scenario.network.configLatency));
  }
  const probing = buildProbing(scenario, fabric, hosts.hostAgents, channel, manager);
  const membership = new PoolMembership(scenario);
  const reconfigure = () => {
    const rules = compileRules(scenario, membership);
    manager.configure(rules, compileSnat(scenario, membership));
    probing.sync(rules);
  };
  reconfigure();
  const stopVm = (vm: string) => {
    hosts.stopVm(vm);
    probing.pauseVm(vm);
  };
  const startVm = (vm: string) => {
    hosts.startVm(vm);
    probing.resumeVm(vm);
  };
  const addMux = () => {
    const mux = factory.create(muxes.length);
    muxes.push(mux);
    manager.addMux(mux);
    return mux;
  };
  return {
    scenario,
    kernel,
    tracer,
    fabric,
    router,
    muxes,
    clients,
    manager,
    channel,
    membership,
    reconfigure,
    addMux,
    probing,
    ...hosts,
    stopVm,
    startVm,
  };
}

/** The manager's SNAT settings from `network.snat`. */
function snatOptionsOf(scenario: Scenario): SnatManagerOptions {
  const snat = scenario.network.snat;
  return {
    processingNs: snat.allocationLatency,
    preallocatedPorts: snat.preallocatedPorts,
    demandWindowNs: snat.demandWindow,
    rangeReturnIdleNs: snat.portReturnIdle,
  };
}
