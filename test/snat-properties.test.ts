/**
 * Properties of outbound SNAT (issue 7; docs/testing.md#lbsims-own-suites, docs/mechanics.md §1.4, §2.8), over generated
 * scenarios — one to three VMs on one or two hosts behind an outbound rule for TCP, UDP or
 * both, small allocations (8–64 ports) on one or two frontend IPs, preallocation or none,
 * Internet servers with TCP and UDP listeners and a closed port (RSTs), many short connections
 * from each VM to a few destinations:
 *
 * 1. return traffic of every SNATed flow reaches the DIP and port that opened it: whatever a VM
 *    receives of its own connection is addressed to the address and port it sent from, and no
 *    other VM ever receives a packet of it;
 * 2. no two live flows share (VIP, SNAT port, destination IP, destination port, protocol), on
 *    any host, at any time;
 * 3. a VM never holds more ports than its allocation; what a Host Agent holds the manager has
 *    granted it, and every Mux sends the return traffic of each live flow's port to its DIP.
 *
 * (2) and (3) are checked on the live state every 250 ms of virtual time; (1) on the trace.
 */
import { formatIpv4Address, type TraceEvent } from '@lbsim/core';
import {
  buildWorld,
  parseScenarioText,
  type Scenario,
  scheduleEvents,
  scheduleTraffic,
  type World,
} from '@lbsim/scenario';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { propertyTimeout, runs } from './support.ts';

interface TrafficSetup {
  readonly vm: number;
  readonly server: number;
  /** 0: HTTP on 80, 1: HTTP on 443, 2: nothing listens on 81 (RST), 3: UDP echo on 53, 4: UDP echo on 5353. */
  readonly target: number;
  readonly connections: number;
  readonly everyMs: number;
  readonly requests: number;
}

interface Setup {
  readonly vms: number;
  readonly twoHosts: boolean;
  readonly protocol: 'Tcp' | 'Udp' | 'All';
  readonly ports: number;
  readonly frontends: number;
  readonly preallocatedPorts: number;
  readonly idleMinutes: number;
  readonly enableTcpReset: boolean;
  readonly traffic: readonly TrafficSetup[];
  readonly durationS: number;
  readonly seed: number;
}

const trafficSetup: fc.Arbitrary<TrafficSetup> = fc.record({
  vm: fc.integer({ min: 0, max: 2 }),
  server: fc.integer({ min: 0, max: 1 }),
  target: fc.integer({ min: 0, max: 4 }),
  connections: fc.integer({ min: 1, max: 40 }),
  everyMs: fc.integer({ min: 20, max: 3000 }),
  requests: fc.integer({ min: 1, max: 3 }),
});

const setups: fc.Arbitrary<Setup> = fc.record({
  vms: fc.integer({ min: 1, max: 3 }),
  twoHosts: fc.boolean(),
  protocol: fc.constantFrom('Tcp', 'Udp', 'All'),
  ports: fc.constantFrom(8, 16, 24, 32, 64),
  frontends: fc.integer({ min: 1, max: 2 }),
  preallocatedPorts: fc.constantFrom(0, 8, 16),
  idleMinutes: fc.constantFrom(4, 5),
  enableTcpReset: fc.boolean(),
  traffic: fc.array(trafficSetup, { minLength: 1, maxLength: 5 }),
  durationS: fc.integer({ min: 20, max: 320 }),
  seed: fc.nat(),
});

const servers = ['203.0.113.50', '198.51.100.60'];
const targets = [
  { port: 80, protocol: 'Tcp' },
  { port: 443, protocol: 'Tcp' },
  { port: 81, protocol: 'Tcp' },
  { port: 53, protocol: 'Udp' },
  { port: 5353, protocol: 'Udp' },
] as const;

