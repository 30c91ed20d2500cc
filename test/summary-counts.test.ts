/**
 * The summary counts what happened, for every catalogue scenario (scale runs aside) and every
 * scenario the docs show: `lbsim run`'s text summary and `--json`'s `traffic` lines count
 * exactly the `connection` lines (docs/json-output.md), and each connection's `servedBy` and
 * `refusedBy` are what the guests behind its DIPs sent, as the trace at the VMs shows it —
 * not the DIPs a Mux picked.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runScenario } from '@lbsim/scenario';
import { main } from '@lbsim/sim-cli';
import { describe, expect, it } from 'vitest';
import { catalogueFile, catalogueScenarios, docsScenarioExamples, loadScenario } from './support.ts';

type Counts = Record<string, number>;

interface ConnectionLine {
  readonly connectionId: number;
  readonly traffic: number;
  readonly outcome: string;
  readonly localPort: number | null;
  readonly dips: readonly string[];
  readonly servedBy: readonly string[];
  readonly refusedBy: readonly string[];
  readonly muxes: readonly string[];
}

interface TrafficLine {
  readonly traffic: number;
  readonly name: string;
  readonly from: string;
  readonly to: string;
  readonly started: number;
  readonly outcomes: Counts;
  readonly dips: Counts;
  readonly dipsRefused: Counts;
  readonly dipsUnanswered: Counts;
  readonly muxes: Counts;
}

interface TracePacket {
  readonly src: string;
  readonly protocol: string;
  readonly fragmentOffsetBytes: number;
  readonly fragment?: { readonly payloadBytes: number };
  readonly tcp?: { readonly srcPort: number; readonly flags: readonly string[] };
  readonly udp?: { readonly srcPort: number };
  readonly icmp?: { readonly type: number; readonly code: number; readonly quote?: { readonly dstPort: number } };
}

interface TraceLine {
  readonly node: string;
  readonly event: string;
  readonly connectionId: number;
  readonly packet: TracePacket;
}

async function lbsim(argv: string[]): Promise<{ code: number; stdout: string }> {
  let stdout = '';
  const code = await main(argv, { stdout: (text) => (stdout += text), stderr: () => {}, stderrIsTty: false });
  return { code, stdout };
}

function tally(keys: readonly string[]): Counts {
  const counts: Counts = {};
  for (const key of keys) counts[key] = (counts[key] ?? 0) + 1;
  return counts;
}

/**
 * What a packet a VM sent says of the connection, read from the JSON trace: `accept` (a SYN-ACK
 * or a UDP datagram), `refuse` (an RST, an ICMP port or protocol unreachable), with the port of
 * the socket it came from; `undefined` for anything else.
 */
function answerOf(packet: TracePacket): { kind: 'accept' | 'refuse'; port: number } | undefined {
  if (packet.tcp !== undefined) {
    const flags = packet.tcp.flags;
    if (flags.includes('RST')) return { kind: 'refuse', port: packet.tcp.srcPort };
    return flags.includes('SYN') && flags.includes('ACK') ? { kind: 'accept', port: packet.tcp.srcPort } : undefined;
  }
  if (packet.udp !== undefined) return { kind: 'accept', port: packet.udp.srcPort };
  // A UDP reply too big for the guest's link leaves as fragments; the first one starts it. The
  // JSON trace gives a fragment no ports, so its socket is unknown (-1).
  if (packet.fragment !== undefined && packet.protocol === 'UDP' && packet.fragmentOffsetBytes === 0)
    return { kind: 'accept', port: -1 };
  const icmp = packet.icmp;
  if (icmp?.type === 3 && (icmp.code === 2 || icmp.code === 3) && icmp.quote !== undefined)
    return { kind: 'refuse', port: icmp.quote.dstPort };
  return undefined;
}

/** Per traffic item in the text summary: its `started` count, outcome counts and DIP lines. */
function textTraffic(stdout: string): Map<string, { started: number; outcomes: Counts; lines: Map<string, Counts> }> {
  const items = new Map<string, { started: number; outcomes: Counts; lines: Map<string, Counts> }>();
  const section = stdout.slice(stdout.indexOf('\nTraffic\n'), stdout.indexOf('\nMuxes\n'));
  let current: { started: number; outcomes: Counts; lines: Map<string, Counts> } | undefined;
  for (const line of section.split('\n')) {
    const header = /^ {2}(\S+): .* (\d+) connections?/.exec(line);
    if (header !== null) {
      current = { started: Number(header[2]), outcomes: {}, lines: new Map() };
      items.set(header[1] as string, current);
      continue;
    }
    const outcome = /^ {4}([a-z-]+) +(\d+) +[\d.]+%$/.exec(line);
    if (outcome !== null && current !== undefined) current.outcomes[outcome[1] as string] = Number(outcome[2]);
    const listed = /^ {4}(DIPs served|DIPs refused|DIPs unanswered|Muxes): +(.*)$/.exec(line);
    if (listed !== null && current !== undefined) {
      const counts: Counts = {};
      for (const [, key, count] of (listed[2] as string).matchAll(/([\w.-]+)(?: \([\w.-]+\))? ×(\d+)/g))
        counts[key as string] = Number(count);
      current.lines.set(listed[1] as string, counts);
    }
  }
  return items;
}

