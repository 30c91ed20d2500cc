/**
 * The entry of every fresh process `pnpm bench` starts: one figure (or one workload run) per
 * process, so that heap, JIT state and garbage of one measurement never weigh on the next.
 * Prints one JSON line: the figures, or a {@link WorkloadRun}.
 *
 * Usage: node --expose-gc --import tsx bench/suites/child.ts <suite> [args…] [--shipped]
 *   maglev <backends> <timeMs> | flow-table <entries> | flow-hash <timeMs>
 *   tcp <connections> <root> | udp <flows> <packets> <root> | scale <connections> <root>
 * `root` is the checkout whose sources the workload runs (this one, or a baseline to compare).
 * `--shipped` runs the workloads from `root`'s scenario package bundled as lbsim ships it
 * (shipped-module.ts) rather than from its sources through tsx.
 */
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type * as ScenarioModule from '@lbsim/scenario';
import { benchShape, type EndToEndShape, endToEndScenarioText, issueSize } from '../workloads/end-to-end.ts';
import { udpEchoScenarioText, udpEchoVip } from '../workloads/udp-echo.ts';
import { cpuTimeMs } from './cpu-time.ts';
import { measureFlowHash } from './flow-hash.ts';
import { measureFlowTable } from './flow-table.ts';
import { measureMaglevBuild } from './maglev.ts';
import { importShippedScenarioModule } from './shipped-module.ts';
import { type WarmUp, type WorkloadRun, warmUpSampleEvents } from './workload-run.ts';

/** The scale runs' shape: the million-connection scenario's (HTTP GETs, 100 clients, one every 100 ms each). */
const scaleShape: EndToEndShape = { exchange: 'http-get', everyMs: 100, name: 'bench-scale' };

const { positionals, values } = parseArgs({
  allowPositionals: true,
  options: { shipped: { type: 'boolean', default: false } },
});
const [suite, ...args] = positionals;
const numberAt = (index: number): number => Number(args[index]);
const rootAt = (index: number): string => args[index] ?? join(import.meta.dirname, '..', '..');

const output = await (async (): Promise<unknown> => {
  switch (suite) {
    case 'maglev':
      return measureMaglevBuild(numberAt(0), numberAt(1));
    case 'flow-table':
      return measureFlowTable(numberAt(0));
    case 'flow-hash':
      return measureFlowHash(numberAt(0));
    case 'tcp':
      return runEndToEnd(await loadScenarioModule(rootAt(1)), numberAt(0), benchShape);
    case 'scale':
      return runEndToEnd(await loadScenarioModule(rootAt(1)), numberAt(0), scaleShape);
    case 'udp':
      return runUdpEcho(await loadScenarioModule(rootAt(2)), numberAt(0), numberAt(1));
    default:
      throw new Error(`unknown bench suite ${suite}`);
  }
})();
console.log(JSON.stringify(output));

/** The scenario package of the checkout at `root` (a baseline's, or this one's). */
async function loadScenarioModule(root: string): Promise<typeof ScenarioModule> {
  if (values.shipped === true) return (await importShippedScenarioModule(root)) as typeof ScenarioModule;
  return (await import(join(root, 'packages/scenario/src/index.ts'))) as typeof ScenarioModule;
}

/** Heap sampling for the progress callback. */
function heapSampler(): { sample: () => void; readonly peak: () => number } {
  let peak = process.memoryUsage().heapUsed;
  return {
    sample: () => {
      peak = Math.max(peak, process.memoryUsage().heapUsed);
    },
    peak: () => Math.max(peak, process.memoryUsage().heapUsed),
  };
}

/** The TCP workload (and the scale runs) through `runScenario`, as `lbsim run` runs it. */
function runEndToEnd(lbsim: typeof ScenarioModule, connections: number, shape: EndToEndShape): WorkloadRun {
  const clients = shape === benchShape ? Math.min(issueSize.clients, connections / 10) : 100;
  const text = endToEndScenarioText({ ...issueSize, connections, clients }, shape);
  const loaded = lbsim.parseScenarioText(text, 'bench-end-to-end.yaml');
  if (!loaded.ok) throw new Error(`the end-to-end workload does not load: ${loaded.errors[0]?.message}`);
  let packetHops = 0;
  const heap = heapSampler();
  const curve: WarmUpSample[] = [{ hops: 0, cpuMs: 0 }];
  const startedCpuMs = cpuTimeMs();
  const startedWallMs = performance.now();
  const result = lbsim.runScenario(loaded.scenario, {
    // A hop is a packet crossing one link: the fabric records one `receive` per crossing.
    sinks: [{ kinds: ['receive'], record: (event) => void (event.kind === 'receive' && packetHops++) }],
    // Every 65,536 events (the kernel's default).
    onProgress: () => {
      heap.sample();
      curve.push({ hops: packetHops, cpuMs: cpuTimeMs() - startedCpuMs });
    },
  });
  const cpuMs = cpuTimeMs() - startedCpuMs;
  const wallMs = performance.now() - startedWallMs;
  // The curve ends at the last sample in the event loop: after the loop, runScenario builds the
  // run's summaries, which are no packet's work.
  const completed = result.traffic.reduce(
    (sum, item) => sum + item.outcomes.filter(([outcome]) => outcome === 'completed').reduce((s, [, n]) => s + n, 0),
    0,
  );
  return {
    cpuMs,
    wallMs,
    packetHops,
    events: result.status.eventsRun,
    completed,
    started: connections,
    peakHeapBytes: heap.peak(),
    maxRssBytes: process.resourceUsage().maxRSS * 1024,
    ...warmUpField(curve),
  };
}

