/**
 * The `lbsim` command line: parses arguments with yargs, then runs the command they name — only
 * when they are valid. Returns the exit code instead of exiting, so tests can run it in-process,
 * and {@link checkArguments} parses without running, so docs can be checked command by command.
 */

import { existsSync } from 'node:fs';
import { type CaptureFormat, captureFormats } from '@lbsim/core';
import yargs from 'yargs';
import { defaultCatalogueDirectory } from './catalogue/default-catalogue.ts';
import type { CliIo, ExitCode } from './io.ts';
import { formatVersion, lbsimVersion } from './version.ts';

/** The flag the completion script passes, with the words typed so far. */
const completionRequest = '--get-yargs-completions';

/** Help text of `--catalogue`, shared by the commands that look ids up. */
const catalogueOption = {
  type: 'string',
  describe: 'the catalogue directory catalogue ids are looked up in',
  defaultDescription: 'the catalogue bundled with lbsim',
} as const;

/** Why `seed` is no valid `--seed`, or `undefined` when it is (or absent). */
function seedProblem(seed: number | undefined): string | undefined {
  if (seed === undefined || (Number.isInteger(seed) && seed >= 0 && seed <= 0xffffffff)) return undefined;
  return `--seed must be an integer 0..4294967295, got ${seed}`;
}

/**
 * The completions yargs offers for `words` (the command line typed so far, program name first),
 * one per line. yargs answers words after a command by parsing again with that command's options
 * and printing them with console.log, without settling getCompletion's promise; so the printed
 * lines are collected, and the promise is not waited for beyond the current turn of the loop.
 */
async function completeWords(parser: ReturnType<typeof yargs>, words: readonly string[]): Promise<string> {
  const printed: string[] = [];
  const log = console.log;
  console.log = (...parts: unknown[]) => {
    printed.push(parts.join(' '));
  };
  try {
    const answered = await Promise.race([
      parser.getCompletion([...words]).catch(() => [] as string[]),
      new Promise<undefined>((resolve) => setImmediate(() => resolve(undefined))),
    ]);
    return [...(answered ?? []), ...printed].join('\n');
  } finally {
    console.log = log;
  }
}

/** What parsing an `lbsim` command line gave: the command to run, help text, or a failure. */
interface ParsedArguments {
  /**
   * Runs the command the arguments name; `undefined` for help or on failure. Each command's
   * module is imported only when it runs, so `--help` and a bad argument load none of the
   * simulation.
   */
  readonly command: (() => Promise<ExitCode>) | undefined;
  /** Help text, or yargs' usage text on a failure. */
  readonly output: string;
  /** What is wrong with the arguments, in one line. */
  readonly failure: string | undefined;
}

