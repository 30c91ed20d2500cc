/**
 * `pnpm run workshop-picture` draws docs/workshop-from-zero.svg, the picture of the workshop's
 * opening module, from a real run: the topology of scenarios/basic-public-lb.yaml
 * (describeTopology) and the packets of its connection 7 as `lbsim run --json` traces them —
 * the client's SYN through the router's ECMP choice, the Mux's hash and IP-in-IP tunnel, the
 * Host Agent's decapsulation and NAT to the VM, and the SYN-ACK's direct server return that no
 * Mux sees. Every label is a value of that trace. Graphviz compiled to WebAssembly
 * (@hpcc-js/wasm-graphviz, as scripts/architecture.ts) lays it out. `--check` exits 1 when the
 * committed picture is not what the run draws now; test/workshop-picture.test.ts does the same.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Graphviz } from '@hpcc-js/wasm-graphviz';
import { describeTopology, loadScenarioFile, type Topology } from '../packages/scenario/src/index.ts';
import { main } from '../packages/sim-cli/src/index.ts';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

/** Where the picture is committed, relative to the repository root. */
export const workshopPicturePath = 'docs/workshop-from-zero.svg';

/** The run the picture draws: the scenario (from the repository root) and the connection. */
export const workshopPictureRun = { scenario: 'scenarios/basic-public-lb.yaml', connection: 7 } as const;

/** The fields of a `--json` trace record the picture reads. */
interface TraceRecord {
  readonly type: string;
  readonly node: string;
  readonly event: string;
  readonly packetId: number;
  readonly note?: string;
  readonly packet: {
    readonly src: string;
    readonly dst: string;
    readonly tcp?: { readonly srcPort: number; readonly dstPort: number; readonly flags: readonly string[] };
  };
}

/** The trace records of the picture's connection, as `lbsim run --json --connection N` prints them. */
async function traceOf(repositoryRoot: string): Promise<TraceRecord[]> {
  let stdout = '';
  let stderr = '';
  const code = await main(
    [
      'run',
      join(repositoryRoot, workshopPictureRun.scenario),
      '--json',
      '--connection',
      String(workshopPictureRun.connection),
    ],
    { stdout: (text) => (stdout += text), stderr: (text) => (stderr += text), stderrIsTty: false },
  );
  if (code !== 0) throw new Error(`lbsim run ${workshopPictureRun.scenario} failed (${code}): ${stderr}`);
  return stdout
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as TraceRecord)
    .filter((record) => record.type === 'trace');
}

/** The records of the first packet whose TCP flags are exactly `flags`. */
function packetPath(records: readonly TraceRecord[], flags: readonly string[]): TraceRecord[] {
  const first = records.find((record) => record.packet.tcp?.flags.join(',') === flags.join(','));
  if (first === undefined) throw new Error(`the traced connection has no ${flags.join('-')} packet`);
  return records.filter((record) => record.packetId === first.packetId);
}

/** The record of `path` at `node` with `event`; the picture cannot be drawn without it. */
function step(path: readonly TraceRecord[], node: string, event: string): TraceRecord {
  const found = path.find((record) => record.node === node && record.event === event);
  if (found === undefined) throw new Error(`the trace has no ${event} at ${node}`);
  return found;
}

/** A dot string literal. */
function quoted(text: string): string {
  return `"${text.replaceAll('\\', '\\\\').replaceAll('"', '\\"').replaceAll('\n', '\\n')}"`;
}

/** `address:port`. */
function endpoint(address: string, port: number | undefined): string {
  return port === undefined ? address : `${address}:${port}`;
}

