/**
 * The UDP echo workload shaped as the ns-3 comparison of issue 20 ran it: one Internet client,
 * the edge router, one Mux, one host with one VM (a Standard load balancer: an NSG opens the port), every link 10 µs one way. The client opens
 * `flows` UDP sockets at once; each sends a datagram to the VIP, and each reply (direct server
 * return: VM → Host Agent → router → client) makes it send the next, `packets` in all. A
 * request/response crosses 8 links: client → router → Mux → router → host → VM, and
 * VM → host → router → client.
 *
 * The scenario text builds the world (so the code path is `lbsim run`'s); the flows are driven
 * from here because a scenario's UDP traffic sends one datagram per socket.
 */

/** Flows × packets of the workload; the four shapes are {@link udpEchoShapes}. */
export interface UdpEchoSize {
  readonly flows: number;
  readonly packets: number;
}

/** 10 × 10,000 … 10,000 × 10: one million datagrams each, spread over more and more sockets. */
export const udpEchoShapes: readonly UdpEchoSize[] = [
  { flows: 10, packets: 10_000 },
  { flows: 100, packets: 1_000 },
  { flows: 1_000, packets: 100 },
  { flows: 10_000, packets: 10 },
];

/** The VIP and port the client sends to. */
export const udpEchoVip = { address: '52.170.10.20', port: 7 } as const;

/** Scenario YAML of the topology; `durationS` must outlast the flows. */
export function udpEchoScenarioText(durationS: number): string {
  return `name: bench-udp-echo
description: ns-3-shaped UDP echo, 1 client, 1 Mux, 1 host, 1 VM, 10 us links
seed: 20
duration: ${durationS}s
network: { muxes: 1, latency: { internet: 10us, fabric: 10us, host: 10us } }
hosts:
  - name: host-1
    vms:
      - { name: echo-1, nics: [{ ip: 10.1.0.4, networkSecurityGroup: echo-nsg }], listeners: [{ protocol: Udp, port: ${udpEchoVip.port}, app: echo }] }
clients:
  - { name: client-1, ip: 198.18.0.1 }
loadBalancers:
  - name: lb
    type: public
    frontends: [{ name: fe, ip: ${udpEchoVip.address} }]
    backendPools: [{ name: echo, members: [echo-1] }]
    rules:
      - { name: echo, frontend: fe, backendPool: echo, protocol: Udp, frontendPort: ${udpEchoVip.port}, backendPort: ${udpEchoVip.port} }
networkSecurityGroups:
  - name: echo-nsg
    securityRules:
      - { name: allow-echo, priority: 100, direction: Inbound, access: Allow, protocol: Udp, sourceAddressPrefix: Internet, destinationPortRange: ${udpEchoVip.port} }
`;
}
