/**
 * The state that makes NSGs stateful (docs/mechanics.md §2.3, §7.6, [AZ-NSG]): when a rule allows
 * the first packet of a flow, the virtual switch records the flow, and packets of that flow in
 * either direction then pass without the rules being looked at again. So return traffic of an
 * allowed flow needs no rule of its own, and a rule change affects only flows that start after
 * it: established flows keep their records.
 *
 * The records are a flat table (issue 20): each is an entry number of a {@link FlowIndex}
 * keyed by the flow's first tuple, with its last-seen time and direction in typed arrays, and
 * the entries linked in least-recently-seen order. A record idle longer than
 * {@link nsgFlowIdleTimeoutNs} is removed by the table itself, from the front of that order,
 * whenever the table is used; so the table holds only the flows within the idle timeout, not
 * every flow the NIC ever saw. An idle record was always treated as absent (a lookup that
 * found one forgot it), so removing it earlier changes no answer.
 */
import {
  emptyIndexQueue,
  type FiveTuple,
  FlowIndex,
  growColumn,
  IndexLinks,
  type IndexQueue,
  nsPerMinute,
} from '@lbsim/core';
import type { NsgDirection } from './network-security-group.ts';

/**
 * How long an idle flow record lives, ns: 4 minutes. Azure does not publish the NSG flow
 * record timeout; 4 minutes is the platform's default idle timeout for flows (docs/mechanics.md
 * §2.6), a design choice.
 */
export const nsgFlowIdleTimeoutNs = 4 * nsPerMinute;

const inboundCode = 0;
const outboundCode = 1;

/**
 * Names one flow record for as long as the table lives: records are numbered in the order
 * they are made, from 0 (a flow that expires and starts again gets a new one). For a caller
 * that keeps something per flow, such as the NSG flow log's tallies.
 */
export type NsgFlowRecordId = number;

/** The flow records of one NIC. */
export class NsgFlowRecords {
  private readonly index = new FlowIndex();
  private readonly links = new IndexLinks(this.index.capacity);
  /** Every record, least recently seen first. */
  private readonly byAge: IndexQueue = emptyIndexQueue();
  private lastSeenNs = new Float64Array(this.index.capacity);
  /** 0: the flow started Inbound, 1: Outbound. */
  private directions = new Uint8Array(this.index.capacity);
  private ids = new Float64Array(this.index.capacity);
  private recorded = 0;

  /** Number of flows recorded (within the idle timeout as of the table's last use). */
  get size(): number {
    return this.index.size;
  }

  /**
   * The record of the flow a packet with `tuple` belongs to (in either direction), refreshed;
   * `undefined` when there is none within the idle timeout.
   */
  find(tuple: FiveTuple, nowNs: number): NsgFlowRecordId | undefined {
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
  ): NsgFlowRecordId | undefined {
    this.sweep(nowNs);
    let entry = this.index.find(srcAddress, dstAddress, (srcPort << 16) | dstPort, protocol);
    if (entry < 0) entry = this.index.find(dstAddress, srcAddress, (dstPort << 16) | srcPort, protocol);
    if (entry < 0) return undefined;
    this.lastSeenNs[entry] = nowNs;
    this.links.moveToBack(this.byAge, entry);
    return this.ids[entry] as number;
  }

  /** The direction of the recorded flow whose first packet had `tuple` (not reversed), or `undefined`. */
  directionOf(tuple: FiveTuple): NsgDirection | undefined {
    const entry = this.index.find(
      tuple.srcAddress,
      tuple.dstAddress,
      (tuple.srcPort << 16) | tuple.dstPort,
      tuple.protocol,
    );
    if (entry < 0) return undefined;
    return this.directions[entry] === outboundCode ? 'Outbound' : 'Inbound';
  }

  /** Records a flow whose first packet, with `tuple`, a rule allowed (it has no live record). */
  record(tuple: FiveTuple, direction: NsgDirection, nowNs: number): NsgFlowRecordId {
    this.sweep(nowNs);
    const { protocol, srcAddress, srcPort, dstAddress, dstPort } = tuple;
    const ports = ((srcPort << 16) | dstPort) >>> 0;
    let entry = this.index.find(srcAddress, dstAddress, ports, protocol);
    if (entry >= 0) {
      this.links.unlink(this.byAge, entry);
    } else {
      entry = this.index.add(srcAddress >>> 0, dstAddress >>> 0, ports, protocol >>> 0);
      this.growColumns();
    }
    this.lastSeenNs[entry] = nowNs;
    this.directions[entry] = direction === 'Outbound' ? outboundCode : inboundCode;
    this.links.append(this.byAge, entry);
    const id = this.recorded++;
    this.ids[entry] = id;
    return id;
  }

  /** Forgets the records idle longer than the timeout at `nowNs`, oldest first. */
  private sweep(nowNs: number): void {
    const queue = this.byAge;
    for (let entry = queue.head; entry >= 0; entry = queue.head) {
      if (nowNs - (this.lastSeenNs[entry] as number) <= nsgFlowIdleTimeoutNs) return;
      this.links.unlink(queue, entry);
      this.index.remove(entry);
    }
  }

  private growColumns(): void {
    const capacity = this.index.capacity;
    if (this.lastSeenNs.length >= capacity) return;
    this.links.grow(capacity);
    this.lastSeenNs = growColumn(this.lastSeenNs, capacity);
    this.directions = growColumn(this.directions, capacity);
    this.ids = growColumn(this.ids, capacity);
  }
}
