/**
 * The end-to-end workload of issue 11: `connections` TCP connections from `clients` Internet
 * clients through `muxes` Muxes to `dips` DIPs. Each connection is an echo exchange of 10
 * requests of 100 bytes: the handshake, 10 data segments each way, and the close. The same
 * generator writes the million-connection scale scenario (scenarios/scale/).
 *
 * Generated as scenario text (not built by hand) so the benchmark runs exactly the code path
 * `lbsim run` does, from loading to the summary.
 */
export interface EndToEndSize {
  readonly connections: number;
  readonly clients: number;
  readonly muxes: number;
  readonly dips: number;
}

/** How each client's connections look and how often they start. */
export interface EndToEndShape {
  /** `echo-10`: 10 echo requests of 100 bytes; `http-get`: one HTTP GET of /. */
  readonly exchange: 'echo-10' | 'http-get';
  /** Time between a client's connections, ms. */
  readonly everyMs: number;
  readonly name: string;
}

/** The benchmark's shape: echo exchanges, each client opening one every 10 ms. */
export const benchShape: EndToEndShape = { exchange: 'echo-10', everyMs: 10, name: 'bench-end-to-end' };

/** The size issue 11 names: 10,000 connections, 1,000 clients, 8 Muxes, 100 DIPs. */
export const issueSize: EndToEndSize = { connections: 10_000, clients: 1_000, muxes: 8, dips: 100 };

/** DIPs per host: 4, as on a small Azure host. */
const vmsPerHost = 4;

/** Scenario YAML for a size; connections are spread evenly over the clients. */
export function endToEndScenarioText(size: EndToEndSize, shape: EndToEndShape = benchShape, seed = 11): string {
  if (size.connections % size.clients !== 0) throw new RangeError('connections must be a multiple of clients');
  const perClient = size.connections / size.clients;
  const app = shape.exchange === 'echo-10' ? 'echo' : 'http';
  const exchange = shape.exchange === 'echo-10' ? 'app: echo, requests: 10, requestBytes: 100' : 'app: http';
  // Clients start 1 ms apart (wrapping at 1 s) and then open a connection every `everyMs`;
  // the run lasts until the last connection has had 9 s to finish.
  const durationS = Math.ceil(1 + 1 + ((perClient - 1) * shape.everyMs) / 1000 + 9);
  const hosts: string[] = [];
  const members: string[] = [];
  for (let h = 0; h * vmsPerHost < size.dips; h++) {
    hosts.push(`  - name: host-${h + 1}\n    vms:`);
    for (let v = h * vmsPerHost; v < Math.min(size.dips, (h + 1) * vmsPerHost); v++) {
      const name = `web-${v + 1}`;
      members.push(name);
      hosts.push(
        `      - { name: ${name}, nics: [{ ip: ${addressAt('10.1.0.0', v + 4)}, networkSecurityGroup: web-nsg }], listeners: [{ port: 80, app: ${app} }] }`,
      );
    }
  }
  const clients: string[] = [];
  const traffic: string[] = [];
  for (let c = 0; c < size.clients; c++) {
    clients.push(`  - { name: client-${c + 1}, ip: ${addressAt('198.18.0.0', c + 1)} }`);
    traffic.push(
      `  - { from: client-${c + 1}, to: '52.170.10.20:80', ${exchange}, connections: ${perClient}, startAt: ${1000 + (c % 1000)}ms, every: ${shape.everyMs}ms }`,
    );
  }
  return `name: ${shape.name}
description: ${size.connections} TCP connections (${shape.exchange}), ${size.clients} clients, ${size.muxes} Muxes, ${size.dips} DIPs
seed: ${seed}
duration: ${durationS}s
network: { muxes: ${size.muxes} }
hosts:
${hosts.join('\n')}
clients:
${clients.join('\n')}
loadBalancers:
  - name: lb
    type: public
    frontends: [{ name: fe, ip: 52.170.10.20 }]
    backendPools: [{ name: web, members: [${members.join(', ')}] }]
    rules:
      - { name: echo, frontend: fe, backendPool: web, protocol: Tcp, frontendPort: 80, backendPort: 80 }
traffic:
${traffic.join('\n')}
networkSecurityGroups:
  - name: web-nsg
    securityRules:
      - { name: allow-echo, priority: 100, direction: Inbound, access: Allow, protocol: Tcp, sourceAddressPrefix: Internet, destinationPortRange: 80 }
`;
}

/** `base` plus `offset`, as dotted quad. */
function addressAt(base: string, offset: number): string {
  const value = base.split('.').reduce((acc, part) => acc * 256 + Number(part), 0) + offset;
  return [24, 16, 8, 0].map((shift) => Math.floor(value / 2 ** shift) % 256).join('.');
}
