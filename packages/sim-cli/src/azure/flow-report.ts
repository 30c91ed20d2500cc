/**
 * What `lbsim flow` tells of one connection, as data: the frontend and rule it matches (or the
 * near misses), the probe state of the rule's DIPs when it starts, the Mux and DIP the run
 * chose, every hop of its packets with the node's own note, the outcome, and the verdict the
 * run's explanation gives (the same diagnosis `lbsim explain` prints, so the two agree by
 * construction). In Network Watcher's spirit (IP flow verify, connection troubleshoot:
 * https://learn.microsoft.com/azure/network-watcher/ip-flow-verify-overview), from a run.
 */
import { formatIpv4Address, formatTimeNs, type TraceEvent } from '@lbsim/core';
import { describePacket, type NsgFlowVerdict, type RunResult, type Scenario } from '@lbsim/scenario';

/** One hop of the connection's packets. */
export interface FlowHop {
  readonly atNs: number;
  readonly node: string;
  readonly kind: TraceEvent['kind'];
  readonly packet: string;
  readonly note: string;
  readonly reason: string | undefined;
}

/** A rule a frontend has, and whether the flow matches it. */
export interface FlowRuleMatch {
  readonly loadBalancer: string;
  readonly frontend: string;
  readonly rule: string;
  readonly kind: 'load-balancing rule' | 'inbound NAT rule';
  readonly protocol: string;
  readonly frontendPort: number;
  readonly backendPort: number;
  /** Why not, for a near miss; `undefined` when it matches. */
  readonly miss: string | undefined;
}

/** The probe state of one DIP when the flow starts. */
export interface FlowProbeState {
  readonly probe: string;
  readonly dip: string;
  readonly vm: string;
  readonly state: 'unknown' | 'up' | 'down';
  readonly since: number | undefined;
  readonly why: string | undefined;
}

/** The whole report (`--json` prints it as is). */
export interface FlowReport {
  readonly from: string;
  readonly to: string;
  readonly protocol: 'Tcp' | 'Udp';
  readonly atNs: number;
  /** The source port the client's stack chose (lbsim picks ephemeral ports as a guest would). */
  readonly sourcePort: number | undefined;
  readonly rules: readonly FlowRuleMatch[];
  readonly probeStates: readonly FlowProbeState[];
  /** Muxes that handled its packets (ECMP at the router picks one per flow, docs/mechanics.md §1.3). */
  readonly muxes: readonly string[];
  /** DIPs the Muxes sent it to; those that accepted it; those that refused it. */
  readonly dips: readonly string[];
  readonly servedBy: readonly string[];
  readonly refusedBy: readonly string[];
  readonly hops: readonly FlowHop[];
  /**
   * The NSG verdict, allow or deny, at each NIC where its packets opened a flow: the groups
   * evaluated (subnet's and NIC's, in Azure's order), the rule that decided each, its priority
   * and direction, as Network Watcher's IP flow verify names them.
   */
  readonly nsgVerdicts: readonly NsgFlowVerdict[];
  /** `completed`, `timed-out`, `refused`, … as the run's connection outcome. */
  readonly outcome: string;
  /** The first drop: where and why, when there was one. */
  readonly firstDrop: { readonly node: string; readonly reason: string; readonly note: string } | undefined;
  /** The run's explanation of this connection, when it failed. */
  readonly verdict:
    | {
        readonly explanation: string;
        readonly failureMode: string | undefined;
        readonly cause: string;
        readonly fix: string;
      }
    | undefined;
}

/** The rules of the frontends at `address`, with how the flow matches each. */
export function matchRules(
  scenario: Scenario,
  address: string,
  port: number,
  protocol: 'Tcp' | 'Udp',
): FlowRuleMatch[] {
  const matches: FlowRuleMatch[] = [];
  for (const lb of scenario.loadBalancers) {
    for (const frontend of lb.frontends.filter((candidate) => candidate.ip === address)) {
      for (const rule of lb.rules.filter((candidate) => candidate.frontend === frontend.name)) {
        const protocolOk = rule.protocol === 'All' || rule.protocol === protocol;
        const portOk = rule.protocol === 'All' || rule.frontendPort === port;
        matches.push({
          loadBalancer: lb.name,
          frontend: frontend.name,
          rule: rule.name,
          kind: 'load-balancing rule',
          protocol: rule.protocol,
          frontendPort: rule.frontendPort,
          backendPort: rule.backendPort,
          miss:
            protocolOk && portOk
              ? undefined
              : !protocolOk
                ? `protocol ${rule.protocol}, not ${protocol}`
                : `port ${rule.frontendPort}, not ${port}`,
        });
      }
      for (const rule of lb.inboundNatRules.filter((candidate) => candidate.frontend === frontend.name)) {
        const ok = rule.protocol === protocol && rule.frontendPort === port;
        matches.push({
          loadBalancer: lb.name,
          frontend: frontend.name,
          rule: rule.name,
          kind: 'inbound NAT rule',
          protocol: rule.protocol,
          frontendPort: rule.frontendPort,
          backendPort: rule.backendPort,
          miss: ok
            ? undefined
            : rule.protocol !== protocol
              ? `protocol ${rule.protocol}, not ${protocol}`
              : `port ${rule.frontendPort}, not ${port}`,
        });
      }
    }
  }
  return matches;
}