/** Runs `file` both ways and checks the summary's counts against the connections and the guests. */
async function checkCounts(file: string): Promise<void> {
  const scenario = loadScenario(file);
  const vms = scenario.hosts.flatMap((host) => host.vms.map((vm) => vm.name));
  // Only what the guests did: the trace at the VMs, no probe packets.
  const json = await lbsim(['run', file, '--json', '--no-probes', ...vms.flatMap((vm) => ['--at', vm])]);
  const text = await lbsim(['run', file]);
  expect(json.code).toBe(text.code);

  const lines = json.stdout
    .trimEnd()
    .split('\n')
    .map((line) => JSON.parse(line) as Record<string, unknown>);
  const ofType = <T>(type: string) => lines.filter((line) => line['type'] === type) as unknown as T[];
  const connections = ofType<ConnectionLine>('connection');
  const traffic = ofType<TrafficLine>('traffic');
  const [summary] = ofType<{ dipNames: Record<string, string> }>('summary');
  const dipNames = summary?.dipNames ?? {};

  // What each VM sent for each connection.
  const sent = new Map<string, TracePacket[]>();
  for (const line of ofType<TraceLine>('trace')) {
    if (line.event !== 'send' || line.connectionId === 0) continue;
    const key = `${line.connectionId}|${line.node}`;
    sent.set(key, [...(sent.get(key) ?? []), line.packet]);
  }

  for (const connection of connections) {
    const item = traffic[connection.traffic] as TrafficLine;
    const where = `connection ${connection.connectionId} of ${item.name}`;
    for (const dip of connection.dips) {
      const owner = dipNames[dip] ?? '';
      const answers = (sent.get(`${connection.connectionId}|${owner}`) ?? [])
        // From the DIP, or from the frontend with floating IP: a datagram the guest reassembled
        // is traced as sent from its remote source, and is no answer.
        .filter((packet) => packet.src === dip || packet.src === item.to.split(':')[0])
        .flatMap((packet) => answerOf(packet) ?? [])
        .filter((answer) => owner !== item.from || answer.port !== connection.localPort);
      const accepted = answers.some((answer) => answer.kind === 'accept');
      expect(connection.servedBy.includes(dip), `${where}: did ${owner} (${dip}) accept it?`).toBe(accepted);
      expect(connection.refusedBy.includes(dip), `${where}: did ${owner} (${dip}) refuse it?`).toBe(
        !accepted && answers.length > 0,
      );
    }
    for (const dip of [...connection.servedBy, ...connection.refusedBy]) expect(connection.dips).toContain(dip);
  }

  const shown = textTraffic(text.stdout);
  for (const item of traffic) {
    const mine = connections.filter((connection) => connection.traffic === item.traffic);
    const unanswered = mine.flatMap((c) => c.dips.filter((d) => !c.servedBy.includes(d) && !c.refusedBy.includes(d)));
    const counted = {
      started: mine.length,
      outcomes: tally(mine.map((c) => c.outcome)),
      dips: tally(mine.flatMap((c) => c.servedBy)),
      dipsRefused: tally(mine.flatMap((c) => c.refusedBy)),
      dipsUnanswered: tally(unanswered),
      muxes: tally(mine.flatMap((c) => c.muxes)),
    };
    const { started, outcomes, dips, dipsRefused, dipsUnanswered, muxes } = item;
    expect({ started, outcomes, dips, dipsRefused, dipsUnanswered, muxes }, `--json traffic ${item.name}`).toEqual(
      counted,
    );

    const printed = shown.get(item.name);
    expect(printed, `the text summary shows ${item.name}`).toBeDefined();
    const anyDip = mine.some((c) => c.dips.length > 0);
    const orEmpty = (counts: Counts, label: string) =>
      Object.keys(counts).length === 0 && label !== 'DIPs served' ? undefined : counts;
    expect(
      {
        started: printed?.started,
        outcomes: printed?.outcomes,
        served: printed?.lines.get('DIPs served'),
        refused: printed?.lines.get('DIPs refused'),
        unanswered: printed?.lines.get('DIPs unanswered'),
        muxes: printed?.lines.get('Muxes'),
      },
      `the text summary of ${item.name}`,
    ).toEqual({
      started: counted.started,
      outcomes: counted.outcomes,
      served: anyDip ? counted.dips : undefined,
      refused: anyDip ? orEmpty(counted.dipsRefused, 'DIPs refused') : undefined,
      unanswered: anyDip ? orEmpty(counted.dipsUnanswered, 'DIPs unanswered') : undefined,
      muxes: Object.keys(counted.muxes).length === 0 ? undefined : counted.muxes,
    });
  }
}

describe("the summary's counts are what the guests did", () => {
  for (const name of catalogueScenarios()) {
    it(`scenarios/${name}.yaml`, async () => {
      await checkCounts(catalogueFile(name));
    });
  }

  for (const example of docsScenarioExamples()) {
    it(`${example.doc} example ${example.index}`, async () => {
      const file = join(mkdtempSync(join(tmpdir(), 'lbsim-counts-')), 'example.yaml');
      writeFileSync(file, example.text);
      await checkCounts(file);
    });
  }
});

describe('DIPs the Muxes reached', () => {
  it('through outer fragments (an encapsulated packet too big for the link) are counted, and served', () => {
    const result = runScenario(loadScenario(catalogueFile('udp-fragmentation/what-if-three-tuple')));
    for (const item of result.traffic) {
      const mine = result.connections.filter((c) => c.traffic === item.index);
      expect(
        mine.every((c) => c.outcome === 'answered' && c.servedBy.length === 1),
        item.name,
      ).toBe(true);
      expect(
        item.dips.reduce((sum, [, count]) => sum + count, 0),
        item.name,
      ).toBe(mine.length);
    }
  });
});
