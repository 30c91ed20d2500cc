/**
 * NSG flow-log records (version 2) of a run, made from its packet trace: what Network Watcher
 * would have written for every NSG of the scenario (format:
 * https://learn.microsoft.com/azure/network-watcher/nsg-flow-logs-overview#log-format).
 *
 * The Host Agent decides NSGs per packet and traces only denials (a drop with reason
 * `nsg-denied`); it keeps no log. So this sink mirrors its decisions on values: a copy of each
 * NIC's `NicSecurity` over the same group objects (a rule change at run time reaches both) sees
 * the packets the Host Agent decided — those a VM received, those a VM sent, and inbound ones
 * the Host Agent dropped as `nsg-denied` — in the same order, and so records the same flows. For
 * each new flow it asks the groups which rule matched, in the order the Host Agent does
 * (inbound: subnet then NIC; outbound: NIC then subnet, docs/mechanics.md §7.6).
 *
 * Tuples: `B` when a flow is allowed, `C` every 5 minutes of a flow's life with the counts since
 * its last tuple (Azure's statistics interval), `E` when a TCP flow closed (RST, or FIN both
 * ways) with its counts since its last tuple, counted to the run's end. A flow still open when
 * the run ends gets a `C` at the end, so every packet is counted once. A denied flow is one `D`
 * tuple with state `B` and no counts, once per minute it is tried (retransmissions within the
 * minute fold). Only TCP and UDP are logged, as in Azure (`T`/`U`).
 */
import {
  type FiveTuple,
  formatIpv4Address,
  hasFlags,
  IpProtocol,
  type Ipv4Address,
  ipv4TotalLength,
  nsPerMinute,
  sameFiveTuple,
  TcpFlags,
  type TraceEvent,
  type TraceSink,
} from '@lbsim/core';
import {
  type AddressSpace,
  type NicSecurity,
  type NsgDirection,
  type NsgFlowRecordId,
  type SecurityRule,
  transportTupleOf,
} from '@lbsim/host-agent';
import type { NsgFlowLogRecord, NsgFlowTuple } from '../base/load-balancer-metrics.ts';

/** Azure's statistics interval for continuing flows (`C` tuples). */
const continuingIntervalNs = 5 * nsPerMinute;

/** A NIC the logger watches: its VM, name, address and a copy of its NSG state. */
export interface WatchedNic {
  readonly vm: string;
  readonly name: string;
  readonly address: Ipv4Address;
  readonly security: NicSecurity;
}

/** A rule of a group that decided a flow. */
interface Decider {
  readonly nsg: string;
  readonly rule: string;
}

/** What the logger knows of one allowed flow. */
interface FlowTally {
  readonly nic: string;
  readonly initiator: FiveTuple;
  readonly direction: NsgDirection;
  readonly deciders: readonly Decider[];
  lastTupleNs: number;
  packetsSent: number;
  bytesSent: number;
  packetsReceived: number;
  bytesReceived: number;
  finFromInitiator: boolean;
  finFromResponder: boolean;
  closedAtNs: number | undefined;
}

/** One logged tuple and where it is filed. */
interface Filed {
  readonly nsg: string;
  readonly rule: string;
  readonly nic: string;
  readonly tuple: NsgFlowTuple;
}

/** Azure's name of a rule in flow logs. */
export function flowLogRuleName(rule: SecurityRule): string {
  return `${rule.isDefault ? 'DefaultRule' : 'UserRule'}_${rule.name}`;
}

/** Collects the flow tuples of every NIC guarded by an NSG. */
export class NsgFlowLogger implements TraceSink {
  private readonly nicsByVm = new Map<string, readonly WatchedNic[]>();
  private readonly nicsByAddress = new Map<Ipv4Address, WatchedNic>();
  /** By {@link tallyKeyOf}: record ids are numbered per NIC. */
  private readonly tallies = new Map<number, FlowTally>();
  private readonly nicNumbers = new Map<WatchedNic, number>();
  private readonly filed: Filed[] = [];
  private readonly deniedThisMinute = new Set<string>();
  /** Packets a VM sent that the groups deny: the Host Agent's drop of them is already logged. */
  private readonly deniedOutbound = new Set<number>();

  /**
   * @param nics every NIC with at least one NSG, each with its own `NicSecurity` copy
   * @param hostAgents node names of the Host Agents
   * @param virtualNetwork the address space behind the VirtualNetwork tag
   */
  constructor(
    nics: readonly WatchedNic[],
    private readonly hostAgents: ReadonlySet<string>,
    private readonly virtualNetwork: AddressSpace,
  ) {
    for (const nic of nics) {
      this.nicNumbers.set(nic, this.nicNumbers.size);
      this.nicsByVm.set(nic.vm, [...(this.nicsByVm.get(nic.vm) ?? []), nic]);
      this.nicsByAddress.set(nic.address, nic);
    }
  }