/** The state each DIP probed by the matched rules' probes was in at `atNs`. */
export function probeStatesAt(
  scenario: Scenario,
  run: RunResult,
  matched: readonly FlowRuleMatch[],
  atNs: number,
): FlowProbeState[] {
  const states: FlowProbeState[] = [];
  for (const match of matched.filter(
    (candidate) => candidate.miss === undefined && candidate.kind === 'load-balancing rule',
  )) {
    const lb = scenario.loadBalancers.find((candidate) => candidate.name === match.loadBalancer);
    const rule = lb?.rules.find((candidate) => candidate.name === match.rule);
    if (lb === undefined || rule?.probe === undefined) continue;
    const probe = `${lb.name}/${rule.probe}`;
    const dips = [...new Set(run.healthChanges.filter((change) => change.probe === probe).map((change) => change.dip))];
    for (const dip of dips) {
      const last = run.healthChanges
        .filter((change) => change.probe === probe && change.dip === dip && change.atNs <= atNs)
        .pop();
      const vm = run.healthChanges.find((change) => change.dip === dip)?.vm ?? '';
      states.push({ probe, dip, vm, state: last?.to ?? 'unknown', since: last?.atNs, why: last?.why });
    }
  }
  return states;
}

/** The hops of the connection's packets, from its trace events. */
export function flowHops(events: readonly TraceEvent[]): FlowHop[] {
  return events.map((event) => ({
    atNs: event.atNs,
    node: event.node,
    kind: event.kind,
    packet: describePacket(event.packet),
    note: event.note,
    reason: event.reason,
  }));
}

/** Hops printed as text; `--json` has them all. */
const hopsShown = 24;

/**
 * One verdict as text: `web-1 web-1-nic0 Inbound TCP … → …: Allow (subnet web: web-nsg rule
 * allow-partner-http, priority 110, Allow)`.
 */
export function formatNsgVerdict(verdict: NsgFlowVerdict): string {
  const groups =
    verdict.groups.length === 0
      ? 'no NSG on the NIC or its subnet'
      : verdict.groups
          .map(
            (group) =>
              `${group.scope}: ${group.group} rule ${group.rule}, priority ${group.priority}${group.defaultRule ? ' (default rule)' : ''}, ${group.access}`,
          )
          .join('; ');
  return `${verdict.vm} ${verdict.nic} ${verdict.direction} ${verdict.flow}: ${verdict.access} (${groups})`;
}

/** The report as text. */
export function formatFlowReport(report: FlowReport): string {
  const lines: string[] = [];
  const at = formatTimeNs(report.atNs);
  lines.push(
    `flow ${report.from} → ${report.to} ${report.protocol} at ${at} s${report.sourcePort === undefined ? '' : ` (source port ${report.sourcePort}, chosen by the client's stack)`}`,
  );
  const matched = report.rules.filter((rule) => rule.miss === undefined);
  if (matched.length === 0) lines.push('  rule: none matches: no frontend rule takes this flow');
  for (const rule of matched) {
    lines.push(
      `  rule: ${rule.loadBalancer}/${rule.frontend} ${rule.kind} ${rule.rule} (${rule.protocol} ${rule.frontendPort} → ${rule.backendPort})`,
    );
  }
  for (const rule of report.rules.filter((candidate) => candidate.miss !== undefined)) {
    lines.push(`  near miss: ${rule.loadBalancer}/${rule.frontend} ${rule.kind} ${rule.rule}: ${rule.miss}`);
  }
  for (const state of report.probeStates) {
    lines.push(
      `  probe ${state.probe}: ${state.vm} ${state.dip} ${state.state}${state.since === undefined ? '' : ` since ${formatTimeNs(state.since)} s (${state.why})`}`,
    );
  }
  if (report.muxes.length > 0)
    lines.push(`  mux: ${report.muxes.join(', ')} (the router's ECMP hash of the flow picked it)`);
  if (report.dips.length > 0) {
    lines.push(
      `  dip: ${report.dips.join(', ')} (the Mux's hash over the rule's healthy DIPs, then its flow table)${report.servedBy.length > 0 ? `; served by ${report.servedBy.join(', ')}` : ''}${report.refusedBy.length > 0 ? `; refused by ${report.refusedBy.join(', ')}` : ''}`,
    );
  }
  for (const verdict of report.nsgVerdicts) lines.push(`  nsg: ${formatNsgVerdict(verdict)}`);
  lines.push('  hops:');
  for (const hop of report.hops.slice(0, hopsShown)) {
    lines.push(
      `    ${formatTimeNs(hop.atNs).padStart(12)}  ${hop.node.padEnd(12)} ${hop.kind.padEnd(11)} ${hop.packet}${hop.note === '' ? '' : `  ${hop.note}`}`,
    );
  }
  if (report.hops.length > hopsShown) {
    lines.push(
      `    … ${report.hops.length - hopsShown} more (retransmissions and the rest of the exchange; --json lists every hop)`,
    );
  }
  const drop = report.firstDrop;
  lines.push(
    `outcome: ${report.outcome}${drop === undefined || report.outcome === 'completed' ? '' : ` at ${drop.node}: ${drop.reason}, ${drop.note}`}`,
  );
  if (report.verdict !== undefined) {
    lines.push(
      `verdict: ${report.verdict.cause}${report.verdict.failureMode === undefined ? '' : ` → ${report.verdict.failureMode}`}`,
    );
    lines.push(`fix: ${report.verdict.fix}`);
  }
  return `${lines.join('\n')}\n`;
}

/** A dotted quad of a numeric address. */
export const dottedQuad = formatIpv4Address;