/** Parses `argv` into the command it names, without running it. */
async function parseArguments(argv: readonly string[], io: CliIo): Promise<ParsedArguments> {
  let command: (() => Promise<ExitCode>) | undefined;
  let failure: string | undefined;
  const parser = yargs([...argv])
    .scriptName('lbsim')
    .usage('$0 <command> [options]\n\nA deterministic packet-level simulator of an Ananta-style cloud load balancer.')
    .option('color', {
      type: 'boolean',
      describe:
        "colour the run summary's verdicts; by default only on a terminal and without NO_COLOR; --no-color turns it off",
    })
    .command(
      'run <scenario>',
      'run a scenario and print what happened; exit 0 when its expectations are met, 1 when not, 2 on bad input',
      (y) =>
        y
          .positional('scenario', {
            type: 'string',
            demandOption: true,
            describe:
              'a scenario file (YAML, read from the current directory), or a catalogue id such as nsg-blocks-probe or nsg-blocks-probe/fixed',
          })
          .option('catalogue', catalogueOption)
          .option('seed', {
            type: 'number',
            describe: "override the scenario's seed (an integer 0..4294967295): same seed, same run",
          })
          .option('trace', {
            type: 'boolean',
            default: false,
            describe:
              'print the packet trace as a capture-style table (time, vantage, event, addresses, protocol, info, length, note)',
          })
          .option('connection', {
            type: 'number',
            array: true,
            default: [] as number[],
            describe:
              'with --trace or --json: only these connection ids (an id the run never started is an error, exit 2); with --report: draw these (repeatable)',
          })
          .option('at', {
            type: 'string',
            array: true,
            default: [] as string[],
            describe:
              'with --trace or --json: only these vantage points, e.g. client-1, router, mux-2, host-a, web-1 (a name the scenario does not have is an error, exit 2; repeatable)',
          })
          .option('probes', {
            type: 'boolean',
            default: true,
            describe:
              'with --trace or --json: show health-probe packets (to and from 168.63.129.16); --no-probes hides them',
          })
          .option('pcap', {
            type: 'string',
            describe:
              'write one capture per vantage point (client, Mux, Host Agent wire side, VM) into this directory as <node>.pcapng; it is created if missing, and only earlier lbsim captures in it are replaced',
          })
          .option('pcap-format', {
            choices: captureFormats,
            default: 'pcapng' as CaptureFormat,
            describe:
              'with --pcap: pcapng (interface names, per-packet decision comments) or classic pcap (nanosecond)',
          })
          .option('json', {
            type: 'boolean',
            default: false,
            describe:
              'print the trace and the summary as JSON lines instead of text, one object per event (docs/json-output.md)',
          })
          .option('report', {
            type: 'string',
            describe:
              'write a self-contained HTML report (topology, sequence diagrams, probe states, SNAT ports, counters) to this file; only an earlier lbsim report is replaced',
          }),
      (args) => {
        // yargs may call the handler before it reports a missing positional.
        if (typeof args.scenario !== 'string') return;
        const seed = args.seed;
        const badSeed = seedProblem(seed);
        if (badSeed !== undefined) {
          failure = badSeed;
          return;
        }
        const connections = args.connection;
        if (connections.some((id) => !Number.isInteger(id) || id < 1)) {
          failure = '--connection takes connection ids: positive integers';
          return;
        }
        if (args.pcap === '' || args.report === '') {
          failure = `--${args.pcap === '' ? 'pcap' : 'report'} needs a path`;
          return;
        }
        const scenario = args.scenario;
        const catalogue = args.catalogue ?? defaultCatalogueDirectory();
        command = async () => {
          // A name that is no file and no YAML path is a catalogue id, as with explain.
          let file = scenario;
          if (!existsSync(scenario) && !/\.ya?ml$/i.test(scenario)) {
            const resolved = (await import('./catalogue/resolve-scenario.ts')).resolveScenario(scenario, catalogue);
            if (!resolved.ok) {
              io.stderr(`lbsim: ${resolved.error}\n`);
              return 2;
            }
            file = resolved.path;
          }
          return (await import('./commands/run.ts')).runCommand(
            {
              file,
              seed,
              trace: args.trace,
              connections,
              nodes: args.at,
              probes: args.probes,
              pcapDirectory: args.pcap,
              pcapFormat: args['pcap-format'],
              json: args.json,
              reportFile: args.report,
              colour: args.color ?? io.colour ?? false,
            },
            io,
          );
        };
      },
    )
    .command(
      'explain <scenario>',
      'run a scenario and explain every failure in full: what the client saw, the packet and node where it went wrong, the failure mode of the catalogue and the configuration change that fixes it; exit 0 when it ran, 2 on bad input',
      (y) =>
        y
          .positional('scenario', {
            type: 'string',
            demandOption: true,
            describe:
              'a scenario file, or a catalogue id: tw-recycle means scenarios/tw-recycle/broken.yaml, tw-recycle/fixed a variant (scenarios/tw-recycle/fixed.yaml), basic-public-lb a top-level scenario (scenarios/basic-public-lb.yaml); lbsim list shows them',
          })
          .option('seed', {
            type: 'number',
            describe: "override the scenario's seed (an integer 0..4294967295): same seed, same run",
          })
          .option('catalogue', catalogueOption)
          .example('$0 explain tw-recycle', 'why scenarios/tw-recycle/broken.yaml fails, and the fix')
          .example('$0 explain tw-recycle/fixed', 'the fixed variant: nothing (or little) left to explain')
          .example('$0 explain my-scenario.yaml --seed 42', 'any scenario file, with another seed'),
      (args) => {
        if (typeof args.scenario !== 'string') return;
        const badSeed = seedProblem(args.seed);
        if (badSeed !== undefined) {
          failure = badSeed;
          return;
        }
        const options = {
          scenario: args.scenario,
          catalogue: args.catalogue ?? defaultCatalogueDirectory(),
          seed: args.seed,
        };
        command = async () => (await import('./commands/explain.ts')).explainCommand(options, io);
      },
    )
    .command(
      'validate <file>',
      'check a scenario file and report every problem with its line and column; exit 0 when valid, 2 when not',
      (y) => y.positional('file', { type: 'string', demandOption: true, describe: 'scenario file (YAML)' }),
      (args) => {
        const file = args.file;
        if (typeof file !== 'string') return;
        command = async () => (await import('./commands/validate.ts')).validateCommand(file, io);
      },
    )
    .command(
      'list [dir]',
      'show the scenarios under a directory (default: the catalogue bundled with lbsim): id (folder), variant, name, first line of the description',
      (y) =>
        y.positional('dir', {
          type: 'string',
          describe: 'directory of scenario files',
          defaultDescription: 'the catalogue bundled with lbsim',
        }),
      (args) => {
        const dir = args.dir ?? defaultCatalogueDirectory();
        command = async () => (await import('./commands/list.ts')).listCommand(dir, io);
      },
    )
    .command(
      'test <dir>',
      'run every scenario under a directory against its expectations and report each; exit 0 only when all are met, 1 when one is not, 2 when one is invalid',
      (y) =>
        y.positional('dir', {
          type: 'string',
          demandOption: true,
          describe: 'directory of scenario files (or one file)',
        }),
      (args) => {
        const dir = args.dir;
        if (typeof dir !== 'string') return;
        command = async () => (await import('./commands/test.ts')).testCommand(dir, io);
      },
    )
    .command(
      'flow <scenario>',
      "what happens to one connection, from a run (in Network Watcher's spirit): the rule it matches, the probe state of its DIPs, the Mux and DIP chosen, each hop's decision, the outcome and the verdict; exit 0 when it completed, 1 when not, 2 on bad input",
      (y) =>
        y
          .positional('scenario', {
            type: 'string',
            demandOption: true,
            describe:
              'a scenario file or catalogue id, or an Azure definition (.json: ARM template, az or terraform JSON) imported in memory',
          })
          .option('from', {
            type: 'string',
            demandOption: true,
            describe: 'the source, ip or ip:port: a client, a VM address, or any Internet address',
          })
          .option('to', { type: 'string', demandOption: true, describe: 'the destination ip:port, usually a frontend' })
          .option('protocol', { choices: ['Tcp', 'Udp'] as const, default: 'Tcp' as const, describe: 'the transport' })
          .option('at', {
            type: 'string',
            describe: 'when the connection opens (virtual time, e.g. 6s)',
            defaultDescription: 'after the first probe round',
          })
          .option('json', { type: 'boolean', default: false, describe: 'print the report as JSON' })
          .option('parameters', { type: 'string', describe: "a template's parameters file, when importing" })
          .option('parameter', {
            type: 'string',
            array: true,
            default: [] as string[],
            describe: 'a template parameter name=value (repeatable)',
          })
          .option('catalogue', catalogueOption),
      (args) => {
        if (typeof args.scenario !== 'string') return;
        const options = {
          scenario: args.scenario,
          catalogue: args.catalogue ?? defaultCatalogueDirectory(),
          from: args.from,
          to: args.to,
          protocol: args.protocol,
          at: args.at,
          json: args.json,
          parametersFile: args.parameters,
          parameters: args.parameter,
        };
        command = async () => (await import('./commands/flow.ts')).flowCommand(options, io);
      },
    )
    .command(
      'import <files..>',
      'read an Azure definition (ARM template, az CLI JSON, ARM export, terraform show -json) and write an lbsim scenario of it, listing everything not mapped; exit 0 when written, 2 when nothing was importable',
      (y) =>
        y
          .positional('files', {
            type: 'string',
            array: true,
            demandOption: true,
            describe: 'azuredeploy.json, or az/terraform JSON files (several az files make one scenario)',
          })
          .option('parameters', {
            type: 'string',
            describe: "the template's parameters file (azuredeploy.parameters.json)",
          })
          .option('parameter', {
            type: 'string',
            array: true,
            default: [] as string[],
            describe: 'a template parameter as name=value, over the parameters file (repeatable)',
          })
          .option('out', {
            alias: 'o',
            type: 'string',
            describe: 'the scenario file to write; - for standard output',
            defaultDescription: '<name>.yaml',
          })
          .option('name', {
            type: 'string',
            describe: 'the scenario name',
            defaultDescription: "the template's folder or file name",
          })
          .option('force', { type: 'boolean', default: false, describe: 'replace the output file when it exists' }),
      (args) => {
        const files = args.files;
        if (!Array.isArray(files)) return;
        const options = {
          files: files.map(String),
          parametersFile: args.parameters,
          parameters: args.parameter,
          out: args.out,
          name: args.name,
          force: args.force,
        };
        command = async () => (await import('./commands/import.ts')).importCommand(options, io);
      },
    )
    .command(
      'schema',
      'print the JSON Schema (draft-07) of scenario files, for editor completion and checking',
      (y) =>
        y.option('write', {
          type: 'string',
          describe:
            'write it as <dir>/scenario.schema.json instead (the directory must exist; only an lbsim schema is overwritten)',
        }),
      (args) => {
        const directory = args.write as string | readonly string[] | undefined;
        command = async () => (await import('./commands/schema.ts')).schemaCommand(directory, io);
      },
    )
    .demandCommand(1, 'name a command: run, explain, flow, import, validate, list, test or schema')
    .strict()
    .recommendCommands()
    .help()
    .alias('help', 'h')
    .version('version', "print lbsim's version and the commit it was built from", formatVersion(lbsimVersion()))
    .completion(
      'completion',
      'print a bash/zsh completion script for lbsim; install it with: lbsim completion >> ~/.bashrc',
    )
    .wrap(Math.min(100, process.stdout.columns ?? 100))
    .exitProcess(false)
    .fail((message, error) => {
      failure = message ?? error?.message ?? 'invalid arguments';
    });

  // The completion script asks `lbsim --get-yargs-completions lbsim <words…>`; yargs answers it
  // only through getCompletion when the parse is ours rather than its own process handling.
  if (argv[0] === completionRequest) {
    return { command: undefined, output: await completeWords(parser, argv.slice(1)), failure: undefined };
  }
  const output = await new Promise<string>((resolve) => {
    parser.parse([...argv], {}, (_error, _args, text) => resolve(text ?? ''));
  });
  return failure === undefined ? { command, output, failure } : { command: undefined, output, failure };
}

/**
 * Whether `argv` is a valid `lbsim` command line: the one-line problem yargs or lbsim's own
 * checks find, or `undefined`. Nothing is run and nothing is printed.
 */
export async function checkArguments(argv: readonly string[]): Promise<string | undefined> {
  const quiet: CliIo = { stdout: () => {}, stderr: () => {}, stderrIsTty: false };
  return (await parseArguments(argv, quiet)).failure;
}

/**
 * Runs `lbsim` with `argv` (the arguments after the program name).
 * @returns 0 expectations met (or help shown), 1 expectations not met, 2 bad input.
 */
export async function main(argv: readonly string[], io: CliIo): Promise<ExitCode> {
  const { command, output, failure } = await parseArguments(argv, io);
  if (failure !== undefined) {
    if (output !== '') io.stderr(`${output.trimEnd()}\n\n`);
    io.stderr(`lbsim: ${failure}\n`);
    if (output === '') io.stderr('Run "lbsim --help" for the commands and their options.\n');
    return 2;
  }
  if (output !== '') io.stdout(`${output.trimEnd()}\n`);
  return command === undefined ? 0 : command();
}