  record(event: TraceEvent): void {
    const nics = this.nicsByVm.get(event.node);
    if (nics !== undefined) {
      if (event.kind === 'receive') this.observe(event, pickNic(nics, event.packet.dst), 'Inbound');
      else if (event.kind === 'send') this.observe(event, pickNic(nics, event.packet.src), 'Outbound');
      return;
    }
    if (event.kind === 'drop' && event.reason === 'nsg-denied' && this.hostAgents.has(event.node)) {
      if (this.deniedOutbound.delete(event.meta.packetId)) return;
      const nic = this.nicsByAddress.get(event.packet.dst);
      // A denied packet to a floating-IP VIP names no NIC; lbsim's scenarios deny none such.
      if (nic !== undefined) this.observe(event, nic, 'Inbound');
    }
  }

  /** The records, one per NSG and minute, after the run ended at `endNs`. */
  finish(endNs: number): NsgFlowLogRecord[] {
    for (const tally of this.tallies.values()) this.closeTally(tally, endNs);
    this.tallies.clear();
    return groupRecords(this.filed);
  }

  private observe(event: TraceEvent, nic: WatchedNic, direction: NsgDirection): void {
    const packet = event.packet;
    const tuple = transportTupleOf(packet);
    if (tuple === undefined || (tuple.protocol !== IpProtocol.Tcp && tuple.protocol !== IpProtocol.Udp)) return;
    const nowNs = event.atNs;
    const known = nic.security.flows.find(tuple, nowNs);
    if (known !== undefined) {
      this.count(this.tallyKeyOf(nic, known), tuple, packet, nowNs);
      return;
    }
    const deciders: Decider[] = [];
    const order =
      direction === 'Inbound' ? [nic.security.subnet, nic.security.nic] : [nic.security.nic, nic.security.subnet];
    for (const association of order) {
      if (association === undefined) continue;
      const rule = association.group.evaluate(direction, tuple, this.virtualNetwork);
      const decider = { nsg: association.group.name, rule: flowLogRuleName(rule) };
      if (rule.access === 'Deny') {
        if (direction === 'Outbound') this.deniedOutbound.add(event.meta.packetId);
        this.fileDenial(nic, tuple, direction, decider, nowNs);
        return;
      }
      deciders.push(decider);
    }
    const record = nic.security.flows.record(tuple, direction, nowNs);
    const tally: FlowTally = {
      nic: nic.name,
      initiator: tuple,
      direction,
      deciders,
      lastTupleNs: nowNs,
      packetsSent: 0,
      bytesSent: 0,
      packetsReceived: 0,
      bytesReceived: 0,
      finFromInitiator: false,
      finFromResponder: false,
      closedAtNs: undefined,
    };
    const key = this.tallyKeyOf(nic, record);
    this.tallies.set(key, tally);
    this.file(tally, nowNs, 'B', undefined);
    this.count(key, tuple, packet, nowNs);
  }

  /** One number per (NIC, flow record): the NIC's number above the record's id. */
  private tallyKeyOf(nic: WatchedNic, record: NsgFlowRecordId): number {
    return (this.nicNumbers.get(nic) as number) * 2 ** 36 + record;
  }

  private count(key: number, tuple: FiveTuple, packet: TraceEvent['packet'], nowNs: number): void {
    const tally = this.tallies.get(key);
    // Every record is this logger's own, made with its tally.
    if (tally === undefined) return;
    if (tally.closedAtNs === undefined && nowNs - tally.lastTupleNs >= continuingIntervalNs) {
      this.flush(tally, tally.lastTupleNs + continuingIntervalNs, 'C');
    }
    const bytes = ipv4TotalLength(packet);
    const forward = sameFiveTuple(tuple, tally.initiator);
    if (forward) {
      tally.packetsSent++;
      tally.bytesSent += bytes;
    } else {
      tally.packetsReceived++;
      tally.bytesReceived += bytes;
    }
    const payload = packet.payload;
    if (payload.kind === 'tcp' && tally.closedAtNs === undefined) {
      if (hasFlags(payload.flags, TcpFlags.Rst)) tally.closedAtNs = nowNs;
      else if (hasFlags(payload.flags, TcpFlags.Fin)) {
        if (forward) tally.finFromInitiator = true;
        else tally.finFromResponder = true;
        if (tally.finFromInitiator && tally.finFromResponder) tally.closedAtNs = nowNs;
      }
    }
  }

