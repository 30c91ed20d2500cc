/**
 * The playground page's script: a student picks a catalogue entry or pastes a scenario, edits
 * it with completion and lbsim's own diagnostics, runs it with a seed, and reads the summary,
 * the explanation, the report's views and the trace of a connection, and downloads the JSON
 * lines and captures — all in this tab, with nothing installed and nothing sent anywhere.
 * `window.lbsimPlayground.run(source, seed)` runs a scenario in a worker apart from the page's and
 * answers its outputs, for scripts and for the tests that compare the page with `lbsim run`.
 */
import catalogue from 'lbsim:catalogue';
import schema from 'lbsim:schema';
import workerSource from 'lbsim:worker-source';
import { showDownloads } from './downloads.ts';
import { parseSeed } from './parse-seed.ts';
import { createScenarioEditor, replaceText } from './scenario-editor.ts';
import { setUpTabs } from './tabs.ts';
import { SimulationWorker } from './worker-client.ts';
import type { DiagnosticView, RunOutputs, ScenarioSource, WorkerResponse } from './worker-protocol.ts';

/** The file name a pasted scenario goes by in messages and capture headers. */
const pastedFile = 'scenario.yaml';
const pastedValue = '';
const pastedTemplate = '# Paste a scenario here (YAML), or start typing: Ctrl-Space lists the keys allowed.\n';

function element<T extends HTMLElement>(id: string): T {
  const found = document.getElementById(id);
  if (found === null) throw new Error(`the page has no #${id}`);
  return found as T;
}

const picker = element<HTMLSelectElement>('catalogue');
const seedInput = element<HTMLInputElement>('seed');
const runButton = element<HTMLButtonElement>('run');
const stopButton = element<HTMLButtonElement>('stop');
const progress = element<HTMLProgressElement>('progress');
const status = element<HTMLElement>('status');
const fileName = element<HTMLElement>('file-name');
const diagnosticsList = element<HTMLElement>('diagnostics');
const summary = element<HTMLElement>('summary-text');
const explanation = element<HTMLElement>('explanation-text');
const reportFrame = element<HTMLIFrameElement>('report-frame');
const reportNote = element<HTMLElement>('report-note');
const connectionPicker = element<HTMLSelectElement>('connection');
const connectionInput = element<HTMLInputElement>('connection-id');
const traceButton = element<HTMLButtonElement>('show-trace');
const traceText = element<HTMLElement>('trace-text');
const downloadList = element<HTMLElement>('download-list');
const selectTab = setUpTabs(element('result-tabs'));

const simulation = new SimulationWorker(workerSource);
const validator = new SimulationWorker(workerSource);
let currentFile = catalogue[0]?.file ?? pastedFile;
let lastRun: { readonly source: ScenarioSource; readonly seed: number | undefined } | undefined;

/** Fills the catalogue picker: one group per failure mode, broken variants first (the catalogue's order). */
function fillPicker(): void {
  const groups = new Map<string, HTMLOptGroupElement>();
  for (const entry of catalogue) {
    const option = new Option(entry.variant === '' ? entry.id : `${entry.id} — ${entry.variant}`, entry.file);
    const groupName = entry.variant === '' ? 'demos' : entry.id;
    let group = groups.get(groupName);
    if (group === undefined) {
      group = document.createElement('optgroup');
      group.label = groupName;
      groups.set(groupName, group);
      picker.append(group);
    }
    group.append(option);
  }
  picker.append(new Option('your own scenario (paste it in)', pastedValue));
}

function sourceOf(text: string): ScenarioSource {
  return { file: currentFile, text };
}

const editor = createScenarioEditor(element('editor'), catalogue[0]?.text ?? pastedTemplate, schema, 'Scenario YAML', {
  validate: (text) =>
    new Promise<readonly DiagnosticView[]>((resolve) => {
      validator.send({ kind: 'validate', source: sourceOf(text) }, (message) => {
        resolve(message.kind === 'diagnostics' ? message.diagnostics : []);
        return true;
      });
    }),
  onDiagnostics: (diagnostics) => {
    diagnosticsList.textContent =
      diagnostics.length === 0 ? 'No problems: lbsim validate accepts it.' : diagnostics.map((d) => d.text).join('\n');
    diagnosticsList.classList.toggle(
      'has-errors',
      diagnostics.some((d) => d.severity === 'error'),
    );
  },
  onChange: () => {},
});

function showFile(): void {
  fileName.textContent = `Runs as lbsim run ${currentFile}${seedInput.value.trim() === '' ? '' : ` --seed ${seedInput.value.trim()}`} would, with the same results.`;
}

function setRunning(running: boolean): void {
  runButton.disabled = running;
  stopButton.disabled = !running;
  traceButton.disabled = running;
}

function describeProgress(message: Extract<WorkerResponse, { kind: 'progress' }>): string {
  const seconds = (ns: number) => (ns / 1e9).toFixed(1);
  const what = { simulating: 'Simulating', report: 'Drawing the report', trace: 'Tracing' }[message.phase];
  return `${what}: ${seconds(message.nowNs)} s of ${seconds(message.durationNs)} s (virtual time)`;
}

