/**
 * Turns a run's recorded counters and its health and SNAT facts into Azure Load Balancer's
 * metrics, per Azure's dimensions, in bins of run time (docs/metrics-and-flow-logs.md):
 *
 * - Data Path Availability (`VipAvailability`, average %): Azure measures it with its own
 *   synthetic packets sent from inside the region through the Mux to the host of a healthy DIP,
 *   answered by the host (the VM never sees them). lbsim sends none: once a second it takes the
 *   share of the router's ECMP next hops for the frontend IP that are running Muxes, times 1 if
 *   the rule has a DIP the Muxes take as healthy (the probers' verdicts `network.healthLatency`
 *   later; every DIP when the rule has no probe or its `noHealthyBackendsBehavior` is
 *   AllProbedUp) else 0, and averages the samples of the bin.
 * - Health Probe Status (`DipAvailability`, average %): per rule and DIP, the share of the bin
 *   the probing Host Agent's verdict was up, over the part of the bin it had one.
 * - SYN Count, Packet Count, Byte Count (totals): metrics-recorder.ts.
 * - SNAT Connection Count (total): `Successful` new SNAT flows; `Failed` new-flow packets that
 *   found no SNAT port (SYN retransmissions included, each counted).
 * - Allocated and Used SNAT Ports (average): time-weighted over the bin, from the Host
 *   Agent's SNAT samples (0 before its first).
 */
import { formatIpv4Address, IpProtocol, ipv4, type LoadBalancingRuleConfig, nsPerMinute } from '@lbsim/core';
import type {
  LoadBalancerMetrics,
  MetricBin,
  MetricId,
  MetricSeries,
  UndefinedMetric,
} from '../base/load-balancer-metrics.ts';
import type { HealthChangeRecord, SnatPortSample, SnatSummary } from '../base/run-result.ts';
import type { DataPathSample, MetricsRecorder } from './metrics-recorder.ts';

/** Azure's metric grain: one minute. */
export const metricBinNs = nsPerMinute;

/** The bin width for a run of `durationNs`: a minute, or the whole run when shorter. */
export function metricBinWidthNs(durationNs: number): number {
  return Math.max(1, Math.min(metricBinNs, durationNs));
}

/** Bins of width `binNs` from 0 to `endNs`, the last cut at `endNs`. */
export function metricBins(binNs: number, endNs: number): MetricBin[] {
  const bins: MetricBin[] = [];
  for (let startNs = 0; startNs < endNs || bins.length === 0; startNs += binNs) {
    bins.push({ startNs, endNs: Math.min(startNs + binNs, Math.max(endNs, 1)) });
  }
  return bins;
}

/** What the metrics are computed from. */
export interface MetricInputs {
  readonly rules: readonly LoadBalancingRuleConfig[];
  readonly recorder: MetricsRecorder;
  readonly healthChanges: readonly HealthChangeRecord[];
  readonly healthLatencyNs: number;
  readonly snat: readonly SnatSummary[];
  readonly binNs: number;
  readonly endNs: number;
}

/** The metrics of a run. */
export function computeMetrics(inputs: MetricInputs): LoadBalancerMetrics {
  const bins = metricBins(inputs.binNs, inputs.endNs);
  const series: MetricSeries[] = [];
  const notDefined: UndefinedMetric[] = [];
  const noRules = 'the scenario has no load-balancing rule';
  const noSnat = 'no VM opened an outbound flow through SNAT in this run';
  if (inputs.rules.length === 0) {
    for (const metric of ['VipAvailability', 'DipAvailability', 'SYNCount'] as const)
      notDefined.push({ metric, why: noRules });
  } else {
    series.push(...inputs.rules.map((rule) => vipAvailability(rule, inputs, bins)));
    const probed = inputs.rules.filter((rule) => rule.probe !== undefined);
    if (probed.length === 0)
      notDefined.push({ metric: 'DipAvailability', why: 'no load-balancing rule has a health probe' });
    series.push(...probed.flatMap((rule) => dipAvailability(rule, inputs.healthChanges, bins)));
    const tcp = inputs.rules.filter((rule) => rule.endpoint.protocol === IpProtocol.Tcp);
    if (tcp.length === 0) notDefined.push({ metric: 'SYNCount', why: 'no load-balancing rule is TCP' });
    series.push(...tcp.map((rule) => trafficSeries('SYNCount', rule, inputs, 'In', bins, (counts) => counts.syns)));
  }
  if (inputs.snat.length === 0) {
    for (const metric of ['SnatConnectionCount', 'AllocatedSnatPorts', 'UsedSnatPorts'] as const) {
      notDefined.push({ metric, why: noSnat });
    }
  } else {
    series.push(...snatConnections(inputs, bins));
    series.push(...inputs.snat.map((usage) => snatPorts('AllocatedSnatPorts', usage, bins, (s) => s.allocatedPorts)));
    series.push(...inputs.snat.map((usage) => snatPorts('UsedSnatPorts', usage, bins, (s) => s.usedPorts)));
  }
  if (inputs.rules.length === 0) {
    for (const metric of ['ByteCount', 'PacketCount'] as const) notDefined.push({ metric, why: noRules });
  } else {
    for (const [metric, pick] of [
      ['ByteCount', (c: { bytes: number }) => c.bytes],
      ['PacketCount', (c: { packets: number }) => c.packets],
    ] as const) {
      for (const rule of inputs.rules) {
        for (const direction of ['In', 'Out'] as const) {
          series.push(trafficSeries(metric, rule, inputs, direction, bins, pick));
        }
      }
    }
  }
  return { binNs: inputs.binNs, bins, series, notDefined };
}

