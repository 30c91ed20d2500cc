/**
 * `lbsim run --metrics`: the run's Azure Load Balancer metrics under Azure Monitor's names, per
 * Azure's dimensions, one column per bin of run time, then the NSG flow-log tuples per NSG,
 * rule and NIC (docs/metrics-and-flow-logs.md).
 */
import { nsPerSecond } from '@lbsim/core';
import {
  type LoadBalancerMetrics,
  type MetricBin,
  type MetricSeries,
  metricCatalogue,
  type NsgFlowLogRecord,
  type NsgFlowTuple,
} from '@lbsim/scenario';
import { formatColumns } from '../format/columns.ts';
import { formatFlowTuple } from './flow-tuple-text.ts';

/** Tuples printed per NSG rule and NIC; the rest are in `--json`. */
const tuplesShown = 3;

/** Seconds, without a fraction when whole: `60`, `2.5`. */
function seconds(ns: number): string {
  return String(Math.round((ns / nsPerSecond) * 1000) / 1000);
}

function binLabel(bin: MetricBin): string {
  return `${seconds(bin.startNs)}–${seconds(bin.endNs)} s`;
}

/** The value of a series in a bin as printed: one decimal for averages, whole for totals, `-` for none. */
function formatValue(value: number | null, aggregation: 'Average' | 'Total'): string {
  if (value === null) return '-';
  return aggregation === 'Average' ? value.toFixed(1) : String(value);
}

/** Row label cells of a series: where it is measured, in the metric's own dimensions. */
function labelCells(series: MetricSeries, dipNames: ReadonlyMap<string, string>): string[] {
  const dims = series.dimensions;
  const d = (key: string) => dims[key] ?? '';
  const named = (ip: string) => {
    const name = dipNames.get(ip);
    return name === undefined ? ip : `${ip} (${name})`;
  };
  switch (series.metric) {
    case 'VipAvailability':
      return [d('Rule'), `${d('FrontendIPAddress')}:${d('FrontendPort')}`];
    case 'DipAvailability':
      return [
        d('Rule'),
        `${d('FrontendIPAddress')}:${d('FrontendPort')}`,
        `${named(d('BackendIPAddress'))} port ${d('BackendPort')}`,
      ];
    case 'SYNCount':
    case 'ByteCount':
    case 'PacketCount':
      return [d('Rule'), `${d('FrontendIPAddress')}:${d('FrontendPort')}`, d('Direction')];
    case 'SnatConnectionCount':
      return [d('FrontendIPAddress'), named(d('BackendIPAddress')), d('ConnectionState')];
    case 'AllocatedSnatPorts':
    case 'UsedSnatPorts':
      return [d('FrontendIPAddress'), named(d('BackendIPAddress')), d('ProtocolType')];
  }
}

const headers: Record<MetricSeries['metric'], readonly string[]> = {
  VipAvailability: ['rule', 'frontend'],
  DipAvailability: ['rule', 'frontend', 'backend'],
  SYNCount: ['rule', 'frontend', 'direction'],
  ByteCount: ['rule', 'frontend', 'direction'],
  PacketCount: ['rule', 'frontend', 'direction'],
  SnatConnectionCount: ['frontend IP', 'backend', 'connection state'],
  AllocatedSnatPorts: ['frontend IP', 'backend', 'protocol'],
  UsedSnatPorts: ['frontend IP', 'backend', 'protocol'],
};

/** The metrics view of a run. */
export function formatMetrics(
  metrics: LoadBalancerMetrics,
  flowLog: readonly NsgFlowLogRecord[],
  dipNames: ReadonlyMap<string, string>,
): string {
  const grain =
    metrics.bins.length === 1 && metrics.binNs < 60 * nsPerSecond
      ? 'one bin: the whole run, shorter than Azure’s 1-minute grain'
      : '1-minute bins of run time, Azure’s grain';
  const lines = [
    `Azure Monitor metrics (Microsoft.Network/loadBalancers) as this run gives them; ${grain}.`,
    'How each is computed, and where it differs from Azure: lbsim run --help, docs/metrics-and-flow-logs.md.',
    '',
  ];
  for (const definition of metricCatalogue) {
    const series = metrics.series.filter((item) => item.metric === definition.id);
    const undefinedWhy = metrics.notDefined.find((item) => item.metric === definition.id)?.why;
    const unit = definition.unit === 'Percent' ? '%, ' : definition.unit === 'Bytes' ? 'bytes, ' : '';
    const title = `${definition.displayName} (${definition.id}), ${unit}${definition.aggregation.toLowerCase()}`;
    if (series.length === 0) {
      lines.push(`${title}: not defined for this scenario: ${undefinedWhy ?? 'nothing to measure'}`, '');
      continue;
    }
    lines.push(title);
    const rows = [
      [...headers[definition.id], ...metrics.bins.map(binLabel)],
      ...series.map((item) => [
        ...labelCells(item, dipNames),
        ...item.values.map((value) => formatValue(value, definition.aggregation)),
      ]),
    ];
    const labels = headers[definition.id].length;
    const align = rows[0]?.map((_, index) => (index < labels ? 'left' : 'right')) ?? [];
    lines.push(indent(formatColumns(rows, align as Array<'left' | 'right'>)));
  }
  lines.push(formatFlowLog(flowLog));
  return `${lines.join('\n')}\n`;
}

function indent(text: string): string {
  return text
    .trimEnd()
    .split('\n')
    .map((line) => `  ${line}`)
    .join('\n')
    .concat('\n');
}

/** The flow log: per NSG, rule and NIC, the tuple count by state and the first few tuples. */
export function formatFlowLog(flowLog: readonly NsgFlowLogRecord[]): string {
  if (flowLog.length === 0) return 'NSG flow log: not defined for this scenario: no NIC has an NSG\n';
  const groups = new Map<string, NsgFlowTuple[]>();
  for (const record of flowLog) {
    for (const rule of record.rules) {
      for (const flow of rule.flows) {
        const key = `${record.nsg}  ${rule.rule}  ${flow.nic}`;
        groups.set(key, [...(groups.get(key) ?? []), ...flow.tuples]);
      }
    }
  }
  const lines = [
    'NSG flow log, version 2 tuples (time,srcIP,dstIP,srcPort,dstPort,protocol,direction,decision,flowState,packets/bytes sent,packets/bytes received);',
    'time is seconds of run time (the run starts at Unix epoch 0); every record is in --json',
  ];
  for (const [key, tuples] of groups) {
    const states = (['B', 'C', 'E'] as const)
      .map(
        (state) =>
          [state, tuples.filter((tuple) => tuple.flowState === state && tuple.decision === 'A').length] as const,
      )
      .filter(([, count]) => count > 0)
      .map(([state, count]) => `${state} ${count}`);
    const denied = tuples.filter((tuple) => tuple.decision === 'D').length;
    const summary = [...states, ...(denied > 0 ? [`D ${denied}`] : [])].join(', ');
    lines.push(`  ${key}: ${tuples.length} tuples (${summary})`);
    for (const tuple of tuples.slice(0, tuplesShown)) lines.push(`    ${formatFlowTuple(tuple)}`);
    if (tuples.length > tuplesShown) lines.push(`    … ${tuples.length - tuplesShown} more`);
  }
  return `${lines.join('\n')}\n`;
}
