/**
 * Azure Load Balancer's metrics as Azure Monitor names them (display name, REST API name, unit,
 * default aggregation: https://learn.microsoft.com/azure/azure-monitor/reference/supported-metrics/microsoft-network-loadbalancers-metrics),
 * in the order lbsim prints them, with what Azure measures and what lbsim's counterpart is.
 */
import type { MetricId } from '../base/load-balancer-metrics.ts';

/** One metric of the catalogue. */
export interface MetricDefinition {
  readonly id: MetricId;
  /** Azure portal's display name. */
  readonly displayName: string;
  readonly unit: 'Percent' | 'Count' | 'Bytes';
  /** Azure's default aggregation over a bin: `Average` of samples or `Total` of counts. */
  readonly aggregation: 'Average' | 'Total';
  /** What Azure measures. */
  readonly azure: string;
  /** How lbsim computes its counterpart from the run. */
  readonly lbsim: string;
}

/** Every metric, in printing order. */
export const metricCatalogue: readonly MetricDefinition[] = [
  {
    id: 'VipAvailability',
    displayName: 'Data Path Availability',
    unit: 'Percent',
    aggregation: 'Average',
    azure:
      "Azure's own synthetic packets, sent from inside the region to the frontend and through the Mux to the host of a healthy backend, which answers them (the VM never sees them); not clients' traffic",
    lbsim:
      "lbsim sends no such packets: once a second it takes the share of the router's ECMP next hops for the frontend IP that are running Muxes, times 0 when the rule has no DIP the Muxes take as healthy, and averages the samples",
  },
  {
    id: 'DipAvailability',
    displayName: 'Health Probe Status',
    unit: 'Percent',
    aggregation: 'Average',
    azure: "the health probe's verdict on each backend, averaged",
    lbsim:
      "the share of the bin the probing Host Agent's verdict on the DIP was up, over the part of the bin it had one",
  },
  {
    id: 'SYNCount',
    displayName: 'SYN Count',
    unit: 'Count',
    aggregation: 'Total',
    azure: 'TCP SYN packets received for a frontend (and sent, for outbound flows)',
    lbsim:
      'TCP SYNs (without ACK, retransmissions included) a Mux received for the rule’s frontend; outbound SYNs are not counted',
  },
  {
    id: 'SnatConnectionCount',
    displayName: 'SNAT Connection Count',
    unit: 'Count',
    aggregation: 'Total',
    azure: 'new outbound SNAT flows, by ConnectionState (Successful, Failed)',
    lbsim:
      'Successful: first packets of outbound 5-tuples a Host Agent translated to a frontend IP; Failed: new-flow packets that found no SNAT port, SYN retransmissions each counted',
  },
  {
    id: 'AllocatedSnatPorts',
    displayName: 'Allocated SNAT Ports',
    unit: 'Count',
    aggregation: 'Average',
    azure: 'SNAT ports allocated to a backend instance',
    lbsim:
      'ports the manager granted the NIC and it still holds, time-averaged over the bin (0 before the first grant)',
  },
  {
    id: 'UsedSnatPorts',
    displayName: 'Used SNAT Ports',
    unit: 'Count',
    aggregation: 'Average',
    azure: 'SNAT ports in use by a backend instance',
    lbsim: 'ports carrying a flow, held 240 s after FIN and 15 s after RST, time-averaged over the bin',
  },
  {
    id: 'ByteCount',
    displayName: 'Byte Count',
    unit: 'Bytes',
    aggregation: 'Total',
    azure: 'bytes processed per frontend, by Direction',
    lbsim:
      "IP bytes (headers included) a Mux received for the rule's frontend (In) and its replies a Host Agent sent from it (Out, direct server return)",
  },
  {
    id: 'PacketCount',
    displayName: 'Packet Count',
    unit: 'Count',
    aggregation: 'Total',
    azure: 'packets processed per frontend, by Direction',
    lbsim: "packets a Mux received for the rule's frontend (In) and its replies a Host Agent sent from it (Out)",
  },
];

/** The definition of `id`. */
export function metricDefinition(id: MetricId): MetricDefinition {
  return metricCatalogue.find((definition) => definition.id === id) as MetricDefinition;
}