function protocolName(protocol: number): string {
  return protocol === IpProtocol.Udp ? 'Udp' : protocol === IpProtocol.Tcp ? 'Tcp' : 'All';
}

/** lbsim's `LoadBalancer` and `Rule` dimensions and Azure's frontend ones of a rule. */
function frontendDimensions(rule: LoadBalancingRuleConfig): Record<string, string> {
  return {
    LoadBalancer: rule.name.split('/')[0] ?? rule.name,
    Rule: rule.name,
    FrontendIPAddress: formatIpv4Address(rule.endpoint.vip),
    FrontendPort: String(rule.endpoint.port),
  };
}

/** The DIPs a rule's probe decided on, with each one's verdict changes in time order. */
function verdictsByDip(probe: string, changes: readonly HealthChangeRecord[]): Map<string, HealthChangeRecord[]> {
  const byDip = new Map<string, HealthChangeRecord[]>();
  for (const change of changes) {
    if (change.probe !== probe) continue;
    const list = byDip.get(change.dip);
    if (list === undefined) byDip.set(change.dip, [change]);
    else list.push(change);
  }
  return byDip;
}

/** The verdict in force at `atNs` (changes applied `lagNs` after they were made). */
function verdictAt(changes: readonly HealthChangeRecord[], atNs: number, lagNs: number): 'up' | 'down' | undefined {
  let verdict: 'up' | 'down' | undefined;
  for (const change of changes) {
    if (change.atNs + lagNs > atNs) break;
    verdict = change.to;
  }
  return verdict;
}

function vipAvailability(
  rule: LoadBalancingRuleConfig,
  inputs: MetricInputs,
  bins: readonly MetricBin[],
): MetricSeries {
  const verdicts = rule.probe === undefined ? undefined : [...verdictsByDip(rule.probe, inputs.healthChanges).values()];
  const hasHealthyDip = (atNs: number): boolean => {
    if (verdicts === undefined || rule.noHealthyBackends === 'AllProbedUp') return rule.backends.length > 0;
    return verdicts.some((changes) => verdictAt(changes, atNs, inputs.healthLatencyNs) === 'up');
  };
  const values = bins.map((bin) => {
    const samples = inputs.recorder.dataPath.filter((sample) => sample.atNs >= bin.startNs && sample.atNs < bin.endNs);
    if (samples.length === 0) return null;
    const sum = samples.reduce((total, sample) => total + sampleAvailability(sample, rule, hasHealthyDip), 0);
    return (100 * sum) / samples.length;
  });
  return { metric: 'VipAvailability', dimensions: frontendDimensions(rule), values };
}

function sampleAvailability(
  sample: DataPathSample,
  rule: LoadBalancingRuleConfig,
  hasHealthyDip: (atNs: number) => boolean,
): number {
  return hasHealthyDip(sample.atNs) ? (sample.liveShareByVip.get(rule.endpoint.vip) ?? 0) : 0;
}

function dipAvailability(
  rule: LoadBalancingRuleConfig,
  changes: readonly HealthChangeRecord[],
  bins: readonly MetricBin[],
): MetricSeries[] {
  const byDip = verdictsByDip(rule.probe as string, changes);
  const dips = [...new Set([...rule.backends.map((backend) => formatIpv4Address(backend.dip)), ...byDip.keys()])];
  return dips.map((dip) => {
    const verdicts = byDip.get(dip) ?? [];
    return {
      metric: 'DipAvailability',
      dimensions: {
        ...frontendDimensions(rule),
        BackendIPAddress: dip,
        BackendPort: String(rule.backendPort),
        ProtocolType: protocolName(rule.endpoint.protocol),
      },
      values: bins.map((bin) => upShare(verdicts, bin)),
    };
  });
}

