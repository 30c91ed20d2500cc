/**
 * The metrics and NSG flow-log records as `--json` lines (docs/json-output.md): one `metrics`
 * line (the bins), one `metric` line per series, one `metricNotDefined` line per metric the
 * scenario does not define, then one `nsgFlowLog` line per NSG and minute, shaped like Azure's
 * flow-log record (`category`, `operationName`, `properties.Version`, `properties.flows[].rule`,
 * `.flows[].flowTuples`), with the NSG's and NIC's names where Azure gives a resource id and a MAC, and `recordTime`
 * (the minute's start as an ISO time, the run starting at Unix epoch 0) for Azure's `time`.
 */
import type { RunResult } from '@lbsim/scenario';
import { metricDefinition } from '@lbsim/scenario';
import type { JsonLines } from '../json/json-lines.ts';
import { formatFlowTuple } from './flow-tuple-text.ts';

/** Writes the run's metrics and flow-log lines, if it has them. */
export function writeJsonMetrics(result: RunResult, lines: JsonLines): void {
  const metrics = result.metrics;
  if (metrics === undefined) return;
  lines.info({ type: 'metrics', binNs: metrics.binNs, bins: metrics.bins });
  for (const series of metrics.series) {
    const definition = metricDefinition(series.metric);
    lines.info({
      type: 'metric',
      metric: series.metric,
      displayName: definition.displayName,
      unit: definition.unit,
      aggregation: definition.aggregation,
      dimensions: series.dimensions,
      values: series.values,
    });
  }
  for (const missing of metrics.notDefined) {
    lines.info({ type: 'metricNotDefined', metric: missing.metric, why: missing.why });
  }
  for (const record of result.nsgFlowLog ?? []) {
    lines.info({
      type: 'nsgFlowLog',
      minuteStartNs: record.atNs,
      recordTime: new Date(record.atNs / 1e6).toISOString(),
      category: 'NetworkSecurityGroupFlowEvent',
      operationName: 'NetworkSecurityGroupFlowEvents',
      nsg: record.nsg,
      properties: {
        Version: 2,
        flows: record.rules.map((rule) => ({
          rule: rule.rule,
          flows: rule.flows.map((flow) => ({ nic: flow.nic, flowTuples: flow.tuples.map(formatFlowTuple) })),
        })),
      },
    });
  }
}
