/**
 * Azure Load Balancer's metrics and the NSG flow log of a run (`runScenario({ metrics: true })`,
 * `lbsim run --metrics`, `--json`; docs/metrics-and-flow-logs.md): for a probe, an NSG, a SNAT
 * and a Mux failure, the figures are those of the run, and the text view and the JSON lines
 * say the same.
 */
import { join } from 'node:path';
import {
  type LoadBalancerMetrics,
  loadScenarioFile,
  type MetricId,
  type NsgFlowLogRecord,
  type NsgFlowTuple,
  type RunResult,
  runScenario,
} from '@lbsim/scenario';
import { main } from '@lbsim/sim-cli';
import { describe, expect, it } from 'vitest';
import { repositoryRoot } from './support.ts';

function run(id: string): RunResult {
  const loaded = loadScenarioFile(join(repositoryRoot, 'scenarios', id, 'broken.yaml'));
  if (!loaded.ok) throw new Error(`${id}: ${loaded.errors.map((error) => error.message).join('; ')}`);
  return runScenario(loaded.scenario, { metrics: true });
}

function metricsOf(result: RunResult): LoadBalancerMetrics {
  if (result.metrics === undefined) throw new Error('no metrics');
  return result.metrics;
}

function seriesOf(result: RunResult, metric: MetricId, dimensions: Record<string, string> = {}) {
  return metricsOf(result).series.filter(
    (series) =>
      series.metric === metric && Object.entries(dimensions).every(([key, value]) => series.dimensions[key] === value),
  );
}

/** Every tuple of the flow log filed under `rule`, with its NIC. */
function tuplesOf(
  flowLog: readonly NsgFlowLogRecord[] | undefined,
  rule: string,
): Array<NsgFlowTuple & { nic: string }> {
  return (flowLog ?? []).flatMap((record) =>
    record.rules
      .filter((item) => item.rule === rule)
      .flatMap((item) => item.flows.flatMap((flow) => flow.tuples.map((tuple) => ({ ...tuple, nic: flow.nic })))),
  );
}

const sum = (values: ReadonlyArray<number | null>) => values.reduce<number>((total, value) => total + (value ?? 0), 0);

async function cli(...argv: string[]): Promise<string> {
  let stdout = '';
  const code = await main(argv, { stdout: (text) => (stdout += text), stderr: () => {}, stderrIsTty: false });
  expect(code).not.toBe(2);
  return stdout;
}

