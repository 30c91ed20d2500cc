/**
 * The NSG flow records as they were before issue 20 bounded them by live flows (c27cf55). Kept
 * as the reference the flat table must equal in every answer.
 */
/**
 * The state that makes NSGs stateful (docs/mechanics.md §2.3, §7.6, [AZ-NSG]): when a rule allows
 * the first packet of a flow, the virtual switch records the flow, and packets of that flow in
 * either direction then pass without the rules being looked at again. So return traffic of an
 * allowed flow needs no rule of its own, and a rule change affects only flows that start after
 * it: established flows keep their records.
 */
import { type FiveTuple, FlowMap, nsPerMinute } from '@lbsim/core';
import type { NsgDirection } from '../src/network-security-group.ts';

/**
 * How long an idle flow record lives, ns: 4 minutes. Azure does not publish the NSG flow
 * record timeout; 4 minutes is the platform's default idle timeout for flows (docs/mechanics.md
 * §2.6), a design choice.
 */
export const nsgFlowIdleTimeoutNs = 4 * nsPerMinute;

/** One allowed flow. */
export interface NsgFlowRecord {
  /** The tuple of the flow's first packet, as seen at the NIC. */
  readonly initiator: FiveTuple;
  /** Whether the flow started by arriving at the NIC (Inbound) or leaving it (Outbound). */
  readonly direction: NsgDirection;
  lastSeenNs: number;
}

/** The flow records of one NIC. */
export class ReferenceNsgFlowRecords {
  private readonly byKey = new FlowMap<NsgFlowRecord>();

  /** Number of flows recorded (expired ones included until looked up). */
  get size(): number {
    return this.byKey.size;
  }

  /**
   * The record of the flow a packet with `tuple` belongs to, in either direction, refreshed;
   * `undefined` when there is none or it has been idle too long (it is then forgotten).
   */
  find(tuple: FiveTuple, nowNs: number): NsgFlowRecord | undefined {
    return this.findFlow(tuple.protocol, tuple.srcAddress, tuple.srcPort, tuple.dstAddress, tuple.dstPort, nowNs);
  }

  /** {@link find} by the tuple's fields: a packet's lookup builds no tuple record (issue 20). */
  findFlow(
    protocol: number,
    srcAddress: number,
    srcPort: number,
    dstAddress: number,
    dstPort: number,
    nowNs: number,
  ): NsgFlowRecord | undefined {
    const found =
      this.byKey.get(protocol, srcAddress, srcPort, dstAddress, dstPort) ??
      this.byKey.get(protocol, dstAddress, dstPort, srcAddress, srcPort);
    if (found === undefined) return undefined;
    if (nowNs - found.lastSeenNs > nsgFlowIdleTimeoutNs) {
      this.byKey.deleteTuple(found.initiator);
      return undefined;
    }
    found.lastSeenNs = nowNs;
    return found;
  }

  /** Records a flow whose first packet, with `tuple`, a rule allowed. */
  record(tuple: FiveTuple, direction: NsgDirection, nowNs: number): NsgFlowRecord {
    const entry: NsgFlowRecord = { initiator: tuple, direction, lastSeenNs: nowNs };
    this.byKey.setTuple(tuple, entry);
    return entry;
  }
}