/** Percent of the part of `bin` with a verdict that the verdict was up; `null` if it had none. */
function upShare(verdicts: readonly HealthChangeRecord[], bin: MetricBin): number | null {
  let known = 0;
  let up = 0;
  verdicts.forEach((change, index) => {
    const next = verdicts[index + 1];
    const from = Math.max(change.atNs, bin.startNs);
    const to = Math.min(next?.atNs ?? Number.POSITIVE_INFINITY, bin.endNs);
    if (to <= from) return;
    known += to - from;
    if (change.to === 'up') up += to - from;
  });
  return known === 0 ? null : (100 * up) / known;
}

function trafficSeries(
  metric: MetricId,
  rule: LoadBalancingRuleConfig,
  inputs: MetricInputs,
  direction: 'In' | 'Out',
  bins: readonly MetricBin[],
  pick: (counts: { packets: number; bytes: number; syns: number }) => number,
): MetricSeries {
  const index = inputs.rules.indexOf(rule);
  const values = bins.map((_, bin) => {
    let total = 0;
    // Events at the run's very end fall past the last bin: they belong to it.
    const last = bin === bins.length - 1;
    for (let b = bin; b <= (last ? bin + 1 : bin); b++) {
      const counts = inputs.recorder.traffic.get(`${index}|${direction}|${b}`);
      if (counts !== undefined) total += pick(counts);
    }
    return total;
  });
  return { metric, dimensions: { ...frontendDimensions(rule), Direction: direction }, values };
}

function snatConnections(inputs: MetricInputs, bins: readonly MetricBin[]): MetricSeries[] {
  return inputs.snat.flatMap((usage) => {
    const successful = usage.frontends.map((frontend) => ({
      metric: 'SnatConnectionCount' as const,
      dimensions: { FrontendIPAddress: frontend, BackendIPAddress: usage.dip, ConnectionState: 'Successful' },
      values: bins.map((_, bin) => {
        const last = bin === bins.length - 1;
        let total = 0;
        for (let b = bin; b <= (last ? bin + 1 : bin); b++) {
          total += inputs.recorder.snatConnections.get(`${ipv4(frontend)}|${ipv4(usage.dip)}|${b}`) ?? 0;
        }
        return total;
      }),
    }));
    const failed: MetricSeries = {
      metric: 'SnatConnectionCount',
      dimensions: {
        FrontendIPAddress: usage.frontends.join(' ') || '(none allocated)',
        BackendIPAddress: usage.dip,
        ConnectionState: 'Failed',
      },
      values: bins.map((bin) => failedIn(usage.samples, bin)),
    };
    return [...successful, failed];
  });
}

/** Failed allocations counted within `bin`: the cumulative count at its end minus at its start. */
function failedIn(samples: readonly SnatPortSample[], bin: MetricBin): number {
  const at = (atNs: number, inclusive: boolean) =>
    samples.filter((sample) => (inclusive ? sample.atNs <= atNs : sample.atNs < atNs)).at(-1)?.failedAllocations ?? 0;
  return at(bin.endNs, true) - at(bin.startNs, false);
}

function snatPorts(
  metric: MetricId,
  usage: SnatSummary,
  bins: readonly MetricBin[],
  pick: (sample: SnatPortSample) => number,
): MetricSeries {
  return {
    metric,
    dimensions: {
      FrontendIPAddress: usage.frontends.join(' ') || '(none allocated)',
      BackendIPAddress: usage.dip,
      ProtocolType: usage.protocol,
    },
    values: bins.map((bin) => timeAverage(usage.samples, bin, pick)),
  };
}

/** Time-weighted average of a step function given by `samples` (0 before the first) over `bin`. */
function timeAverage(
  samples: readonly SnatPortSample[],
  bin: MetricBin,
  pick: (sample: SnatPortSample) => number,
): number {
  const width = bin.endNs - bin.startNs;
  if (width <= 0) return 0;
  let value = 0;
  let atNs = bin.startNs;
  let area = 0;
  for (const sample of samples) {
    if (sample.atNs <= bin.startNs) {
      value = pick(sample);
      continue;
    }
    if (sample.atNs >= bin.endNs) break;
    area += value * (sample.atNs - atNs);
    atNs = sample.atNs;
    value = pick(sample);
  }
  area += value * (bin.endNs - atNs);
  return area / width;
}