/** The picture as Graphviz dot, from the topology and the trace. */
export function workshopPictureDot(topology: Topology, records: readonly TraceRecord[]): string {
  const syn = packetPath(records, ['SYN']);
  const synAck = packetPath(records, ['SYN', 'ACK']);
  const sent = syn[0];
  if (sent === undefined) throw new Error('the SYN has no records');
  const client = sent.node;
  const ecmp = step(syn, topology.router, 'forward');
  const mux = ecmp.note?.split('→ ').at(-1) ?? '';
  const encap = step(syn, mux, 'encapsulate');
  const host = topology.hosts.find((candidate) => syn.some((record) => record.node === candidate.name));
  if (host === undefined) throw new Error('the SYN reaches no host');
  const nat = step(syn, host.name, 'rewrite');
  const vm = syn.find((record) => record.event === 'deliver')?.node ?? '';
  const reply = step(synAck, vm, 'send');
  const reverse = step(synAck, host.name, 'rewrite');
  const back = step(synAck, topology.router, 'forward');
  const tcp = sent.packet.tcp;
  const lines = [
    'digraph lbsim {',
    '  rankdir=LR; newrank=true; nodesep=0.25; ranksep=0.55;',
    '  node [shape=box, style="rounded,filled", fillcolor=white, fontname="Helvetica", fontsize=11];',
    '  edge [fontname="Helvetica", fontsize=9];',
    `  label=${quoted(`${workshopPictureRun.scenario}, connection ${workshopPictureRun.connection}: the SYN (solid) and the SYN-ACK (dashed, direct server return)`)}; labelloc=t; fontname="Helvetica"; fontsize=12;`,
    `  ${quoted(client)} [label=${quoted(`${client}\n${sent.packet.src}`)}];`,
    `  ${quoted(topology.router)} [label=${quoted(`${topology.router}\nECMP over ${topology.muxes.length} Muxes`)}, shape=ellipse];`,
    `  subgraph cluster_muxes { label=${quoted(`Muxes: VIP ${sent.packet.dst}`)}; fontname="Helvetica"; fontsize=10; color=gray50;`,
    ...topology.muxes.map(
      (candidate) =>
        `    ${quoted(candidate.name)} [label=${quoted(`${candidate.name}\n${candidate.address}`)}${candidate.name === mux ? ', fillcolor="#dbe9f6"' : ', color=gray60, fontcolor=gray40'}];`,
    ),
    '  }',
    ...topology.hosts.flatMap((candidate) => [
      `  subgraph ${quoted(`cluster_${candidate.name}`)} { label=${quoted(`${candidate.name}: Host Agent`)}; fontname="Helvetica"; fontsize=10;${candidate.name === host.name ? ' color="#2b6cb0";' : ' color=gray60; fontcolor=gray40;'}`,
      `    ${quoted(candidate.name)} [label=${quoted(`${candidate.name}\nHost Agent`)}${candidate.name === host.name ? ', fillcolor="#dbe9f6"' : ', color=gray60, fontcolor=gray40'}];`,
      ...candidate.vms.map(
        (machine) =>
          `    ${quoted(machine.name)} [label=${quoted(`${machine.name}\nDIP ${machine.nics.map((nic) => nic.address).join(', ')}`)}${machine.name === vm ? ', fillcolor="#dbe9f6"' : ', color=gray60, fontcolor=gray40'}];`,
      ),
      ...candidate.vms
        .filter((machine) => machine.name !== vm)
        .map((machine) => `    ${quoted(candidate.name)} -> ${quoted(machine.name)} [arrowhead=none, color=gray60];`),
      '  }',
    ]),
    ...topology.muxes.map(
      (candidate) =>
        `  ${quoted(topology.router)} -> ${quoted(candidate.name)} [${candidate.name === mux ? `label=${quoted(`1  ${ecmp.note ?? ''}`)}, color="#2b6cb0", penwidth=2` : 'color=gray70, style=dotted, arrowhead=none'}];`,
    ),
    `  { rank=same; ${topology.hosts.map((candidate) => quoted(candidate.name)).join('; ')}; }`,
    ...topology.hosts
      .filter((candidate) => candidate.name !== host.name)
      .map((candidate) => `  ${quoted(mux)} -> ${quoted(candidate.name)} [style=invis];`),
    `  ${quoted(client)} -> ${quoted(topology.router)} [label=${quoted(`SYN ${endpoint(sent.packet.src, tcp?.srcPort)} → ${endpoint(sent.packet.dst, tcp?.dstPort)}`)}, color="#2b6cb0", penwidth=2];`,
    `  ${quoted(mux)} -> ${quoted(host.name)} [label=${quoted(`2  IP-in-IP ${encap.packet.src} → ${encap.packet.dst}\n(through ${topology.router})`)}, color="#2b6cb0", penwidth=2];`,
    `  ${quoted(host.name)} -> ${quoted(vm)} [label=${quoted(`3  ${nat.note ?? ''}`.replace(/ → \S+ \(.*\)$/, ''))}, color="#2b6cb0", penwidth=2];`,
    `  ${quoted(vm)} -> ${quoted(host.name)} [label=${quoted(`SYN-ACK ${endpoint(reply.packet.src, reply.packet.tcp?.srcPort)} → ${endpoint(reply.packet.dst, reply.packet.tcp?.dstPort)}`)}, color="#c05621", style=dashed, constraint=false];`,
    `  ${quoted(host.name)} -> ${quoted(topology.router)} [label=${quoted(`4  ${reverse.note ?? ''}\n${reverse.packet.src} → ${reverse.packet.dst}: no Mux`)}, color="#c05621", style=dashed, constraint=false];`,
    `  ${quoted(topology.router)} -> ${quoted(client)} [label=${quoted(`5  ${back.note ?? ''}`)}, color="#c05621", style=dashed, constraint=false];`,
    '}',
    '',
  ];
  return lines.join('\n');
}

/** The SVG the run draws now. */
export async function workshopPictureSvg(repositoryRoot: string = root): Promise<string> {
  const loaded = loadScenarioFile(join(repositoryRoot, workshopPictureRun.scenario));
  if (!loaded.ok) throw new Error(loaded.errors.map((error) => error.message).join('; '));
  const dot = workshopPictureDot(describeTopology(loaded.scenario), await traceOf(repositoryRoot));
  const graphviz = await Graphviz.load();
  return graphviz.dot(dot, 'svg');
}

async function run(args: readonly string[]): Promise<number> {
  const svg = await workshopPictureSvg();
  const path = join(root, workshopPicturePath);
  if (args.includes('--check')) {
    const same = readFileSync(path, 'utf8') === svg;
    process.stdout.write(
      same
        ? `${workshopPicturePath} is what the run draws\n`
        : `${workshopPicturePath} is out of date: run pnpm run workshop-picture\n`,
    );
    return same ? 0 : 1;
  }
  writeFileSync(path, svg);
  process.stdout.write(`wrote ${workshopPicturePath}\n`);
  return 0;
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) {
  process.exitCode = await run(process.argv.slice(2));
}
