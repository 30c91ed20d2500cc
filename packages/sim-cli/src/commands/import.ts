/**
 * `lbsim import <file…>`: an Azure definition (ARM template with parameters, az CLI JSON, an ARM
 * export, `terraform show -json`) to a scenario file. Prints what was mapped, assumed, and left
 * out (each by JSON path with why), then checks the scenario as `lbsim validate` would.
 * Exit 0 when a scenario was written (with or without warnings), 2 when nothing could be
 * imported, an input could not be read, or the output could not be written.
 */
import { type ImportResult, importAzure } from '@lbsim/azure-import';
import { parseScenarioText } from '@lbsim/scenario';
import { parseParameterOverrides, readImportInput } from '../azure/read-import-inputs.ts';
import { formatDiagnostics } from '../format/diagnostics.ts';
import type { CliIo, ExitCode } from '../io.ts';
import { StagedFile } from '../output/staged-file.ts';

/** Options of `lbsim import`. */
export interface ImportCommandOptions {
  /** Input files: a template, or az / terraform JSON files (one resource kind each or mixed). */
  readonly files: readonly string[];
  /** The template's parameters file. */
  readonly parametersFile: string | undefined;
  /** `--parameter name=value`, repeatable. */
  readonly parameters: readonly string[];
  /** Where to write the scenario; `-` for standard output; default `<name>.yaml`. */
  readonly out: string | undefined;
  /** The scenario name. */
  readonly name: string | undefined;
  /** Replace an existing output file. */
  readonly force: boolean;
}

/** Imports the files in memory: the result, or a one-line reason no import was attempted. */
export function importFiles(
  files: readonly string[],
  parametersFile: string | undefined,
  parameters: readonly string[],
  name: string | undefined,
): { ok: true; result: ImportResult } | { ok: false; error: string } {
  const overrides = parseParameterOverrides(parameters);
  if (!overrides.ok) return overrides;
  const inputs = [];
  for (const file of files) {
    const read = readImportInput(file);
    if (!read.ok) return read;
    inputs.push(read.input);
  }
  let parametersInput: { file: string; text: string } | undefined;
  if (parametersFile !== undefined) {
    const read = readImportInput(parametersFile);
    if (!read.ok) return read;
    parametersInput = read.input;
  }
  return {
    ok: true,
    result: importAzure(inputs, { parameters: parametersInput, overrides: overrides.overrides, name }),
  };
}

/** The notes of an import, as lines for the terminal. */
export function formatImportNotes(result: ImportResult): string {
  const lines: string[] = [];
  const section = (title: string, items: readonly string[]) => {
    if (items.length === 0) return;
    lines.push(`${title} (${items.length}):`, ...items.map((item) => `  ${item}`));
  };
  section(
    'could not evaluate',
    result.problems.map((note) => `${note.path}: ${note.message}`),
  );
  section('assumed', result.assumptions);
  section('added', result.added);
  section(
    'not mapped',
    result.unmapped.map((note) => `${note.path}: ${note.message}`),
  );
  return lines.length === 0 ? '' : `${lines.join('\n')}\n`;
}

/** Runs `lbsim import`. */
export function importCommand(options: ImportCommandOptions, io: CliIo): ExitCode {
  const imported = importFiles(options.files, options.parametersFile, options.parameters, options.name);
  if (!imported.ok) {
    io.stderr(`lbsim: ${imported.error}\n`);
    return 2;
  }
  const result = imported.result;
  io.stderr(formatImportNotes(result));
  if (result.mappedResources === 0) {
    io.stderr(
      `lbsim: nothing importable in ${options.files.join(', ')}: no virtual network, NSG, NIC, load balancer or VM was found\n`,
    );
    return 2;
  }
  const out = options.out ?? `${String(result.scenario['name'])}.yaml`;
  const checked = parseScenarioText(result.yaml, out === '-' ? 'imported scenario' : out);
  if (out === '-') io.stdout(result.yaml);
  else {
    const staged = StagedFile.create(
      out,
      'scenario',
      [...options.files, ...(options.parametersFile === undefined ? [] : [options.parametersFile])],
      options.force,
    );
    if (!staged.ok) {
      io.stderr(`lbsim: ${staged.error}\n`);
      return 2;
    }
    try {
      staged.file.write(new TextEncoder().encode(result.yaml));
    } catch (error) {
      staged.file.discard();
      io.stderr(`lbsim: ${(error as Error).message}\n`);
      return 2;
    }
    const installed = staged.file.install();
    if (!installed.ok) {
      io.stderr(`lbsim: ${installed.error}\n`);
      return 2;
    }
  }
  const counts = `${result.mappedResources} resource${result.mappedResources === 1 ? '' : 's'} mapped, ${result.unmapped.length} not mapped, ${result.problems.length} expression${result.problems.length === 1 ? '' : 's'} not evaluated`;
  if (checked.ok) {
    io.stderr(formatDiagnostics([], checked.warnings));
    io.stderr(
      `${out === '-' ? 'imported' : `wrote ${out}`}: ${counts}; it validates: try lbsim run ${out === '-' ? '<file>' : out}\n`,
    );
  } else {
    io.stderr(formatDiagnostics(checked.errors, checked.warnings));
    io.stderr(
      `${out === '-' ? 'imported' : `wrote ${out}`}: ${counts}; it does not validate yet: fix the errors above (lbsim validate checks again)\n`,
    );
  }
  return 0;
}
