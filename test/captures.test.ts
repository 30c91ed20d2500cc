/**
 * `lbsim run --pcap` captures, decoded by tshark: every checksum good, IP-in-IP decoded with
 * outer and inner addresses, fragments reassembled, and each vantage point's file holding
 * exactly the packets the trace says crossed that node's wire (once each), with the connection
 * and the decision as comment; times that are run time in every file; drops with their reason;
 * the merged file; the run in the section header; and the commands docs/captures.md gives.
 * Skips, saying so, where tshark is not installed.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { formatIpv4Address, ipv4TotalLength, type TraceEvent } from '@lbsim/core';
import { describeTopology, type Topology } from '@lbsim/scenario';
import { main } from '@lbsim/sim-cli';
import { describe, expect, it } from 'vitest';
import { brokenScenarioFile, catalogueFile, loadScenario, runWithTrace } from './support.ts';
import { captureInfo, expertErrors, hasTshark, interfaceNames, noTsharkMessage, readCaptureFields } from './tshark.ts';

const tshark = hasTshark();
if (!tshark) console.warn(noTsharkMessage);

interface ExpectedPacket {
  readonly packetId: number;
  readonly atNs: number;
  readonly connectionId: number;
  readonly time: string;
  readonly src: string;
  readonly dst: string;
  readonly length: number;
  readonly note: string;
}

const fields = [
  'frame.time_epoch',
  'frame.len',
  'frame.comment',
  'frame.interface_name',
  'frame.packet_flags_direction',
  'ip.src',
  'ip.dst',
  'ip.proto',
  'ip.checksum.status',
  'tcp.checksum.status',
  'udp.checksum.status',
  'icmp.checksum.status',
  'ip.fragment.count',
];

/** Capture time as tshark prints it: run time, seconds since the Unix epoch with nine decimals. */
function epochTime(atNs: number): string {
  return `${Math.floor(atNs / 1e9)}.${String(atNs % 1e9).padStart(9, '0')}`;
}

/** The label each packet comment starts with. */
const connectionLabel = (id: number) => (id > 0 ? `[connection ${id}]` : '[no connection]');

/**
 * What the in and out interfaces of each vantage point's capture must hold, worked out from the
 * trace without the capture code: a packet that arrives at B "from A" crossed the link A–B, so
 * it is in B's capture when it arrived and in A's when A's last event put it on the link. Host
 * Agents see only their link to the router; the router has no capture. A packet that came in
 * and went out again in the same instant is written once, as it left; one the node dropped in
 * the instant it arrived (or left) is on the drops interface instead.
 */
function expectedPackets(events: readonly TraceEvent[], topology: Topology): Map<string, ExpectedPacket[]> {
  const hosts = new Set(topology.hosts.map((host) => host.name));
  const captured = (node: string, peer: string) =>
    node !== topology.router && (!hosts.has(node) || peer === topology.router);
  const lastEvent = new Map<number, { event: TraceEvent; index: number }>();
  const rows = new Map<string, Array<ExpectedPacket & { readonly order: number }>>();
  const add = (node: string, event: TraceEvent, order: number) => {
    const list = rows.get(node) ?? [];
    list.push({
      packetId: event.meta.packetId,
      atNs: event.atNs,
      connectionId: event.meta.connectionId,
      time: epochTime(event.atNs),
      src: formatIpv4Address(event.packet.src),
      dst: formatIpv4Address(event.packet.dst),
      length: ipv4TotalLength(event.packet),
      note: event.note,
      order,
    });
    rows.set(node, list);
  };
  events.forEach((event, index) => {
    if (event.kind === 'receive') {
      // The sender is the node of the packet's previous event (notes are for people).
      const sent = lastEvent.get(event.meta.packetId);
      const from = sent?.event.node ?? '';
      if (sent !== undefined && captured(from, event.node)) add(from, sent.event, sent.index);
      if (captured(event.node, from)) add(event.node, event, index);
    }
    lastEvent.set(event.meta.packetId, { event, index });
  });
  const dropped = new Set(
    events.filter((event) => event.kind === 'drop').map((e) => `${e.node}/${e.meta.packetId}/${e.atNs}`),
  );
  return new Map(
    [...rows].map(([node, list]) => {
      const sorted = list.sort((a, b) => a.order - b.order);
      const once: ExpectedPacket[] = [];
      for (const row of sorted) {
        const previous = once.at(-1);
        // In, then out again in the same instant: one record, as it left, at the in's place.
        if (previous !== undefined && previous.packetId === row.packetId && previous.atNs === row.atNs) {
          once[once.length - 1] = { ...row, time: previous.time };
        } else {
          once.push(row);
        }
      }
      return [node, once.filter((row) => !dropped.has(`${node}/${row.packetId}/${row.atNs}`))];
    }),
  );
}

