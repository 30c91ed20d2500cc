/**
 * A run's counterparts of Azure Load Balancer's Azure Monitor metrics (namespace
 * Microsoft.Network/loadBalancers, https://learn.microsoft.com/azure/azure-monitor/reference/supported-metrics/microsoft-network-loadbalancers-metrics)
 * and of NSG flow-log records (version 2,
 * https://learn.microsoft.com/azure/network-watcher/nsg-flow-logs-overview), as data. How each
 * is computed, and where it differs from what Azure measures: metrics/metric-catalogue.ts and
 * docs/metrics-and-flow-logs.md.
 */

/** A metric's name in Azure's REST API. */
export type MetricId =
  | 'VipAvailability'
  | 'DipAvailability'
  | 'SYNCount'
  | 'SnatConnectionCount'
  | 'AllocatedSnatPorts'
  | 'UsedSnatPorts'
  | 'ByteCount'
  | 'PacketCount';

/** A slice of run time the values of every series are given for, ns; `endNs` exclusive. */
export interface MetricBin {
  readonly startNs: number;
  readonly endNs: number;
}

/**
 * One time series: a metric for one combination of dimension values, with one value per bin
 * (`null`: nothing to average in that bin, e.g. a probe that had not decided yet).
 */
export interface MetricSeries {
  readonly metric: MetricId;
  /**
   * Azure's dimension names and values (`FrontendIPAddress`, `FrontendPort`, `BackendIPAddress`,
   * `ProtocolType`, `Direction`, `ConnectionState`), plus lbsim's `LoadBalancer` and `Rule`
   * (`loadBalancer/rule`) to say where a frontend belongs.
   */
  readonly dimensions: Readonly<Record<string, string>>;
  readonly values: ReadonlyArray<number | null>;
}

/** A metric the scenario gives no meaning to (no SNAT, no TCP rule, no probe), and why. */
export interface UndefinedMetric {
  readonly metric: MetricId;
  readonly why: string;
}

/** The metrics of a run. */
export interface LoadBalancerMetrics {
  /** Bin width, ns: 1 minute (Azure's PT1M grain), or the run's length when that is shorter. */
  readonly binNs: number;
  /** The bins, from 0 to the run's end; the last may be shorter than `binNs`. */
  readonly bins: readonly MetricBin[];
  /** Every series, in the order of the metric catalogue, then by dimensions. */
  readonly series: readonly MetricSeries[];
  /** Metrics with no series because the scenario does not define them. */
  readonly notDefined: readonly UndefinedMetric[];
}

/**
 * One flow tuple of an NSG flow log, version 2, as values. `flowState`: `B` a flow began (no
 * counts), `C` it continues (counts since its last tuple), `E` it ended (counts since its last
 * tuple). Denied flows are `D` with `B` and no counts, as Azure writes them.
 */
export interface NsgFlowTuple {
  /** When, ns of run time (the run starts at Unix epoch 0, so seconds of run time are the tuple's epoch time). */
  readonly atNs: number;
  readonly srcIp: string;
  readonly dstIp: string;
  readonly srcPort: number;
  readonly dstPort: number;
  readonly protocol: 'T' | 'U';
  /** `I` the flow began arriving at the NIC, `O` leaving it. */
  readonly direction: 'I' | 'O';
  readonly decision: 'A' | 'D';
  readonly flowState: 'B' | 'C' | 'E';
  /** Packets and bytes (IP header included) source → destination and back since the last tuple; `undefined` for `B`. */
  readonly counts:
    | {
        readonly packetsSent: number;
        readonly bytesSent: number;
        readonly packetsReceived: number;
        readonly bytesReceived: number;
      }
    | undefined;
}

/** The tuples one rule of one NSG logged for one NIC. */
export interface NsgFlowLogRule {
  /** Azure's name of the rule in flow logs: `UserRule_<name>` or `DefaultRule_<name>`. */
  readonly rule: string;
  readonly flows: ReadonlyArray<{ readonly nic: string; readonly tuples: readonly NsgFlowTuple[] }>;
}

/**
 * One flow-log record: what one NSG logged in one minute of run time (Azure writes a record
 * per NSG about once a minute), grouped by rule, then by NIC.
 */
export interface NsgFlowLogRecord {
  /** Start of the minute, ns of run time. */
  readonly atNs: number;
  readonly nsg: string;
  readonly rules: readonly NsgFlowLogRule[];
}