function scenarioOf(setup: Setup): Scenario {
  const vmNames = Array.from({ length: setup.vms }, (_, i) => `app-${i + 1}`);
  const vm = (name: string, i: number) => ({ name, nics: [{ ip: `10.1.0.${4 + i}` }] });
  const hosts = setup.twoHosts
    ? [
        { name: 'host-a', vms: vmNames.filter((_, i) => i % 2 === 0).map((name) => vm(name, vmNames.indexOf(name))) },
        ...(setup.vms > 1
          ? [
              {
                name: 'host-b',
                vms: vmNames.filter((_, i) => i % 2 === 1).map((name) => vm(name, vmNames.indexOf(name))),
              },
            ]
          : []),
      ]
    : [{ name: 'host-a', vms: vmNames.map(vm) }];
  const frontends = Array.from({ length: setup.frontends }, (_, i) => ({
    name: `out-${i}`,
    ip: `52.170.20.${30 + i}`,
  }));
  const scenario = {
    name: 'generated-snat',
    seed: setup.seed,
    duration: `${setup.durationS}s`,
    network: { muxes: 2, snat: { preallocatedPorts: setup.preallocatedPorts } },
    virtualNetwork: {
      name: 'vnet',
      addressSpace: ['10.1.0.0/16'],
      subnets: [{ name: 'apps', addressPrefix: '10.1.0.0/24' }],
    },
    hosts,
    clients: servers.map((ip, i) => ({
      name: `server-${i}`,
      ip,
      listeners: [
        { protocol: 'Tcp', port: 80, app: 'http' },
        { protocol: 'Tcp', port: 443, app: 'echo' },
        { protocol: 'Udp', port: 53 },
        { protocol: 'Udp', port: 5353 },
      ],
    })),
    loadBalancers: [
      {
        name: 'egress',
        frontends,
        backendPools: [{ name: 'apps', members: vmNames }],
        outboundRules: [
          {
            name: 'out',
            frontends: frontends.map((frontend) => frontend.name),
            backendPool: 'apps',
            protocol: setup.protocol,
            allocatedOutboundPorts: setup.ports,
            idleTimeoutInMinutes: setup.idleMinutes,
            enableTcpReset: setup.enableTcpReset,
          },
        ],
      },
    ],
    traffic: setup.traffic.map((item, t) => {
      const target = targets[item.target] as (typeof targets)[number];
      return {
        name: `t${t}`,
        from: vmNames[item.vm % setup.vms],
        to: `${servers[item.server]}:${target.port}`,
        protocol: target.protocol,
        app: target.port === 443 ? 'echo' : 'http',
        connections: item.connections,
        startAt: `${100 + t * 37}ms`,
        every: `${item.everyMs}ms`,
        ...(target.protocol === 'Tcp' ? { requests: item.requests } : {}),
        timeout: '2s',
      };
    }),
  };
  const loaded = parseScenarioText(JSON.stringify(scenario), 'generated.json');
  if (!loaded.ok) throw new Error(loaded.errors.map((e) => `${e.path}: ${e.message}`).join('\n'));
  return loaded.scenario;
}

/** Properties 2 and 3 on the live state of `world`. */
function checkInvariants(world: World): void {
  const granted = new Map<string, number>();
  for (const { range, dip } of world.manager.snat.owners()) {
    granted.set(`${range.vip}|${range.protocol}|${range.firstPort}`, dip);
  }
  const translated = new Set<string>();
  for (const agent of world.hostAgents.values()) {
    for (const holding of agent.snat.holdings()) {
      const at = `${formatIpv4Address(holding.policy.dip)} at ${world.kernel.nowNs} ns`;
      expect(holding.heldPorts, `ports held by ${at}`).toBeLessThanOrEqual(holding.policy.portLimit);
      for (const range of holding.ranges) {
        expect(granted.get(`${range.vip}|${range.protocol}|${range.firstPort}`), `range of ${at}`).toBe(
          holding.policy.dip,
        );
      }
    }
    for (const flow of agent.snat.liveFlows()) {
      const key = `${flow.protocol}|${flow.vip}|${flow.snatPort}|${flow.remote}|${flow.remotePort}`;
      expect(translated.has(key), `two live flows on ${key}`).toBe(false);
      translated.add(key);
      for (const mux of world.muxes) {
        expect(mux.snatOwnerOf(flow.vip, flow.protocol, flow.snatPort), `${mux.name} entry for ${key}`).toBe(flow.dip);
      }
    }
  }
}

/** Property 1 on the trace: what reaches a VM of its own connections is for its address and port. */
function checkReturnTraffic(world: World, events: readonly TraceEvent[]): void {
  const origin = new Map<number, { readonly node: string; readonly address: number; readonly port: number }>();
  const vms = new Set(world.vms.keys());
  for (const event of events) {
    const payload = event.packet.payload;
    if (event.meta.connectionId === 0 || (payload.kind !== 'tcp' && payload.kind !== 'udp')) continue;
    if (event.kind === 'send' && vms.has(event.node) && !origin.has(event.meta.connectionId)) {
      origin.set(event.meta.connectionId, { node: event.node, address: event.packet.src, port: payload.srcPort });
      continue;
    }
    if (event.kind !== 'receive' || !vms.has(event.node)) continue;
    const from = origin.get(event.meta.connectionId);
    if (from === undefined) continue;
    expect(event.node, `connection ${event.meta.connectionId} reached another VM`).toBe(from.node);
    expect([event.packet.dst, payload.dstPort]).toEqual([from.address, from.port]);
  }
}

describe('SNAT properties (fast-check)', () => {
  it('return traffic reaches its DIP and port; no shared translated tuples; allocations respected', {
    timeout: propertyTimeout,
  }, () => {
    fc.assert(
      fc.property(setups, (setup) => {
        const world = buildWorld(scenarioOf(setup));
        const events: TraceEvent[] = [];
        world.tracer.subscribe({ record: (event) => events.push(event) });
        scheduleEvents(world);
        scheduleTraffic(world);
        const stepNs = 250_000_000;
        for (let t = stepNs; t <= world.scenario.duration; t += stepNs) {
          expect(world.kernel.runUntil(t).kind).toBe('completed');
          checkInvariants(world);
        }
        checkReturnTraffic(world, events);
      }),
      { numRuns: runs(30) },
    );
  });
});
