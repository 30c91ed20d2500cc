/**
 * Properties of the host side (issue 5), over generated scenarios — public or internal load
 * balancers, floating IP on or off with or without the frontend on loopback, any distribution
 * mode and ports, a second NIC with or without its route, NSG denials, VMs stopped and started,
 * backends calling their own frontend:
 *
 * 1. for every inbound connection, every packet the client receives has exactly the reverse of
 *    its request's tuple (the VIP and frontend port as source);
 * 2. a guest sees its own DIP as destination with floating IP off, the VIP with it on, and the
 *    backend port either way;
 * 3. every packet a guest sends is delivered, or dropped with a reason — none vanishes.
 */
import {
  dropReasons,
  fiveTupleOf,
  flowKey,
  type Ipv4Packet,
  ipv4,
  reverseFiveTuple,
  type TraceEvent,
} from '@lbsim/core';
import { parseScenarioText, type Scenario } from '@lbsim/scenario';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { propertyTimeout, runs, runWithTrace } from './support.ts';

interface Setup {
  readonly internal: boolean;
  readonly backends: number;
  readonly frontendPort: number;
  readonly backendPort: number;
  readonly distribution: 'Default' | 'SourceIP' | 'SourceIPProtocol';
  readonly floatingIp: boolean;
  readonly loopback: boolean;
  /** web-1 has a second NIC in the pool instead of its first; with or without its route. */
  readonly secondNic: 'none' | 'unrouted' | 'routed';
  /** An NSG rule denying the client's source ports in this range. */
  readonly denySourcePorts: readonly [number, number] | undefined;
  /** web-1 stops at 2 s and starts again at this time (ms), or never stops. */
  readonly restartAtMs: number | undefined;
  readonly connections: number;
  readonly everyMs: number;
  readonly selfCalls: number;
  readonly seed: number;
}

const setups: fc.Arbitrary<Setup> = fc.record({
  internal: fc.boolean(),
  backends: fc.integer({ min: 1, max: 3 }),
  frontendPort: fc.oneof(fc.constantFrom(80, 443), fc.integer({ min: 1, max: 65535 })),
  backendPort: fc.oneof(fc.constantFrom(80, 8080), fc.integer({ min: 1, max: 65535 })),
  distribution: fc.constantFrom('Default', 'SourceIP', 'SourceIPProtocol'),
  floatingIp: fc.boolean(),
  loopback: fc.boolean(),
  secondNic: fc.constantFrom('none', 'unrouted', 'routed'),
  denySourcePorts: fc.option(
    fc
      .tuple(fc.integer({ min: 49152, max: 65535 }), fc.integer({ min: 0, max: 4000 }))
      .map(([first, width]) => [first, Math.min(65535, first + width)] as const),
    { nil: undefined },
  ),
  restartAtMs: fc.option(fc.integer({ min: 2500, max: 8000 }), { nil: undefined }),
  connections: fc.integer({ min: 1, max: 6 }),
  everyMs: fc.integer({ min: 50, max: 900 }),
  selfCalls: fc.integer({ min: 0, max: 2 }),
  seed: fc.nat(),
});

const publicVip = '52.170.10.20';
const internalVip = '10.1.0.100';

function scenarioOf(setup: Setup): Scenario {
  const vip = setup.internal ? internalVip : publicVip;
  const vms = Array.from({ length: setup.backends }, (_, i) => {
    const second = i === 0 && setup.secondNic !== 'none';
    return {
      name: `web-${i + 1}`,
      nics: [
        { name: `web-${i + 1}-nic0`, ip: `10.1.0.${4 + i}` },
        ...(second ? [{ name: 'web-1-nic1', ip: '10.1.2.4' }] : []),
      ],
      loopbacks: setup.loopback ? [vip] : [],
      routes:
        second && setup.secondNic === 'routed'
          ? [{ destination: '0.0.0.0/0', source: '10.1.2.4', nic: 'web-1-nic1' }]
          : [],
      listeners: [{ protocol: 'Tcp', port: setup.backendPort, app: 'http' }],
    };
  });
  const members = vms.map((vm, i) => (i === 0 && setup.secondNic !== 'none' ? 'web-1/web-1-nic1' : vm.name));
  const denyRule =
    setup.denySourcePorts === undefined
      ? []
      : [
          {
            name: 'deny-some-ports',
            priority: 100,
            direction: 'Inbound',
            access: 'Deny',
            protocol: 'Tcp',
            sourcePortRange: `${setup.denySourcePorts[0]}-${setup.denySourcePorts[1]}`,
          },
        ];
  const trafficStartMs = 1000;
  const scenario = {
    name: 'generated',
    seed: setup.seed,
    duration: '120s',
    network: { muxes: 3 },
    virtualNetwork: {
      name: 'vnet',
      addressSpace: ['10.1.0.0/16'],
      subnets: [
        { name: 'web', addressPrefix: '10.1.0.0/24', networkSecurityGroup: 'web-nsg' },
        { name: 'clients', addressPrefix: '10.1.1.0/24' },
        { name: 'second', addressPrefix: '10.1.2.0/24', networkSecurityGroup: 'web-nsg' },
      ],
    },
    networkSecurityGroups: [
      {
        name: 'web-nsg',
        securityRules: [
          ...denyRule,
          { name: 'allow-service', priority: 200, direction: 'Inbound', access: 'Allow', protocol: 'Tcp' },
        ],
      },
    ],
    hosts: [
      ...vms.map((vm, i) => ({ name: `host-${i + 1}`, vms: [vm] })),
      { name: 'host-client', vms: [{ name: 'client-vm', nics: [{ ip: '10.1.1.4' }] }] },
    ],
    clients: [{ name: 'internet', ip: '203.0.113.7' }],
    loadBalancers: [
      {
        name: 'lb',
        type: setup.internal ? 'internal' : 'public',
        frontends: [{ name: 'fe', ip: vip, ...(setup.internal ? { subnet: 'web' } : {}) }],
        backendPools: [{ name: 'pool', members }],
        rules: [
          {
            name: 'rule',
            frontend: 'fe',
            backendPool: 'pool',
            protocol: 'Tcp',
            frontendPort: setup.frontendPort,
            backendPort: setup.backendPort,
            loadDistribution: setup.distribution,
            enableFloatingIP: setup.floatingIp,
          },
        ],
      },
    ],
    traffic: [
      {
        name: 'inbound',
        from: setup.internal ? 'client-vm' : 'internet',
        to: `${vip}:${setup.frontendPort}`,
        connections: setup.connections,
        startAt: `${trafficStartMs}ms`,
        every: `${setup.everyMs}ms`,
      },
      ...(setup.selfCalls === 0
        ? []
        : [
            {
              name: 'self',
              from: 'web-1',
              to: `${vip}:${setup.frontendPort}`,
              connections: setup.selfCalls,
              startAt: '1500ms',
              every: '700ms',
            },
          ]),
    ],
    events:
      setup.restartAtMs === undefined
        ? []
        : [
            { at: '2s', action: 'stop-vm', vm: 'web-1' },
            { at: `${setup.restartAtMs}ms`, action: 'start-vm', vm: 'web-1' },
          ],
  };
  const loaded = parseScenarioText(JSON.stringify(scenario), 'generated.json');
  if (!loaded.ok) throw new Error(loaded.errors.map((e) => `${e.path}: ${e.message}`).join('\n'));
  return loaded.scenario;
}