async function writeCaptures(file: string, format: 'pcapng' | 'pcap'): Promise<string> {
  const directory = join(mkdtempSync(join(tmpdir(), 'lbsim-pcap-')), 'captures');
  let stderr = '';
  const code = await main(['run', file, '--pcap', directory, '--pcap-format', format], {
    stdout: () => {},
    stderr: (text) => (stderr += text),
    stderrIsTty: false,
  });
  expect(code, stderr).not.toBe(2);
  return directory;
}

const allGood = (statuses: string) => statuses.split(',').every((status) => status === '' || status === '1');

const cases = [
  { name: 'basic-public-lb', file: catalogueFile('basic-public-lb') },
  { name: 'floating-ip-no-loopback', file: brokenScenarioFile('floating-ip-no-loopback') },
  { name: 'udp-fragmentation', file: brokenScenarioFile('udp-fragmentation') },
];

describe.skipIf(!tshark)('pcapng captures decoded by tshark', () => {
  for (const { name, file } of cases) {
    describe(name, async () => {
      const scenario = loadScenario(file);
      const topology = describeTopology(scenario);
      const { events } = runWithTrace(scenario);
      const expected = expectedPackets(events, topology);
      const directory = await writeCaptures(file, 'pcapng');
      const rowCache = new Map<string, Array<Record<string, string>>>();
      const rowsOf = (node: string) => {
        let rows = rowCache.get(node);
        if (rows === undefined) {
          rows = readCaptureFields(join(directory, `${node}.pcapng`), fields);
          rowCache.set(node, rows);
        }
        return rows;
      };
      const nodes = [
        ...topology.clients.map((c) => c.name),
        ...topology.muxes.map((m) => m.name),
        ...topology.hosts.map((h) => h.name),
        ...topology.hosts.flatMap((h) => h.vms.map((vm) => vm.name)),
      ];

      it('one pcapng per vantage point: raw IP, nanosecond timestamps, lbsim, in/out/drops interfaces', () => {
        for (const node of nodes) {
          const info = captureInfo(join(directory, `${node}.pcapng`));
          expect(info.get('File type')).toContain('pcapng');
          expect(info.get('File encapsulation')).toBe('Raw IP');
          expect(info.get('File timestamp precision')).toContain('nanoseconds (9)');
          expect(info.get('Capture application')).toMatch(/^lbsim \d+\.\d+\.\d+$/);
          const out = topology.muxes.some((mux) => mux.name === node) ? `${node} out (IP-in-IP)` : `${node} out`;
          expect(interfaceNames(join(directory, `${node}.pcapng`))).toEqual([`${node} in`, out, `${node} drops`]);
        }
      });

      it('every IPv4, TCP, UDP and ICMP checksum is good and tshark finds no errors', () => {
        for (const node of nodes) {
          const path = join(directory, `${node}.pcapng`);
          for (const row of rowsOf(node)) {
            expect(row['ip.checksum.status'], `${node}: ${JSON.stringify(row)}`).toMatch(/^1(,1)*$/);
            for (const field of ['tcp.checksum.status', 'udp.checksum.status', 'icmp.checksum.status']) {
              expect(allGood(row[field] ?? ''), `${node} ${field}: ${JSON.stringify(row)}`).toBe(true);
            }
          }
          expect(expertErrors(path)).toBe('');
        }
      });

      it('each capture holds the packets the trace puts on that wire, in order, with the decision as comment', () => {
        let total = 0;
        for (const node of nodes) {
          const rows = rowsOf(node).filter((row) => !row['frame.interface_name']?.endsWith(' drops'));
          const want = expected.get(node) ?? [];
          expect(
            rows.map((row) => row['frame.time_epoch']),
            node,
          ).toEqual(want.map((p) => p.time));
          rows.forEach((row, i) => {
            const packet = want[i] as ExpectedPacket;
            expect((row['ip.src'] ?? '').split(',')[0]).toBe(packet.src);
            expect((row['ip.dst'] ?? '').split(',')[0]).toBe(packet.dst);
            expect(Number(row['frame.len'])).toBe(packet.length);
            const label = connectionLabel(packet.connectionId);
            expect(
              row['frame.comment']?.startsWith(`${label} ${packet.note}`),
              `${node} #${i + 1}: ${row['frame.comment']}`,
            ).toBe(true);
          });
          total += rows.length;
        }
        expect(total).toBeGreaterThan(0);
      });

      it('IP-in-IP from a Mux decodes with the outer Mux → DIP and the inner packet', () => {
        const encapsulated = events.filter((event) => event.kind === 'encapsulate');
        for (const mux of topology.muxes) {
          // Whole tunnels only: an outer packet the Mux had to fragment is reassembled by tshark
          // on its last fragment and matches no single encapsulate event.
          const rows = rowsOf(mux.name).filter(
            (row) =>
              row['ip.proto']?.startsWith('4,') &&
              (row['ip.fragment.count'] ?? '') === '' &&
              !row['frame.interface_name']?.endsWith(' drops'),
          );
          const droppedHere = new Set(
            events.filter((e) => e.kind === 'drop' && e.node === mux.name).map((e) => e.meta.packetId),
          );
          const mine = encapsulated.filter((event) => event.node === mux.name && !droppedHere.has(event.meta.packetId));
          expect(rows).toHaveLength(mine.length);
          rows.forEach((row, i) => {
            const outer = (mine[i] as TraceEvent).packet;
            const inner = outer.payload.kind === 'ipv4' ? outer.payload : outer;
            expect(row['ip.src']).toBe(`${mux.address},${formatIpv4Address(inner.src)}`);
            expect(row['ip.dst']).toBe(`${formatIpv4Address(outer.dst)},${formatIpv4Address(inner.dst)}`);
            expect(row['frame.comment']).toMatch(
              new RegExp(`^\\[connection \\d+\\] ${mux.name}: .* → DIP ${formatIpv4Address(outer.dst)}`),
            );
          });
        }
      });
    });
  }

  it('udp-fragmentation: the client capture reassembles each large datagram from its fragments', async () => {
    const file = brokenScenarioFile('udp-fragmentation');
    const directory = await writeCaptures(file, 'pcapng');
    const client = describeTopology(loadScenario(file)).clients[0]?.name as string;
    const rows = readCaptureFields(join(directory, `${client}.pcapng`), fields);
    const reassembled = rows.filter((row) => Number(row['ip.fragment.count']) > 1);
    expect(reassembled.length).toBeGreaterThan(0);
    for (const row of reassembled) expect(row['udp.checksum.status']).toBe('1');
  });

  it('--pcap-format pcap writes classic nanosecond pcap with the same packets', async () => {
    const file = brokenScenarioFile('floating-ip-no-loopback');
    const pcapng = await writeCaptures(file, 'pcapng');
    const pcap = await writeCaptures(file, 'pcap');
    const node = describeTopology(loadScenario(file)).muxes[0]?.name as string;
    const info = captureInfo(join(pcap, `${node}.pcap`));
    expect(info.get('File type')).toMatch(/nanosecond pcap$/);
    expect(info.get('File encapsulation')).toBe('Raw IP');
    const strip = (rows: Array<Record<string, string>>) =>
      rows.map((row) => [row['frame.time_epoch'], row['ip.src'], row['ip.dst'], row['frame.len']]);
    // Classic pcap cannot say a packet was dropped: it holds the in and out interfaces only.
    const wire = readCaptureFields(join(pcapng, `${node}.pcapng`), fields).filter(
      (row) => !row['frame.interface_name']?.endsWith(' drops'),
    );
    expect(strip(readCaptureFields(join(pcap, `${node}.pcap`), fields))).toEqual(strip(wire));
  });
});

if (!tshark) {
  describe('pcapng captures decoded by tshark', () => {
    it.skip(noTsharkMessage, () => {});
  });
}
