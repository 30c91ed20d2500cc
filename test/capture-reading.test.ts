/**
 * Captures that tell a Wireshark user the truth (docs/captures.md), read with tshark: times
 * that are run time in every file, no false TCP retransmissions in a Mux capture, host-internal
 * drops on a drops interface with their reason, a merged file with one interface per vantage
 * point, the connection in every comment, the run in the section header, and the tshark
 * commands the doc gives working on real captures. Skips, saying so, without tshark.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TraceEvent } from '@lbsim/core';
import { describeTopology } from '@lbsim/scenario';
import { main } from '@lbsim/sim-cli';
import { describe, expect, it } from 'vitest';
import { brokenScenarioFile, catalogueFile, loadScenario, repositoryRoot, runWithTrace } from './support.ts';
import {
  captureInfo,
  hasTshark,
  interfaceNames,
  noTsharkMessage,
  readCaptureFields,
  sectionComments,
  tsharkLines,
} from './tshark.ts';

const tshark = hasTshark();

async function writeCaptures(file: string): Promise<string> {
  const directory = join(mkdtempSync(join(tmpdir(), 'lbsim-reading-')), 'captures');
  let stderr = '';
  const code = await main(['run', file, '--pcap', directory], {
    stdout: () => {},
    stderr: (text) => (stderr += text),
    stderrIsTty: false,
  });
  expect(code, stderr).not.toBe(2);
  return directory;
}

/** Seconds with nine decimals, as tshark prints `frame.time_epoch`. */
const seconds = (atNs: number) => `${Math.floor(atNs / 1e9)}.${String(atNs % 1e9).padStart(9, '0')}`;

const basic = catalogueFile('basic-public-lb');
const nsgBlocksProbe = brokenScenarioFile('nsg-blocks-probe');