const guests = new Set(['web-1', 'web-2', 'web-3', 'client-vm']);
const backends = new Set(['web-1', 'web-2', 'web-3']);
const dips: Readonly<Record<string, readonly number[]>> = {
  'web-1': [ipv4('10.1.0.4'), ipv4('10.1.2.4')],
  'web-2': [ipv4('10.1.0.5')],
  'web-3': [ipv4('10.1.0.6')],
};

function byPacket(events: readonly TraceEvent[]): Map<number, TraceEvent[]> {
  const packets = new Map<number, TraceEvent[]>();
  for (const event of events) {
    const list = packets.get(event.meta.packetId) ?? [];
    list.push(event);
    packets.set(event.meta.packetId, list);
  }
  return packets;
}

function tcpPortsOf(packet: Ipv4Packet): readonly [number, number] {
  return packet.payload.kind === 'tcp' ? [packet.payload.srcPort, packet.payload.dstPort] : [0, 0];
}

describe('host-side properties (fast-check)', () => {
  it('replies reverse the request tuple; guests see DIP or VIP; guest packets are all accounted for', {
    timeout: propertyTimeout,
  }, () => {
    fc.assert(
      fc.property(setups, (setup) => {
        const scenario = scenarioOf(setup);
        const { result, events } = runWithTrace(scenario);
        expect(result.status.kind).toBe('completed');
        const inbound = new Set(result.connections.filter((c) => c.traffic === 0).map((c) => c.id));
        const client = setup.internal ? 'client-vm' : 'internet';
        const vip = ipv4(setup.internal ? internalVip : publicVip);

        // 1. The client receives exactly the reverse of what it sent, VIP:frontendPort first.
        const requests = new Map<number, string>();
        for (const event of events) {
          if (event.node !== client || !inbound.has(event.meta.connectionId)) continue;
          const tuple = fiveTupleOf(event.packet);
          if (event.kind === 'send') {
            expect([tuple.dstAddress, tuple.dstPort]).toEqual([vip, setup.frontendPort]);
            requests.set(event.meta.connectionId, flowKey(reverseFiveTuple(tuple)));
          } else if (event.kind === 'receive') {
            expect(flowKey(tuple)).toBe(requests.get(event.meta.connectionId));
          }
        }

        // 2. What a backend's guest receives of an inbound connection is addressed to its DIP
        //    (floating IP off) or the VIP (on), at the backend port.
        for (const event of events) {
          if (event.kind !== 'receive' || !backends.has(event.node) || !inbound.has(event.meta.connectionId)) continue;
          const [, dstPort] = tcpPortsOf(event.packet);
          expect(dstPort).toBe(setup.backendPort);
          if (setup.floatingIp) expect(event.packet.dst).toBe(vip);
          else expect(dips[event.node]).toContain(event.packet.dst);
        }

        // 3. Every packet a guest sends ends delivered or dropped with a reason, exactly once.
        for (const [id, list] of byPacket(events)) {
          const first = list[0] as TraceEvent;
          if (first.kind !== 'send' || !guests.has(first.node)) continue;
          const ends = list.filter((e) => e.kind === 'deliver' || e.kind === 'drop');
          expect(ends.length, `packet ${id} from ${first.node}`).toBe(1);
          expect(list[list.length - 1]).toBe(ends[0]);
          const end = ends[0] as TraceEvent;
          if (end.kind === 'drop') expect(Object.keys(dropReasons)).toContain(end.reason);
        }
      }),
      { numRuns: runs(60) },
    );
  });
});
