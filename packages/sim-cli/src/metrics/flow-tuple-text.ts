/**
 * An NSG flow tuple as Azure writes it in a version 2 flow log
 * (https://learn.microsoft.com/azure/network-watcher/nsg-flow-logs-overview#log-format):
 * `time,srcIP,dstIP,srcPort,dstPort,protocol,direction,decision,flowState,packets→,bytes→,packets←,bytes←`,
 * the four counts empty for a `B` tuple. `time` is whole seconds of run time: the run starts at
 * Unix epoch 0.
 */
import { nsPerSecond } from '@lbsim/core';
import type { NsgFlowTuple } from '@lbsim/scenario';

/** The tuple's text, e.g. `1,198.51.100.10,10.1.0.4,52240,80,T,I,A,B,,,,`. */
export function formatFlowTuple(tuple: NsgFlowTuple): string {
  const counts =
    tuple.counts === undefined
      ? ',,,'
      : `${tuple.counts.packetsSent},${tuple.counts.bytesSent},${tuple.counts.packetsReceived},${tuple.counts.bytesReceived}`;
  return [
    Math.floor(tuple.atNs / nsPerSecond),
    tuple.srcIp,
    tuple.dstIp,
    tuple.srcPort,
    tuple.dstPort,
    tuple.protocol,
    tuple.direction,
    tuple.decision,
    tuple.flowState,
    counts,
  ].join(',');
}