describe.skipIf(!tshark)('reading captures with tshark', async () => {
  const basicCaptures = tshark ? await writeCaptures(basic) : '';
  const topology = describeTopology(loadScenario(basic));
  const { events } = runWithTrace(loadScenario(basic));

  it('frame.time_epoch is virtual run time in every file: client and Mux agree on when a SYN crossed', () => {
    const first = (predicate: (event: TraceEvent) => boolean) => events.find(predicate) as TraceEvent;
    const sent = first((e) => e.kind === 'send' && e.meta.connectionId === 1);
    const arrived = first((e) => e.kind === 'receive' && e.meta.connectionId === 1 && e.node.startsWith('mux-'));
    const rowsOf = (node: string) =>
      readCaptureFields(join(basicCaptures, `${node}.pcapng`), ['frame.time_epoch', 'frame.comment']).filter((row) =>
        row['frame.comment']?.startsWith('[connection 1] '),
      );
    expect(rowsOf(sent.node)[0]?.['frame.time_epoch']).toBe(seconds(sent.atNs));
    expect(rowsOf(arrived.node)[0]?.['frame.time_epoch']).toBe(seconds(arrived.atNs));
    expect(arrived.atNs).toBeGreaterThan(sent.atNs);
  });

  it('no Mux capture of a clean run has a TCP retransmission', () => {
    for (const mux of topology.muxes) {
      const file = join(basicCaptures, `${mux.name}.pcapng`);
      expect(tsharkLines(['-r', file]).length).toBeGreaterThan(0);
      expect(tsharkLines(['-r', file, '-Y', 'tcp.analysis.retransmission']), mux.name).toEqual([]);
    }
  });

  it('the merged file has one interface per vantage point and one for drops, and every packet of every file', () => {
    const nodes = [
      ...topology.clients.map((c) => c.name),
      ...topology.muxes.map((m) => m.name),
      ...topology.hosts.map((h) => h.name),
      ...topology.hosts.flatMap((h) => h.vms.map((vm) => vm.name)),
    ];
    const merged = join(basicCaptures, '_all.pcapng');
    expect(interfaceNames(merged)).toEqual([...nodes, 'drops']);
    const perNode = nodes.reduce(
      (sum, node) => sum + tsharkLines(['-r', join(basicCaptures, `${node}.pcapng`)]).length,
      0,
    );
    const routerDrops = events.filter((e) => e.kind === 'drop' && e.node === topology.router).length;
    expect(tsharkLines(['-r', merged]).length).toBe(perNode + routerDrops);
    expect(captureInfo(merged).get('Strict time order')).toBe('True');
  });

  it('every packet comment starts with its connection id, which the trace agrees with', () => {
    const client = topology.clients[0]?.name as string;
    const rows = readCaptureFields(join(basicCaptures, `${client}.pcapng`), [
      'frame.comment',
      'tcp.srcport',
      'tcp.dstport',
    ]);
    expect(rows.length).toBeGreaterThan(0);
    const portOfConnection = new Map<number, number>();
    for (const event of events) {
      if (event.kind === 'send' && event.node === client && event.packet.payload.kind === 'tcp') {
        portOfConnection.set(event.meta.connectionId, event.packet.payload.srcPort);
      }
    }
    for (const row of rows) {
      const match = /^\[connection (\d+)\] /.exec(row['frame.comment'] ?? '');
      expect(match, row['frame.comment']).not.toBeNull();
      // The client's port is the source of what it sends and the destination of the replies.
      const clientPort = row['tcp.srcport'] === '80' ? row['tcp.dstport'] : row['tcp.srcport'];
      expect(clientPort, row['frame.comment']).toBe(String(portOfConnection.get(Number(match?.[1]))));
    }
  });

  it('the section header names the scenario, seed and lbsim version, and carries the run mark', () => {
    const version = (
      JSON.parse(readFileSync(join(repositoryRoot, 'packages/lbsim/package.json'), 'utf8')) as {
        version: string;
      }
    ).version;
    const seed = loadScenario(basic).seed;
    for (const file of ['_all.pcapng', 'mux-1.pcapng']) {
      const path = join(basicCaptures, file);
      expect(captureInfo(path).get('Capture application')).toBe(`lbsim ${version}`);
      const comments = sectionComments(path);
      expect(comments).toContain(`scenario ${basic}, seed ${seed}, lbsim ${version}`);
      expect(comments.some((comment) => /^lbsim-run [0-9a-f]{16}$/.test(comment))).toBe(true);
    }
  });

  it('nsg-blocks-probe: the drops interface shows the NSG dropping the probe SYNs, with the reason', async () => {
    const directory = await writeCaptures(nsgBlocksProbe);
    const host = describeTopology(loadScenario(nsgBlocksProbe)).hosts[0]?.name as string;
    const rows = readCaptureFields(join(directory, `${host}.pcapng`), [
      'frame.interface_name',
      'ip.src',
      'tcp.flags.syn',
      'tcp.flags.ack',
      'frame.comment',
    ]).filter((row) => row['frame.interface_name'] === `${host} drops`);
    expect(rows.length).toBeGreaterThan(0);
    for (const row of rows) {
      expect(row['ip.src']).toBe('168.63.129.16');
      expect([row['tcp.flags.syn'], row['tcp.flags.ack']]).toEqual(['1', '0']);
      expect(row['frame.comment']).toMatch(/^\[no connection\] DROP nsg-denied: NSG /);
    }
    const merged = readCaptureFields(join(directory, '_all.pcapng'), ['frame.interface_name', 'frame.comment']);
    expect(
      merged.filter(
        (row) => row['frame.interface_name'] === 'drops' && row['frame.comment']?.includes(`${host}: DROP nsg-denied`),
      ).length,
    ).toBe(rows.length);
  });

  it("the doc's tshark and capinfos commands run on real captures and print what it says", async () => {
    const directory = await writeCaptures(nsgBlocksProbe);
    const doc = readFileSync(join(repositoryRoot, 'docs/captures.md'), 'utf8');
    const commands = [...doc.matchAll(/^(tshark|capinfos) (.*)$/gm)].map((match) => [
      match[1] as string,
      ...splitWords(match[2] as string),
    ]);
    expect(commands.length).toBeGreaterThanOrEqual(5);
    for (const [program, ...args] of commands) {
      const real = args.map((arg) => arg.replace('out/captures', directory));
      const lines = program === 'tshark' ? tsharkLines(real) : [...captureInfo(real[0] as string).keys()];
      expect(lines.length, `${program} ${args.join(' ')}`).toBeGreaterThan(0);
    }
    // The doc's example: the client's SYN at 2.000000000 s reaches the Mux at 2.005050000 s.
    const merged = readCaptureFields(join(directory, '_all.pcapng'), ['frame.time_epoch', 'frame.interface_name']);
    expect(merged.some((row) => row['frame.time_epoch'] === '2.000000000')).toBe(true);
    expect(
      merged.some(
        (row) => row['frame.time_epoch'] === '2.005050000' && row['frame.interface_name']?.startsWith('mux-'),
      ),
    ).toBe(true);
  });
});

/** Splits a shell command line into words: spaces separate, single quotes group. */
function splitWords(line: string): string[] {
  return [...line.matchAll(/'([^']*)'|(\S+)/g)].map((match) => match[1] ?? (match[2] as string));
}

if (!tshark) {
  describe('reading captures with tshark', () => {
    it.skip(noTsharkMessage, () => {});
  });
}
