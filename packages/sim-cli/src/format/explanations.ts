/**
 * Explanations for people (`RunResult.explanations`): one line each in the run summary, in
 * full for `lbsim explain` — what was seen, where it went wrong (time, node, packet, drop
 * reason and the node's note), why, the catalogue failure mode and the fix, and the command
 * that shows it in the trace.
 */
import { formatTimeNs } from '@lbsim/core';
import { type Explanation, failureModes, type RunResult } from '@lbsim/scenario';

/** Width full explanations are wrapped to, in characters. */
const wrapWidth = 100;

/** The failure mode in words: `→ nsg-blocks-probe`, or that it is none of the catalogue's. */
function describeMode(explanation: Explanation): string {
  return explanation.failureMode === undefined ? 'not a catalogue failure mode' : explanation.failureMode;
}

/** `The Muxes had …` → `the Muxes had …`, leaving names (`NSG`, `web-1`) alone. */
function lowerFirst(text: string): string {
  return /^[A-Z][a-z]/.test(text) ? text.charAt(0).toLowerCase() + text.slice(1) : text;
}

/** Ids of explanations other explanations name as their cause (shown inside those, not again). */
function causeIds(explanations: readonly Explanation[]): Set<string> {
  return new Set(explanations.flatMap((explanation) => explanation.causedBy));
}

/**
 * The summary's lines, one per explanation, e.g. `10 connections of web timed out: the Muxes
 * had no healthy DIP … → nsg-blocks-probe; fix: …`. Health explanations that a connection
 * explanation already names as its cause are left out: that line says it.
 */
export function formatExplanationLines(result: RunResult): string[] {
  const named = causeIds(result.explanations);
  return result.explanations
    .filter((explanation) => !named.has(explanation.id))
    .map(
      (explanation) =>
        `  ${explanation.headline}: ${lowerFirst(explanation.cause)} → ${describeMode(explanation)}; fix: ${explanation.fix}`,
    );
}

/** `connections 31, 32, 33, 91, 92 and 8 more`. */
function describeConnectionIds(ids: readonly number[]): string {
  const shown = ids.slice(0, 5).join(', ');
  return ids.length <= 5
    ? `connection${ids.length === 1 ? '' : 's'} ${shown}`
    : `connections ${shown} and ${ids.length - 5} more`;
}

/** Words wrapped to `width`, continuation lines indented by `indent`. */
function wrap(text: string, indent: string, width = wrapWidth): string {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(' ')) {
    if (line !== '' && indent.length + line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else {
      line = line === '' ? word : `${line} ${word}`;
    }
  }
  if (line !== '') lines.push(line);
  return lines.join(`\n${indent}`);
}

/** One labelled field of a full explanation, wrapped under its label (unless it is a command to copy). */
function field(label: string, text: string, wrapped = true): string {
  const head = `    ${`${label}:`.padEnd(9)}`;
  return `${head}${wrapped ? wrap(text, ' '.repeat(head.length)) : text}`;
}

/** The evidence lines: `31.005050000 s  mux-1  TCP … [SYN] 56 B` then `dropped (reason): note`. */
function formatEvidence(explanation: Explanation): string[] {
  return explanation.evidence.map((item) => {
    const packet = item.packet === '' ? '' : `  ${item.packet}`;
    const what =
      item.reason === undefined
        ? item.note
        : `${item.packet === '' ? 'a packet was dropped' : 'dropped'} (${item.reason}): ${item.note}`;
    const label = item.connection === undefined ? '' : ` (connection ${item.connection})`;
    return field('where', `${formatTimeNs(item.atNs)} s at ${item.node}${label}${packet} — ${what}`);
  });
}

/** A command that shows the explanation in the trace, or `undefined`. */
function suggestTrace(explanation: Explanation, file: string): string | undefined {
  const first = explanation.connections[0];
  if (first !== undefined) return `lbsim run ${file} --trace --connection ${first}`;
  const node = explanation.evidence[0]?.node;
  if (explanation.subject === 'health' && node !== undefined) return `lbsim run ${file} --trace --at ${node}`;
  return undefined;
}

/** One explanation in full, for `lbsim explain`. */
export function formatExplanation(explanation: Explanation, file: string): string {
  const lines = [`${explanation.id}  ${explanation.headline} → ${describeMode(explanation)}`];
  const seen =
    explanation.connections.length === 0
      ? explanation.symptom
      : `${explanation.symptom} (${describeConnectionIds(explanation.connections)})`;
  lines.push(field('seen', seen));
  lines.push(...formatEvidence(explanation));
  lines.push(field('why', explanation.cause));
  if (explanation.causedBy.length > 0) lines.push(field('because', `see ${explanation.causedBy.join(', ')}`));
  lines.push(field('fix', explanation.fix));
  const mode = explanation.failureMode;
  lines.push(
    field(
      'mode',
      mode === undefined
        ? "none of the catalogue's failure modes; the fix above is the general one"
        : `${mode}: ${failureModes[mode]} (scenarios/${mode}/; lbsim explain ${mode}/fixed shows the fix working)`,
    ),
  );
  const trace = suggestTrace(explanation, file);
  if (trace !== undefined) lines.push(field('trace', trace, false));
  return lines.join('\n');
}

/** Every explanation of a run in full, after a heading line; ends in a newline. */
export function formatExplanations(result: RunResult, file: string): string {
  const head = `${result.name} (${file}): seed ${result.seed}`;
  if (result.explanations.length === 0) {
    return `${head}\n\nNothing to explain: every connection succeeded and no probe marked a DIP down.\n`;
  }
  const count = result.explanations.length;
  const body = result.explanations.map((explanation) => formatExplanation(explanation, file));
  return `${head}: ${count} explanation${count === 1 ? '' : 's'}\n\n${body.join('\n\n')}\n`;
}
