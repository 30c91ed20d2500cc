/**
 * The simulation worker: the page's scenario runs here, off the page's thread, so the page
 * stays responsive and a run can be stopped (by terminating this worker). `pnpm build:web`
 * bundles this file as a classic script and embeds its text in the page's script, which starts
 * it from a Blob URL: Chromium refuses workers loaded from file:// URLs.
 */

import { thinProgress } from './progress-steps.ts';
import { renderReport } from './render-report.ts';
import { runScenarioText } from './run-scenario-text.ts';
import { traceConnection } from './trace-connection.ts';
import { validateScenarioText } from './validate-scenario-text.ts';
import type { WorkerRequest, WorkerResponse } from './worker-protocol.ts';

/** The part of a dedicated worker's global scope used here (the DOM library types the page's). */
interface WorkerScope {
  onmessage: ((event: MessageEvent) => void) | null;
  addEventListener(type: 'message', listener: (event: MessageEvent<WorkerRequest>) => void): void;
  postMessage(message: WorkerResponse, transfer?: Transferable[]): void;
}

const scope = globalThis as unknown as WorkerScope;

/** Answers one request, posting progress and results as they come. */
async function answer(request: WorkerRequest): Promise<void> {
  const post = (message: WorkerResponse, transfer: Transferable[] = []) => scope.postMessage(message, transfer);
  const progress = (phase: 'simulating' | 'report' | 'trace', durationNs: number) =>
    thinProgress(durationNs, (nowNs) => post({ id: request.id, kind: 'progress', phase, nowNs, durationNs }));
  switch (request.kind) {
    case 'validate': {
      post({ id: request.id, kind: 'diagnostics', ...validateScenarioText(request.source) });
      return;
    }
    case 'trace': {
      let report: ((nowNs: number) => void) | undefined;
      const traced = traceConnection(request.source, request.seed, request.connection, (nowNs, durationNs) => {
        report ??= progress('trace', durationNs);
        report(nowNs);
      });
      if ('refused' in traced) post({ id: request.id, kind: 'failed', message: traced.refused });
      else post({ id: request.id, kind: 'trace', text: traced.text, rows: traced.rows });
      return;
    }
    case 'run': {
      let report: ((nowNs: number) => void) | undefined;
      const run = runScenarioText(request.source, request.seed, (nowNs, durationNs) => {
        report ??= progress('simulating', durationNs);
        report(nowNs);
      });
      if ('refused' in run) {
        post({ id: request.id, kind: 'failed', message: run.refused });
        return;
      }
      // The captures' buffers move to the page rather than being copied.
      const buffers = run.outputs.captures.map((capture) => capture.bytes.buffer as ArrayBuffer);
      post({ id: request.id, kind: 'result', outputs: run.outputs }, buffers);
      if (!request.report) return;
      const html = await renderReport(run, request.source.file, progress('report', run.scenario.duration));
      // elkjs's bundled build, finding itself in a worker, takes the worker's onmessage for its
      // own protocol when it lays out (elk.bundled.js): the page's requests are not for it.
      scope.onmessage = null;
      post({ id: request.id, kind: 'report', html });
      return;
    }
  }
}

// A listener rather than onmessage, which elkjs overwrites (see above).
scope.addEventListener('message', (event) => {
  const request = event.data;
  answer(request).catch((error: unknown) => {
    const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    scope.postMessage({ id: request.id, kind: 'failed', message: `lbsim: internal error: ${message}` });
  });
});
