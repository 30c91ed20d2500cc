/**
 * `lbsim flow <scenario | template> --from <ip[:port]> --to <ip:port>`: what happens to one
 * connection, answered by a run. The scenario (or the Azure definition, imported in memory as
 * `lbsim import` would) runs with its own traffic and events plus this one connection, opened
 * at `--at`; the report is read from that run: its trace, its connection summary, its probe
 * verdicts and its explanation (azure/flow-report.ts). Nothing of the data path is re-done here.
 * Exit 0 when the connection completed, 1 when it did not, 2 on bad input.
 */
import { readFileSync } from 'node:fs';
import { parseIpv4Address, type TraceEvent } from '@lbsim/core';
import { loadScenarioFile, nsgFlowVerdicts, parseScenarioText, runScenario, type Scenario } from '@lbsim/scenario';
import { parse, stringify } from 'yaml';
import { type FlowReport, flowHops, formatFlowReport, matchRules, probeStatesAt } from '../azure/flow-report.ts';
import { resolveScenario } from '../catalogue/resolve-scenario.ts';
import { formatDiagnostics } from '../format/diagnostics.ts';
import type { CliIo, ExitCode } from '../io.ts';
import { importFiles } from './import.ts';

/** Options of `lbsim flow`. */
export interface FlowCommandOptions {
  /** A scenario file or catalogue id, or an Azure definition (`.json`) to import in memory. */
  readonly scenario: string;
  readonly catalogue: string;
  /** `ip` or `ip:port`: the source (a client, a VM's NIC address, or any Internet address). */
  readonly from: string;
  /** `ip:port`: the destination, usually a frontend. */
  readonly to: string;
  readonly protocol: 'Tcp' | 'Udp';
  /** When the connection opens, e.g. `6s`; default after the first probe round. */
  readonly at: string | undefined;
  readonly json: boolean;
  readonly parametersFile: string | undefined;
  readonly parameters: readonly string[];
}

type Document = Record<string, unknown>;

/** The scenario document to run: imported from JSON, or the YAML file as written. */
function readDocument(options: FlowCommandOptions, io: CliIo): Document | undefined {
  if (/\.json$/i.test(options.scenario)) {
    const imported = importFiles([options.scenario], options.parametersFile, options.parameters, undefined);
    if (!imported.ok) {
      io.stderr(`lbsim: ${imported.error}\n`);
      return undefined;
    }
    if (imported.result.mappedResources === 0) {
      io.stderr(`lbsim: nothing importable in ${options.scenario}\n`);
      return undefined;
    }
    return imported.result.scenario;
  }
  const resolved = resolveScenario(options.scenario, options.catalogue);
  if (!resolved.ok) {
    io.stderr(`lbsim: ${resolved.error}\n`);
    return undefined;
  }
  // The loader checks the file first (size, YAML features, schema): only a valid one is parsed again.
  const loaded = loadScenarioFile(resolved.path, { heapLimitBytes: io.heapLimitBytes });
  if (!loaded.ok) {
    io.stderr(formatDiagnostics(loaded.errors, loaded.warnings));
    return undefined;
  }
  return parse(readFileSync(resolved.path, 'utf8')) as Document;
}

/** `ip:port` split, or `undefined` when not an IPv4 address with an optional (or required) port. */
function splitEndpoint(text: string, portRequired: boolean): { ip: string; port: number | undefined } | undefined {
  const match = /^(\d{1,3}(?:\.\d{1,3}){3})(?::(\d{1,5}))?$/.exec(text);
  if (match === null || parseIpv4Address(match[1] as string) === undefined) return undefined;
  const port = match[2] === undefined ? undefined : Number(match[2]);
  if ((portRequired && port === undefined) || (port !== undefined && (port < 1 || port > 65535))) return undefined;
  return { ip: match[1] as string, port };
}

/** The name of the node at `ip` in the scenario: a client or a VM (by NIC address). */
function nodeAt(scenario: Scenario, ip: string): string | undefined {
  const client = scenario.clients.find((candidate) => candidate.ip === ip);
  if (client !== undefined) return client.name;
  for (const host of scenario.hosts)
    for (const vm of host.vms) if (vm.nics.some((nic) => nic.ip === ip)) return vm.name;
  return undefined;
}

/** After the first probe round: the longest probe interval, plus a second. */
function defaultAt(scenario: Scenario): string {
  const intervals = scenario.loadBalancers.flatMap((lb) => lb.probes.map((probe) => probe.intervalInSeconds));
  return `${Math.max(1, ...intervals) + 1}s`;
}

