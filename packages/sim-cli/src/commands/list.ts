/**
 * `lbsim list [dir]`: the catalogue at a glance — each scenario's id, variant, name and the
 * first line of its description, marked `[platform]` when the variant turns a platform setting.
 */
import { errorCount, loadScenarioFile, printable } from '@lbsim/scenario';
import { findScenarios } from '../catalogue/find-scenarios.ts';
import { formatColumns } from '../format/columns.ts';
import { neutralizeControls } from '../format/terminal-text.ts';
import type { CliIo, ExitCode } from '../io.ts';

/** Longest description shown, in characters. */
const descriptionWidth = 100;

/** The first line of a description, printable and shortened to {@link descriptionWidth} characters. */
export function firstLine(description: string): string {
  const line = printable(description.trim().split('\n')[0] ?? '');
  return line.length <= descriptionWidth ? line : `${line.slice(0, descriptionWidth - 1)}…`;
}

/** What the description cell starts with when a variant's change is a platform setting. */
export const platformMark = '[platform] ';

/**
 * The description cell: its first line, marked {@link platformMark} when the description says
 * the variant turns a platform behaviour (something no Azure customer can set) and its first
 * line does not say so already, so the label is never cut off with the rest of the text.
 */
export function descriptionCell(description: string): string {
  const line = firstLine(description);
  if (!/platform behaviou?r/i.test(description) || /platform/i.test(line)) return line;
  return firstLine(`${platformMark}${printable(description.trim().split('\n')[0] ?? '')}`);
}

/**
 * Lists the scenarios under `directory`. Exit 0 when every file is a valid scenario, 2 when one
 * is not (it is listed as invalid) or the directory cannot be read or holds none. Entries that
 * cannot be read (a dangling link, a link loop) are skipped and named on standard error.
 */
export function listCommand(directory: string, io: CliIo): ExitCode {
  const found = findScenarios(directory);
  if (!found.ok) {
    io.stderr(`lbsim: ${found.error}\n`);
    return 2;
  }
  for (const entry of found.skipped) io.stderr(neutralizeControls(`lbsim: skipped ${entry.path}: ${entry.reason}\n`));
  if (found.entries.length === 0) {
    io.stderr(`lbsim: no scenario files (*.yaml) under ${directory}\n`);
    return 2;
  }
  let invalid = 0;
  const rows = found.entries.map((entry) => {
    const loaded = loadScenarioFile(entry.path);
    if (!loaded.ok) {
      invalid++;
      const count = errorCount(loaded.errors);
      return [
        entry.id,
        entry.variant || '-',
        '(invalid)',
        `${count} problem${count === 1 ? '' : 's'}: lbsim validate ${entry.path}`,
      ];
    }
    return [entry.id, entry.variant || '-', loaded.scenario.name, descriptionCell(loaded.scenario.description)];
  });
  // Cells are escaped before the columns are measured, so an escaped cell keeps the table aligned.
  const table = [['id', 'variant', 'name', 'description'], ...rows].map((row) => row.map(neutralizeControls));
  io.stdout(formatColumns(table));
  if (invalid > 0) {
    io.stderr(`lbsim: ${invalid} of ${rows.length} scenario files are invalid\n`);
    return 2;
  }
  return 0;
}