function showOutputs(outputs: RunOutputs): void {
  summary.textContent = outputs.summary;
  explanation.textContent = outputs.explanations;
  const verdict = outputs.stopped ?? (outputs.expectationsMet ? 'every expectation met' : 'an expectation was not met');
  status.textContent = `Done (seed ${outputs.seed}): ${verdict}.`;
  connectionPicker.replaceChildren(
    ...outputs.connections.map((connection) => new Option(connection.label, String(connection.id))),
  );
  const first = outputs.connections[0];
  connectionInput.value = first === undefined ? '' : String(first.id);
  const stem = currentFile
    .replace(/^scenarios\//, '')
    .replace(/\.ya?ml$/, '')
    .replaceAll('/', '-');
  showDownloads(downloadList, outputs, stem);
}

function run(): void {
  const seed = parseSeed(seedInput.value);
  if (!seed.ok) {
    status.textContent = seed.error;
    seedInput.focus();
    return;
  }
  const source = sourceOf(editor.state.doc.toString());
  lastRun = { source, seed: seed.seed };
  setRunning(true);
  progress.value = 0;
  status.textContent = 'Starting…';
  reportNote.textContent = 'The report follows the results.';
  reportFrame.srcdoc = '';
  traceText.textContent = '';
  simulation.send({ kind: 'run', source, seed: seed.seed, report: true }, (message) => {
    switch (message.kind) {
      case 'progress':
        progress.value = (100 * message.nowNs) / Math.max(message.durationNs, 1);
        status.textContent = describeProgress(message);
        return false;
      case 'result':
        progress.value = 100;
        showOutputs(message.outputs);
        selectTab('tab-summary');
        return false;
      case 'report':
        reportFrame.srcdoc = message.html;
        reportNote.textContent = 'The page lbsim run --report writes, for this run.';
        setRunning(false);
        return true;
      case 'failed':
        setRunning(false);
        progress.value = 0;
        if (message.message === 'stopped') {
          status.textContent = 'Stopped.';
        } else {
          status.textContent = 'The scenario did not run: see the summary.';
          summary.textContent = message.message;
          selectTab('tab-summary');
        }
        return true;
      default:
        return false;
    }
  });
}

function showTrace(): void {
  if (lastRun === undefined) {
    traceText.textContent = 'Run the scenario first.';
    return;
  }
  const connection = Number(connectionInput.value);
  if (!Number.isInteger(connection) || connection < 1) {
    traceText.textContent = 'Give a connection id: a whole number from 1.';
    connectionInput.focus();
    return;
  }
  setRunning(true);
  traceText.textContent = `Tracing connection ${connection}…`;
  simulation.send({ kind: 'trace', source: lastRun.source, seed: lastRun.seed, connection }, (message) => {
    if (message.kind === 'progress') {
      status.textContent = describeProgress(message);
      return false;
    }
    setRunning(false);
    if (message.kind === 'trace') {
      status.textContent = `Connection ${connection}: ${message.rows} trace rows.`;
      traceText.textContent = message.rows === 0 ? `No packet of connection ${connection} in this run.` : message.text;
    } else if (message.kind === 'failed') {
      traceText.textContent = message.message === 'stopped' ? 'Stopped.' : message.message;
    }
    return true;
  });
}

/** The worker scripts run in: started on first use, apart from the page's, and kept (a start costs seconds). */
let scriptWorker: SimulationWorker | undefined;

/** Runs `source` in the scripts' worker and answers its outputs (no report): for scripts and tests. */
function runForScript(source: ScenarioSource, seed?: number): Promise<RunOutputs> {
  scriptWorker ??= new SimulationWorker(workerSource);
  const worker = scriptWorker;
  return new Promise<RunOutputs>((resolve, reject) => {
    worker.send({ kind: 'run', source, seed, report: false }, (message) => {
      if (message.kind === 'result') resolve(message.outputs);
      else if (message.kind === 'failed') reject(new Error(message.message));
      return message.kind === 'result' || message.kind === 'failed';
    });
  });
}

fillPicker();
picker.value = currentFile;
showFile();
picker.addEventListener('change', () => {
  const entry = catalogue.find((candidate) => candidate.file === picker.value);
  currentFile = entry?.file ?? pastedFile;
  replaceText(editor, entry?.text ?? pastedTemplate);
  showFile();
  status.textContent = entry === undefined ? 'Paste or type a scenario, then run it.' : `Loaded ${entry.file}.`;
});
seedInput.addEventListener('input', showFile);
runButton.addEventListener('click', run);
stopButton.addEventListener('click', () => simulation.stop());
traceButton.addEventListener('click', showTrace);
connectionPicker.addEventListener('change', () => {
  connectionInput.value = connectionPicker.value;
});
(window as unknown as { lbsimPlayground: unknown }).lbsimPlayground = { run: runForScript, catalogue };