  private closeTally(tally: FlowTally, endNs: number): void {
    if (tally.closedAtNs !== undefined) this.flush(tally, tally.closedAtNs, 'E');
    else if (tally.packetsSent + tally.packetsReceived > 0) this.flush(tally, endNs, 'C');
  }

  private flush(tally: FlowTally, atNs: number, state: 'C' | 'E'): void {
    this.file(tally, atNs, state, {
      packetsSent: tally.packetsSent,
      bytesSent: tally.bytesSent,
      packetsReceived: tally.packetsReceived,
      bytesReceived: tally.bytesReceived,
    });
    tally.lastTupleNs = atNs;
    tally.packetsSent = 0;
    tally.bytesSent = 0;
    tally.packetsReceived = 0;
    tally.bytesReceived = 0;
  }

  private file(
    tally: FlowTally,
    atNs: number,
    flowState: NsgFlowTuple['flowState'],
    counts: NsgFlowTuple['counts'],
  ): void {
    const tuple = tupleOf(tally.initiator, tally.direction, 'A', flowState, atNs, counts);
    for (const decider of tally.deciders) this.filed.push({ ...decider, nic: tally.nic, tuple });
  }

  private fileDenial(nic: WatchedNic, tuple: FiveTuple, direction: NsgDirection, decider: Decider, atNs: number): void {
    const minute = Math.floor(atNs / nsPerMinute);
    const key = `${minute}|${nic.name}|${tuple.protocol}|${tuple.srcAddress}|${tuple.srcPort}|${tuple.dstAddress}|${tuple.dstPort}`;
    if (this.deniedThisMinute.has(key)) return;
    this.deniedThisMinute.add(key);
    this.filed.push({ ...decider, nic: nic.name, tuple: tupleOf(tuple, direction, 'D', 'B', atNs, undefined) });
  }
}

/** The NIC of `nics` with `address`, else the first (a floating-IP packet carries the VIP). */
function pickNic(nics: readonly WatchedNic[], address: Ipv4Address): WatchedNic {
  return nics.find((nic) => nic.address === address) ?? (nics[0] as WatchedNic);
}

function tupleOf(
  tuple: FiveTuple,
  direction: NsgDirection,
  decision: 'A' | 'D',
  flowState: NsgFlowTuple['flowState'],
  atNs: number,
  counts: NsgFlowTuple['counts'],
): NsgFlowTuple {
  return {
    atNs,
    srcIp: formatIpv4Address(tuple.srcAddress),
    dstIp: formatIpv4Address(tuple.dstAddress),
    srcPort: tuple.srcPort,
    dstPort: tuple.dstPort,
    protocol: tuple.protocol === IpProtocol.Udp ? 'U' : 'T',
    direction: direction === 'Inbound' ? 'I' : 'O',
    decision,
    flowState,
    counts,
  };
}

/** Files tuples into records: per minute of the tuple's time and NSG, then rule, then NIC, in time order. */
function groupRecords(filed: readonly Filed[]): NsgFlowLogRecord[] {
  const sorted = [...filed].sort((a, b) => a.tuple.atNs - b.tuple.atNs);
  const records = new Map<string, { atNs: number; nsg: string; rules: Map<string, Map<string, NsgFlowTuple[]>> }>();
  for (const entry of sorted) {
    const minuteNs = Math.floor(entry.tuple.atNs / nsPerMinute) * nsPerMinute;
    const key = `${minuteNs}|${entry.nsg}`;
    let record = records.get(key);
    if (record === undefined) {
      record = { atNs: minuteNs, nsg: entry.nsg, rules: new Map() };
      records.set(key, record);
    }
    let byNic = record.rules.get(entry.rule);
    if (byNic === undefined) {
      byNic = new Map();
      record.rules.set(entry.rule, byNic);
    }
    const tuples = byNic.get(entry.nic);
    if (tuples === undefined) byNic.set(entry.nic, [entry.tuple]);
    else tuples.push(entry.tuple);
  }
  return [...records.values()]
    .sort((a, b) => a.atNs - b.atNs || (a.nsg < b.nsg ? -1 : a.nsg > b.nsg ? 1 : 0))
    .map((record) => ({
      atNs: record.atNs,
      nsg: record.nsg,
      rules: [...record.rules].map(([rule, byNic]) => ({
        rule,
        flows: [...byNic].map(([nic, tuples]) => ({ nic, tuples })),
      })),
    }));
}