function load(document: Document, label: string, io: CliIo): Scenario | undefined {
  const loaded = parseScenarioText(stringify(document), label, { heapLimitBytes: io.heapLimitBytes });
  if (!loaded.ok) {
    io.stderr(formatDiagnostics(loaded.errors, loaded.warnings));
    return undefined;
  }
  return loaded.scenario;
}

/** Runs `lbsim flow`. */
export function flowCommand(options: FlowCommandOptions, io: CliIo): ExitCode {
  const from = splitEndpoint(options.from, false);
  const to = splitEndpoint(options.to, true);
  if (from === undefined || to === undefined) {
    io.stderr(
      `lbsim: ${from === undefined ? `--from takes ip or ip:port, got "${options.from}"` : `--to takes ip:port, got "${options.to}"`}\n`,
    );
    return 2;
  }
  const document = readDocument(options, io);
  if (document === undefined) return 2;
  // An imported definition has no YAML lines of its own: positions are those of the scenario
  // lbsim import would write for it.
  const name = /\.json$/i.test(options.scenario)
    ? `${options.scenario} as imported (lbsim import -o - shows it)`
    : options.scenario;
  const label = `${name} (with the flow)`;
  const base = load(document, name, io);
  if (base === undefined) return 2;

  // The connection as one more traffic item; an unknown Internet source becomes a client.
  let source = nodeAt(base, from.ip);
  const clients = [...((document['clients'] ?? []) as Document[])];
  if (source === undefined) {
    source = 'flow-source';
    clients.push({ name: source, ip: from.ip });
  }
  const traffic = [...((document['traffic'] ?? []) as Document[])];
  const flowIndex = traffic.length;
  traffic.push({
    name: 'lbsim-flow',
    from: source,
    to: `${to.ip}:${to.port}`,
    protocol: options.protocol,
    connections: 1,
    startAt: options.at ?? defaultAt(base),
    ...(options.protocol === 'Udp' ? {} : { app: 'http' }),
  });
  const derived: Document = { ...document, clients, traffic, expect: [] };
  let scenario = load(derived, label, io);
  if (scenario === undefined) return 2;
  const atNs = scenario.traffic[flowIndex]?.startAt ?? 0;
  // Room for the connection to finish or give up (SYN retries take up to ~15 s by default).
  const neededNs = atNs + 30_000_000_000;
  if (scenario.duration < neededNs) {
    scenario = load({ ...derived, duration: `${Math.ceil(neededNs / 1e9)}s` }, label, io);
    if (scenario === undefined) return 2;
  }

  const events: TraceEvent[] = [];
  const result = runScenario(scenario, {
    sinks: [{ record: (event) => (event.meta.connectionId > 0 && event.atNs >= atNs ? events.push(event) : 0) }],
    ...(io.heapLimitBytes === undefined ? {} : { heapLimitBytes: io.heapLimitBytes }),
  });
  const connection = result.connections.find((candidate) => candidate.traffic === flowIndex);
  if (connection === undefined) {
    io.stderr(`lbsim: the run stopped before the flow opened at ${atNs / 1e9} s\n`);
    return 2;
  }
  const explanation = result.explanations.find(
    (candidate) => candidate.subject === 'connections' && candidate.connections.includes(connection.id),
  );
  const rules = matchRules(scenario, to.ip, to.port ?? 0, options.protocol);
  const own = events.filter((event) => event.meta.connectionId === connection.id);
  const hops = flowHops(own);
  const firstDrop = connection.drops[0];
  const report: FlowReport = {
    from: options.from,
    to: options.to,
    protocol: options.protocol,
    atNs,
    sourcePort: connection.localPort,
    rules,
    probeStates: probeStatesAt(scenario, result, rules, atNs),
    muxes: connection.muxes,
    dips: connection.dips,
    servedBy: connection.servedBy,
    refusedBy: connection.refusedBy,
    hops,
    nsgVerdicts: nsgFlowVerdicts(scenario, own),
    outcome: connection.outcome,
    firstDrop:
      firstDrop === undefined ? undefined : { node: firstDrop.node, reason: firstDrop.reason, note: firstDrop.note },
    verdict:
      explanation === undefined
        ? undefined
        : {
            explanation: explanation.id,
            failureMode: explanation.failureMode,
            cause: explanation.cause,
            fix: explanation.fix,
          },
  };
  io.stdout(options.json ? `${JSON.stringify(report, null, 2)}\n` : formatFlowReport(report));
  return connection.outcome === 'completed' ? 0 : 1;
}
