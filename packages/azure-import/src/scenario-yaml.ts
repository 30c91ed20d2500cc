/**
 * The imported scenario as YAML text: the document, with a header saying where it came from,
 * what was assumed and what was not mapped, and comments on the default traffic and
 * expectations so the user knows they are lbsim's guesses to edit.
 */
import { Document, isMap, isPair, isScalar } from 'yaml';
import type { ImportNote } from './azure-resource.ts';
import type { ScenarioDocument } from './map-resources.ts';

/** What the header of the file tells. */
export interface ScenarioYamlNotes {
  readonly source: string;
  readonly assumptions: readonly string[];
  readonly problems: readonly ImportNote[];
  readonly unmapped: readonly ImportNote[];
  readonly added: readonly string[];
}

const comment = (lines: readonly string[]) => lines.map((line) => ` ${line}`).join('\n');

/** The YAML text of `scenario`, with `notes` as comments. */
export function scenarioYaml(scenario: ScenarioDocument, notes: ScenarioYamlNotes): string {
  const document = new Document(scenario);
  const header = [
    `Imported by lbsim import from ${notes.source}.`,
    'Azure names are kept; each key is documented with the Azure property it stands for',
    '(docs/scenario-format.md).',
    ...(notes.assumptions.length === 0
      ? []
      : ['', 'Assumed (the input does not fix these):', ...notes.assumptions.map((line) => `- ${line}`)]),
    ...(notes.problems.length === 0
      ? []
      : ['', 'Could not evaluate (left out):', ...notes.problems.map((note) => `- ${note.path}: ${note.message}`)]),
    ...(notes.unmapped.length === 0
      ? []
      : [
          '',
          'Not mapped (lbsim import lists these with the reason):',
          ...notes.unmapped.map((note) => `- ${note.path}: ${note.message}`),
        ]),
  ];
  document.commentBefore = comment(header);
  if (isMap(document.contents)) {
    for (const pair of document.contents.items) {
      if (!isPair(pair) || !isScalar(pair.key)) continue;
      if (pair.key.value === 'traffic') {
        pair.key.commentBefore = comment([
          '',
          'Default traffic added by lbsim import: edit or replace it with the flows you care about.',
          ...notes.added.map((line) => `Added: ${line}.`),
        ]);
      }
      if (pair.key.value === 'expect') {
        pair.key.commentBefore = comment([
          '',
          'A stub: what you expect of the traffic above. lbsim run exits 1 when it is not met.',
        ]);
      }
    }
  }
  return document.toString({ lineWidth: 0 });
}
