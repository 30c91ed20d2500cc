/**
 * The TCP probe on the wire (issue 15, item 3): a capture on the VM of a 5 s TCP probe shows
 * the sequence of Azure support's checklist (docs/mechanics.md §2.3) — from 168.63.129.16 a SYN,
 * the VM's SYN-ACK, the prober's ACK; the prober holds the connection and sends ACK+FIN only
 * when the next probe is due; a Windows guest ACKs that FIN and resets the connection (ACK+RST,
 * window 0), a Linux guest answers with a FIN of its own. The VM's vantage point is what its
 * pcapng file holds: the packets it sends and the packets delivered to it.
 */
import { ipv4, TcpFlags, type TraceEvent } from '@lbsim/core';
import { parseScenarioText } from '@lbsim/scenario';
import { describe, expect, it } from 'vitest';
import { runWithTrace } from './support.ts';

const scenarioFor = (os: 'linux' | 'windows') => `name: probe-capture-${os}
duration: 12s
hosts:
  - name: host-a
    vms:
      - name: web-1
        os: ${os}
        nics: [{ ip: 10.1.0.4, networkSecurityGroup: nsg }]
        listeners: [{ port: 80 }]
networkSecurityGroups:
  - name: nsg
    securityRules:
      - { name: allow-http, priority: 100, direction: Inbound, access: Allow, protocol: Tcp, destinationPortRange: 80 }
loadBalancers:
  - name: lb
    frontends: [{ name: fe, ip: 52.170.10.20 }]
    backendPools: [{ name: web, members: [web-1] }]
    probes: [{ name: tcp80, protocol: Tcp, port: 80, intervalInSeconds: 5 }]
    rules:
      - { name: http, frontend: fe, backendPool: web, probe: tcp80, protocol: Tcp, frontendPort: 80, backendPort: 80 }
`;

const probeSource = ipv4('168.63.129.16');

/** One packet of the VM's capture, as the checklist's table has it. */
interface Row {
  readonly atNs: number;
  readonly from: 'prober' | 'vm';
  readonly flags: string;
  readonly window: number;
}

function flagNames(flags: number): string {
  const names: string[] = [];
  if ((flags & TcpFlags.Ack) !== 0) names.push('ACK');
  if ((flags & TcpFlags.Syn) !== 0) names.push('SYN');
  if ((flags & TcpFlags.Fin) !== 0) names.push('FIN');
  if ((flags & TcpFlags.Rst) !== 0) names.push('RST');
  return names.join('+');
}

/** The VM-side capture of the first probe connection: packets the VM sends and is delivered. */
function firstProbeConversation(os: 'linux' | 'windows'): Row[] {
  const loaded = parseScenarioText(scenarioFor(os), 'probe-capture.yaml');
  if (!loaded.ok) throw new Error(loaded.errors.map((error) => error.message).join('\n'));
  const { events } = runWithTrace(loaded.scenario);
  const atVm = events.filter(
    (event: TraceEvent) =>
      event.node === 'web-1' &&
      (event.kind === 'send' || event.kind === 'deliver') &&
      event.packet.payload.kind === 'tcp' &&
      (event.packet.src === probeSource || event.packet.dst === probeSource),
  );
  const first = atVm[0];
  if (first === undefined || first.packet.payload.kind !== 'tcp') return [];
  const port = first.packet.payload.srcPort;
  return atVm
    .filter((event) => {
      const tcp = event.packet.payload;
      return tcp.kind === 'tcp' && (event.packet.src === probeSource ? tcp.srcPort : tcp.dstPort) === port;
    })
    .map((event) => {
      const tcp = event.packet.payload;
      if (tcp.kind !== 'tcp') throw new Error('not TCP');
      return {
        atNs: event.atNs,
        from: event.packet.src === probeSource ? 'prober' : 'vm',
        flags: flagNames(tcp.flags),
        window: tcp.window,
      };
    });
}

describe('a TCP probe as the VM captures it', () => {
  it('Windows: SYN, SYN-ACK, ACK; ACK+FIN when the next probe is due; the VM ACKs and resets with window 0', () => {
    const rows = firstProbeConversation('windows');
    expect(rows.map((row) => `${row.from} ${row.flags}`)).toEqual([
      'prober SYN',
      'vm ACK+SYN',
      'prober ACK',
      'prober ACK+FIN',
      'vm ACK',
      'vm ACK+RST',
    ]);
    const [syn, , , fin, , reset] = rows as [Row, Row, Row, Row, Row, Row];
    // The prober holds the connection for one interval: its FIN leaves as the next probe does.
    expect(fin.atNs - syn.atNs).toBe(5_000_000_000);
    expect(reset.window).toBe(0);
  });

  it('Linux: the same opening, then the VM answers the FIN with a FIN of its own', () => {
    const rows = firstProbeConversation('linux');
    expect(rows.map((row) => `${row.from} ${row.flags}`)).toEqual([
      'prober SYN',
      'vm ACK+SYN',
      'prober ACK',
      'prober ACK+FIN',
      'vm ACK+FIN',
      'prober ACK',
    ]);
  });
});