/**
 * The ns-3-shaped UDP echo (workloads/udp-echo.ts): the world is built from the scenario, then
 * `flows` client sockets ping-pong `packets` datagrams each through the Mux. Only the event
 * loop is timed.
 */
function runUdpEcho(lbsim: typeof ScenarioModule, flows: number, packets: number): WorkloadRun {
  const loaded = lbsim.parseScenarioText(udpEchoScenarioText(3600), 'bench-udp-echo.yaml');
  if (!loaded.ok) throw new Error(`the UDP echo workload does not load: ${loaded.errors[0]?.message}`);
  const world = lbsim.buildWorld(loaded.scenario);
  const client = world.clients.get('client-1');
  if (client === undefined) throw new Error('the UDP echo workload has no client-1');
  const endpoint = client.endpoint;
  const clientAddress = 0xc6120001; // 198.18.0.1
  const vip = udpEchoVip.address.split('.').reduce((acc, part) => acc * 256 + Number(part), 0);
  // The manager programs the Mux and Host Agent within the first 10 ms; start after that.
  const startNs = 1_000_000_000;
  world.kernel.runUntil(startNs);
  // A hop is a packet crossing one link: the fabric records one `receive` per crossing. A
  // tracer that counts events by kind counts them without a sink (a baseline checkout's may not).
  const tracer = world.tracer;
  const countsKinds = typeof (tracer as { countOf?: unknown }).countOf === 'function';
  const receivesBefore = countsKinds ? tracer.countOf('receive') : 0;
  let sunkHops = 0;
  if (!countsKinds) tracer.subscribe({ record: (event) => void (event.kind === 'receive' && sunkHops++) });
  let completed = 0;
  for (let flow = 0; flow < flows; flow++) {
    const localPort = endpoint.allocateEphemeralPort();
    if (localPort === undefined) throw new Error('the UDP echo client ran out of ephemeral ports');
    let sent = 0;
    const send = (): void => {
      sent++;
      endpoint.sendUdp({
        localAddress: clientAddress,
        localPort,
        remoteAddress: vip,
        remotePort: udpEchoVip.port,
        payloadLength: 100,
        connectionId: flow + 1,
      });
    };
    endpoint.bindUdp(localPort, clientAddress, {
      onDatagram: () => {
        if (sent < packets) return send();
        completed++;
        endpoint.unbindUdp(localPort, clientAddress);
      },
    });
    send();
  }
  const heap = heapSampler();
  const hopsSoFar = (): number => (countsKinds ? tracer.countOf('receive') - receivesBefore : sunkHops);
  const curve: WarmUpSample[] = [{ hops: 0, cpuMs: 0 }];
  const eventsBefore = world.kernel.eventsRun;
  const startedCpuMs = cpuTimeMs();
  const startedWallMs = performance.now();
  const sample = (_nowNs: number, eventsRun: number): void => {
    curve.push({ hops: hopsSoFar(), cpuMs: cpuTimeMs() - startedCpuMs });
    if (eventsRun % 65_536 === 0) heap.sample();
  };
  // In 10 ms steps, so that the run ends when the last flow does rather than at the scenario's
  // end (health probes go on meanwhile); stepping does not change the order of events.
  for (let untilNs = startNs; completed < flows && untilNs < loaded.scenario.duration; ) {
    untilNs += 10_000_000;
    world.kernel.runUntil(untilNs, sample, warmUpSampleEvents);
  }
  const cpuMs = cpuTimeMs() - startedCpuMs;
  const wallMs = performance.now() - startedWallMs;
  const packetHops = hopsSoFar();
  curve.push({ hops: packetHops, cpuMs });
  return {
    cpuMs,
    wallMs,
    packetHops,
    events: world.kernel.eventsRun - eventsBefore,
    completed,
    started: flows,
    peakHeapBytes: heap.peak(),
    maxRssBytes: process.resourceUsage().maxRSS * 1024,
    ...warmUpField(curve),
  };
}

/** The run's `warmUp` field, or none when {@link warmUpOf} has no figures for it. */
function warmUpField(curve: readonly WarmUpSample[]): { readonly warmUp?: WarmUp } {
  const warmUp = warmUpOf(curve);
  return warmUp === undefined ? {} : { warmUp };
}

/** Hops and CPU ms since the start of the event loop, at one point of a run. */
interface WarmUpSample {
  readonly hops: number;
  readonly cpuMs: number;
}

/**
 * The rates over the first and the last tenth of a run's hops, from samples in increasing
 * order that start at (0, 0) and end at the run's end: each tenth is widened to the nearest
 * sample, so it covers at least 10 % of the hops. `undefined` for a run sampled fewer than
 * ten times (the TCP workload below 10,000 connections): a "tenth" would stretch over much more.
 */
function warmUpOf(curve: readonly WarmUpSample[]): WarmUp | undefined {
  if (curve.length < 11) return undefined;
  const start = curve[0] as WarmUpSample;
  const end = curve[curve.length - 1] as WarmUpSample;
  const tenth = (end.hops - start.hops) / 10;
  const firstEnd = curve.find((point) => point.hops - start.hops >= tenth) ?? end;
  const lastStart = curve.findLast((point) => end.hops - point.hops >= tenth) ?? start;
  const rate = (from: WarmUpSample, to: WarmUpSample): number =>
    ((to.hops - from.hops) * 1000) / (to.cpuMs - from.cpuMs);
  return {
    firstTenthHopsPerCpuS: rate(start, firstEnd),
    lastTenthHopsPerCpuS: rate(lastStart, end),
    firstTenthCpuMs: firstEnd.cpuMs - start.cpuMs,
  };
}