describe('metrics and NSG flow logs of a run', () => {
  it('probe-wrong-port: both DIPs probed down all run, so no data path and every SYN counted', () => {
    const result = run('probe-wrong-port');
    const health = seriesOf(result, 'DipAvailability');
    expect(health.map((series) => series.dimensions['BackendIPAddress'])).toEqual(['10.1.0.4', '10.1.0.5']);
    for (const series of health) expect(series.values).toEqual([0]);
    expect(seriesOf(result, 'VipAvailability')[0]?.values).toEqual([0]);
    // Every SYN the clients sent reached a Mux and was dropped there: 10 connections × 4 tries.
    const synDrops = result.connections.reduce((total, connection) => total + connection.synDrops, 0);
    expect(synDrops).toBe(40);
    expect(seriesOf(result, 'SYNCount', { Direction: 'In' })[0]?.values).toEqual([synDrops]);
    expect(seriesOf(result, 'PacketCount', { Direction: 'Out' })[0]?.values).toEqual([0]);
    expect(metricsOf(result).notDefined.map((item) => item.metric)).toEqual([
      'SnatConnectionCount',
      'AllocatedSnatPorts',
      'UsedSnatPorts',
    ]);
    // The probe's SYN to port 80 is allowed by the default rule and answered with an RST: one
    // packet each way, 56 and 40 bytes.
    const probes = tuplesOf(result.nsgFlowLog, 'DefaultRule_AllowAzureLoadBalancerInBound');
    expect(probes.length).toBeGreaterThan(0);
    for (const tuple of probes) expect(tuple).toMatchObject({ srcIp: '168.63.129.16', dstPort: 80, decision: 'A' });
    const ends = probes.filter((tuple) => tuple.flowState === 'E');
    expect(ends.length).toBe(probes.length / 2);
    for (const tuple of ends) {
      expect(tuple.counts).toEqual({ packetsSent: 1, bytesSent: 56, packetsReceived: 1, bytesReceived: 40 });
    }
  });

  it('nsg-blocks-probe: the probes denied by the custom rule are D tuples, and health drops', () => {
    const result = run('nsg-blocks-probe');
    const denied = tuplesOf(result.nsgFlowLog, 'UserRule_deny-all-inbound');
    expect(denied.length).toBe(14);
    for (const tuple of denied) {
      expect(tuple).toMatchObject({ srcIp: '168.63.129.16', direction: 'I', decision: 'D', flowState: 'B' });
      expect(tuple.counts).toBeUndefined();
    }
    for (const series of seriesOf(result, 'DipAvailability')) expect(series.values[0]).toBeLessThan(50);
  });

  it('nsg-blocks-client: one D tuple per partner connection, and the office flows begin and end', () => {
    const result = run('nsg-blocks-client');
    const denied = tuplesOf(result.nsgFlowLog, 'DefaultRule_DenyAllInBound');
    const partner = result.connections.filter((connection) => connection.traffic === 1);
    expect(denied.length).toBe(partner.length);
    expect(new Set(denied.map((tuple) => tuple.srcPort))).toEqual(new Set(partner.map((c) => c.localPort)));
    for (const tuple of denied) expect(tuple).toMatchObject({ srcIp: '203.0.113.7', dstPort: 80, decision: 'D' });
    const allowed = tuplesOf(result.nsgFlowLog, 'UserRule_allow-office-http');
    expect(allowed.filter((tuple) => tuple.flowState === 'B')).toHaveLength(10);
    const ends = allowed.filter((tuple) => tuple.flowState === 'E');
    expect(ends).toHaveLength(10);
    // SYN, ACK, request, FIN, last ACK in; SYN-ACK, response, FIN out.
    for (const tuple of ends) {
      expect(tuple.counts).toEqual({ packetsSent: 5, bytesSent: 305, packetsReceived: 3, bytesReceived: 712 });
    }
    // 10 office SYNs and 4 SYNs for each of 10 partner connections reached the Muxes.
    expect(seriesOf(result, 'SYNCount')[0]?.values).toEqual([50]);
    expect(seriesOf(result, 'PacketCount', { Direction: 'Out' })[0]?.values).toEqual([30]);
  });

  it('snat-exhaustion: successful and failed SNAT connections add up to the Host Agent’s counts', () => {
    const result = run('snat-exhaustion');
    const usage = result.snat[0];
    if (usage === undefined) throw new Error('no SNAT');
    const successful = seriesOf(result, 'SnatConnectionCount', { ConnectionState: 'Successful' });
    const failed = seriesOf(result, 'SnatConnectionCount', { ConnectionState: 'Failed' });
    expect(sum(successful[0]?.values ?? [])).toBe(usage.flows);
    expect(sum(failed[0]?.values ?? [])).toBe(usage.failedAllocations);
    expect(failed[0]?.values[0]).toBe(0);
    expect(failed[0]?.values[1]).toBeGreaterThan(0);
    const allocated = seriesOf(result, 'AllocatedSnatPorts')[0]?.values ?? [];
    expect(Math.max(...allocated.map(Number))).toBe(usage.portLimit);
    const used = seriesOf(result, 'UsedSnatPorts')[0]?.values ?? [];
    expect(used.every((value) => value !== null && value <= usage.portLimit)).toBe(true);
    expect(metricsOf(result).bins.map((bin) => bin.endNs)).toEqual([60, 120, 180, 240, 300, 320].map((s) => s * 1e9));
    expect(metricsOf(result).notDefined.map((item) => item.metric)).toContain('VipAvailability');
    expect(result.nsgFlowLog).toEqual([]);
  });

  it('mux-failure: a quarter of the data path is lost while the router still sends to the dead Mux', () => {
    const result = run('mux-failure');
    // mux-2 of 4 dies at 20 s and the hold timer keeps it in ECMP 30 s: samples 1 s … 59 s,
    // 30 of them with 3 of 4 next hops alive.
    const availability = seriesOf(result, 'VipAvailability')[0]?.values ?? [];
    expect(availability[0]).toBeCloseTo((100 * (59 - 30 * 0.25)) / 59, 6);
    expect(availability[1]).toBe(100);
    const packetsIn = seriesOf(result, 'PacketCount', { Direction: 'In' })[0]?.values ?? [];
    const muxPackets = result.muxes.reduce((total, mux) => total + mux.packets, 0);
    // Every packet a Mux received was for the rule's frontend.
    expect(sum(packetsIn)).toBe(muxPackets);
    expect(metricsOf(result).notDefined.map((item) => item.metric)).toContain('DipAvailability');
  });

  for (const id of ['probe-wrong-port', 'nsg-blocks-client', 'snat-exhaustion', 'mux-failure']) {
    it(`${id}: --metrics text and --json lines give the same figures`, async () => {
      const file = join(repositoryRoot, 'scenarios', id, 'broken.yaml');
      const text = await cli('run', file, '--metrics');
      const lines = (await cli('run', file, '--json'))
        .trimEnd()
        .split('\n')
        .map((line) => JSON.parse(line) as Record<string, unknown>);
      const view = text.slice(text.indexOf('Azure Monitor metrics'));
      for (const line of lines.filter((item) => item['type'] === 'metric')) {
        const values = (line['values'] as Array<number | null>).map((value) =>
          value === null ? '-' : line['aggregation'] === 'Average' ? value.toFixed(1) : String(value),
        );
        const dimensions = line['dimensions'] as Record<string, string>;
        const section = view.slice(view.indexOf(`(${line['metric'] as string})`));
        const rows = section.slice(0, section.indexOf('\n\n')).split('\n');
        const row = rows.find(
          (candidate) =>
            candidate.includes(dimensions['FrontendIPAddress'] ?? '') &&
            candidate.includes(dimensions['BackendIPAddress'] ?? '') &&
            candidate.includes(dimensions['Direction'] ?? dimensions['ConnectionState'] ?? ''),
        );
        expect(
          row?.trim().split(/\s+/).slice(-values.length),
          `${line['metric']} ${JSON.stringify(dimensions)}`,
        ).toEqual(values);
      }
      for (const line of lines.filter((item) => item['type'] === 'metricNotDefined')) {
        expect(view).toContain(`(${line['metric'] as string}), `);
        expect(view).toContain(`not defined for this scenario: ${line['why'] as string}`);
      }
      const tuples = new Map<string, number>();
      for (const line of lines.filter((item) => item['type'] === 'nsgFlowLog')) {
        const properties = line['properties'] as {
          flows: Array<{ rule: string; flows: Array<{ nic: string; flowTuples: string[] }> }>;
        };
        for (const rule of properties.flows) {
          for (const flow of rule.flows) {
            const key = `${line['nsg'] as string}  ${rule.rule}  ${flow.nic}`;
            tuples.set(key, (tuples.get(key) ?? 0) + flow.flowTuples.length);
          }
        }
      }
      for (const [key, count] of tuples) expect(view).toContain(`${key}: ${count} tuples`);
    });
  }
});
