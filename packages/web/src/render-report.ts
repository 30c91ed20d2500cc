/**
 * The report's views for the page: the very page `lbsim run --report` writes (topology,
 * sequence diagrams of the chosen connections, probe timelines, SNAT port use), built by the
 * command line's report builder from the run the page just made. The playground shows it in a
 * sandboxed frame, so its styles and ids stay apart from the page's.
 */
import { buildReport, vantageOrder } from '@lbsim/sim-cli/portable';
import type { TextRun } from './run-scenario-text.ts';

/**
 * The report page (HTML text) of `run`; `onProgress` gets the virtual time of the second run
 * that records the drawn connections' sequences, ns.
 */
export function renderReport(run: TextRun, file: string, onProgress: (nowNs: number) => void): Promise<string> {
  return buildReport({
    scenario: run.scenario,
    scenarioFile: file,
    result: run.result,
    nodeCounts: run.counters.countsInOrder(vantageOrder(run.scenario)),
    connections: [],
    recorded: undefined,
    onProgress,
  });
}
