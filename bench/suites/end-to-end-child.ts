/**
 * Runs one end-to-end workload in a fresh process (so peak heap is this run's alone) and
 * prints its measurements as one JSON line. Started by `end-to-end.ts`; argument: connections.
 */
import { parseScenarioText, runScenario } from '@lbsim/scenario';
import { endToEndScenarioText, issueSize } from '../workloads/end-to-end.ts';

const connections = Number(process.argv[2] ?? issueSize.connections);
const clients = Math.min(issueSize.clients, connections / 10);
const loaded = parseScenarioText(endToEndScenarioText({ ...issueSize, connections, clients }), 'bench-end-to-end.yaml');
if (!loaded.ok) throw new Error(`the end-to-end workload does not load: ${loaded.errors[0]?.message}`);
let packetHops = 0;
let peakHeapBytes = process.memoryUsage().heapUsed;
const started = performance.now();
const result = runScenario(loaded.scenario, {
  // A hop is a packet crossing one link: the fabric records one `receive` per crossing.
  sinks: [{ record: (event) => void (event.kind === 'receive' && packetHops++) }],
  onProgress: () => {
    peakHeapBytes = Math.max(peakHeapBytes, process.memoryUsage().heapUsed);
  },
});
const wallMs = performance.now() - started;
const completed = result.traffic.reduce(
  (sum, item) => sum + item.outcomes.filter(([outcome]) => outcome === 'completed').reduce((s, [, n]) => s + n, 0),
  0,
);
console.log(
  JSON.stringify({
    connections,
    clients,
    completed,
    wallMs,
    packetHops,
    events: result.status.eventsRun,
    peakHeapBytes: Math.max(peakHeapBytes, process.memoryUsage().heapUsed),
    maxRssBytes: process.resourceUsage().maxRSS * 1024,
  }),
);
