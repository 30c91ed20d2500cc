/**
 * The `lbsim` command line: the table of commands ({@link commands}), each with its argument,
 * options, help text and handler, parsed by command-line.ts; a command runs only when its
 * arguments are valid. Returns the exit code instead of exiting, so tests can run it
 * in-process, and {@link checkArguments} parses without running, so docs can be checked
 * command by command.
 */

import { existsSync } from 'node:fs';
import { type CaptureFormat, captureFormats } from '@lbsim/core';
import { queueUrlProblem } from '@lbsim/sweep/queue-connection';
import { defaultCatalogueDirectory } from './catalogue/default-catalogue.ts';
import {
  type CommandSpec,
  type OptionSpec,
  type ParsedValues,
  type ProgramSpec,
  parseCommandLine,
} from './command-line.ts';
import type { CliIo, ExitCode } from './io.ts';
import { formatVersion, lbsimVersion } from './version.ts';

/**
 * What a valid command line runs, given the process. Each command's module is imported only
 * when it runs, so `--help` and a bad argument load none of the simulation.
 */
type Run = (io: CliIo) => Promise<ExitCode>;

/** Help text of `--catalogue`, shared by the commands that look ids up. */
const catalogueOption: OptionSpec = {
  type: 'string',
  describe: 'the catalogue directory catalogue ids are looked up in',
  defaultDescription: 'the catalogue bundled with lbsim',
};

/** Help text of `--seed`, shared by run and explain. */
const seedOption: OptionSpec = {
  type: 'number',
  describe: "override the scenario's seed (an integer 0..4294967295): same seed, same run",
};

/** Why `seed` is no valid `--seed`, or `undefined` when it is (or absent). */
function seedProblem(seed: number | undefined): string | undefined {
  if (seed === undefined || (Number.isInteger(seed) && seed >= 0 && seed <= 0xffffffff)) return undefined;
  return `--seed must be an integer 0..4294967295, got ${seed}`;
}

/** A string option's value (command-line.ts gives each option the type its spec names). */
const textOf = (values: ParsedValues, name: string) => values.options[name] as string | undefined;
/** A number option's value. */
const numberOf = (values: ParsedValues, name: string) => values.options[name] as number | undefined;
/** A boolean option's value. */
const flagOf = (values: ParsedValues, name: string) => values.options[name] as boolean | undefined;
/** A repeatable option's values. */
const listOf = <T extends string | number>(values: ParsedValues, name: string) => values.options[name] as readonly T[];

/** `lbsim run <scenario>`. */
const runCommand: CommandSpec<Run> = {
  name: 'run',
  describe: 'run a scenario and print what happened; exit 0 when its expectations are met, 1 when not, 2 on bad input',
  positional: {
    name: 'scenario',
    required: true,
    describe:
      'a scenario file (YAML, read from the current directory), or a catalogue id such as nsg-blocks-probe or nsg-blocks-probe/fixed',
  },
  options: {
    catalogue: catalogueOption,
    seed: seedOption,
    trace: {
      type: 'boolean',
      default: false,
      describe:
        'print the packet trace as a capture-style table (time, vantage, event, addresses, protocol, info, length, note)',
    },
    connection: {
      type: 'number',
      array: true,
      describe:
        'with --trace or --json: only these connection ids (an id the run never started is an error, exit 2); with --report: draw these (repeatable)',
    },
    at: {
      type: 'string',
      array: true,
      describe:
        'with --trace or --json: only these vantage points, e.g. client-1, router, mux-2, host-a, web-1 (a name the scenario does not have is an error, exit 2; repeatable)',
    },
    probes: {
      type: 'boolean',
      default: true,
      describe: 'with --trace or --json: show health-probe packets (to and from 168.63.129.16); --no-probes hides them',
    },
    pcap: {
      type: 'string',
      describe:
        'write one capture per vantage point (client, Mux, Host Agent wire side, VM) into this directory as <node>.pcapng; it is created if missing, and only earlier lbsim captures in it are replaced',
    },
    'pcap-format': {
      type: 'string',
      choices: captureFormats,
      default: 'pcapng',
      describe: 'with --pcap: pcapng (interface names, per-packet decision comments) or classic pcap (nanosecond)',
    },
    json: {
      type: 'boolean',
      default: false,
      describe:
        'print the trace and the summary as JSON lines instead of text, one object per event (docs/json-output.md)',
    },
    report: {
      type: 'string',
      describe:
        'write a self-contained HTML report (topology, sequence diagrams, probe states, SNAT ports, counters) to this file; only an earlier lbsim report is replaced',
    },
    metrics: {
      type: 'boolean',
      default: false,
      describe:
        "after the summary, print Azure Load Balancer's Azure Monitor metrics as this run gives them (Data Path Availability, Health Probe Status, SYN Count, SNAT Connection Count, Allocated/Used SNAT Ports, Byte Count, Packet Count) per frontend, rule and backend, in 1-minute bins of run time (one bin for a shorter run), and the NSG flow log (version 2 tuples, time in seconds of run time). Counterparts, not Azure's own measurements: Data Path Availability comes in Azure from its own synthetic packets through the data path; lbsim samples once a second the share of live Muxes among the frontend's ECMP next hops, times 0 when no DIP is healthy. With --json these are JSON lines (docs/metrics-and-flow-logs.md)",
    },
  },
  start: (values) => {
    const seed = numberOf(values, 'seed');
    const badSeed = seedProblem(seed);
    if (badSeed !== undefined) return { failure: badSeed };
    const connections = listOf<number>(values, 'connection');
    if (connections.some((id) => !Number.isInteger(id) || id < 1)) {
      return { failure: '--connection takes connection ids: positive integers' };
    }
    const pcap = textOf(values, 'pcap');
    const report = textOf(values, 'report');
    if (pcap === '' || report === '') return { failure: `--${pcap === '' ? 'pcap' : 'report'} needs a path` };
    const scenario = values.positional ?? '';
    const catalogue = textOf(values, 'catalogue') ?? defaultCatalogueDirectory();
    return {
      run: async (io) => {
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
            trace: flagOf(values, 'trace') ?? false,
            connections,
            nodes: listOf<string>(values, 'at'),
            probes: flagOf(values, 'probes') ?? true,
            pcapDirectory: pcap,
            pcapFormat: textOf(values, 'pcap-format') as CaptureFormat,
            json: flagOf(values, 'json') ?? false,
            reportFile: report,
            metrics: flagOf(values, 'metrics') ?? false,
            colour: flagOf(values, 'color') ?? io.colour ?? false,
          },
          io,
        );
      },
    };
  },
};

/** `lbsim explain <scenario>`. */
const explainCommand: CommandSpec<Run> = {
  name: 'explain',
  describe:
    'run a scenario and explain every failure in full: what the client saw, the packet and node where it went wrong, the failure mode of the catalogue and the configuration change that fixes it; exit 0 when it ran, 2 on bad input',
  positional: {
    name: 'scenario',
    required: true,
    describe:
      'a scenario file, or a catalogue id: tw-recycle means scenarios/tw-recycle/broken.yaml, tw-recycle/fixed a variant (scenarios/tw-recycle/fixed.yaml), basic-public-lb a top-level scenario (scenarios/basic-public-lb.yaml); lbsim list shows them',
  },
  options: { seed: seedOption, catalogue: catalogueOption },
  examples: [
    ['$0 explain tw-recycle', 'why scenarios/tw-recycle/broken.yaml fails, and the fix'],
    ['$0 explain tw-recycle/fixed', 'the fixed variant: nothing (or little) left to explain'],
    ['$0 explain my-scenario.yaml --seed 42', 'any scenario file, with another seed'],
  ],
  start: (values) => {
    const seed = numberOf(values, 'seed');
    const badSeed = seedProblem(seed);
    if (badSeed !== undefined) return { failure: badSeed };
    const options = {
      scenario: values.positional ?? '',
      catalogue: textOf(values, 'catalogue') ?? defaultCatalogueDirectory(),
      seed,
    };
    return { run: async (io) => (await import('./commands/explain.ts')).explainCommand(options, io) };
  },
};

/** `lbsim validate <file>`. */
const validateCommand: CommandSpec<Run> = {
  name: 'validate',
  describe: 'check a scenario file and report every problem with its line and column; exit 0 when valid, 2 when not',
  positional: { name: 'file', required: true, describe: 'scenario file (YAML)' },
  start: (values) => {
    const file = values.positional ?? '';
    return { run: async (io) => (await import('./commands/validate.ts')).validateCommand(file, io) };
  },
};

/** `lbsim list [dir]`. */
const listCommand: CommandSpec<Run> = {
  name: 'list',
  describe:
    'show the scenarios under a directory (default: the catalogue bundled with lbsim): id (folder), variant, name, first line of the description',
  positional: {
    name: 'dir',
    required: false,
    describe: 'directory of scenario files',
    defaultDescription: 'the catalogue bundled with lbsim',
  },
  start: (values) => {
    const dir = values.positional ?? defaultCatalogueDirectory();
    return { run: async (io) => (await import('./commands/list.ts')).listCommand(dir, io) };
  },
};

/** `lbsim test <dir>`. */
const testCommand: CommandSpec<Run> = {
  name: 'test',
  describe:
    'run every scenario under a directory against its expectations and report each; exit 0 only when all are met, 1 when one is not, 2 when one is invalid',
  positional: { name: 'dir', required: true, describe: 'directory of scenario files (or one file)' },
  start: (values) => {
    const dir = values.positional ?? '';
    return { run: async (io) => (await import('./commands/test.ts')).testCommand(dir, io) };
  },
};

/** `lbsim schema`. */
const schemaCommand: CommandSpec<Run> = {
  name: 'schema',
  describe: 'print the JSON Schema (draft-07) of scenario files, for editor completion and checking',
  options: {
    write: {
      type: 'string',
      describe:
        'write it as <dir>/scenario.schema.json instead (the directory must exist; only an lbsim schema is overwritten)',
    },
  },
  start: (values) => {
    const directory = textOf(values, 'write');
    return { run: async (io) => (await import('./commands/schema.ts')).schemaCommand(directory, io) };
  },
};

/** `lbsim flow <scenario>`. */
const flowCommand: CommandSpec<Run> = {
  name: 'flow',
  describe:
    "what happens to one connection, from a run (in Network Watcher's spirit): the rule it matches, the probe state of its DIPs, the Mux and DIP chosen, each hop's decision, the outcome and the verdict; exit 0 when it completed, 1 when not, 2 on bad input",
  positional: {
    name: 'scenario',
    required: true,
    describe:
      'a scenario file or catalogue id, or an Azure definition (.json: ARM template, az or terraform JSON) imported in memory',
  },
  options: {
    from: {
      type: 'string',
      describe: 'the source, ip or ip:port: a client, a VM address, or any Internet address (required)',
    },
    to: { type: 'string', describe: 'the destination ip:port, usually a frontend (required)' },
    protocol: { type: 'string', choices: ['Tcp', 'Udp'], default: 'Tcp', describe: 'the transport' },
    at: {
      type: 'string',
      describe: 'when the connection opens (virtual time, e.g. 6s)',
      defaultDescription: 'after the first probe round',
    },
    json: { type: 'boolean', default: false, describe: 'print the report as JSON' },
    parameters: { type: 'string', describe: "a template's parameters file, when importing" },
    parameter: { type: 'string', array: true, describe: 'a template parameter name=value (repeatable)' },
    catalogue: catalogueOption,
  },
  start: (values) => {
    const scenario = values.positional;
    const from = textOf(values, 'from');
    const to = textOf(values, 'to');
    if (scenario === undefined) return { failure: 'Missing required argument: scenario' };
    if (from === undefined || to === undefined) {
      return { failure: `Missing required argument: ${from === undefined ? 'from' : 'to'}` };
    }
    const options = {
      scenario,
      catalogue: textOf(values, 'catalogue') ?? defaultCatalogueDirectory(),
      from,
      to,
      protocol: (textOf(values, 'protocol') ?? 'Tcp') as 'Tcp' | 'Udp',
      at: textOf(values, 'at'),
      json: flagOf(values, 'json') ?? false,
      parametersFile: textOf(values, 'parameters'),
      parameters: [...listOf<string>(values, 'parameter')],
    };
    return { run: async (io) => (await import('./commands/flow.ts')).flowCommand(options, io) };
  },
};

/** `lbsim import <files..>`. */
const importCommand: CommandSpec<Run> = {
  name: 'import',
  describe:
    'read an Azure definition (ARM template, az CLI JSON, ARM export, terraform show -json) and write an lbsim scenario of it, listing everything not mapped; exit 0 when written, 2 when nothing was importable',
  positional: {
    name: 'files',
    required: true,
    variadic: true,
    describe: 'azuredeploy.json, or az/terraform JSON files (several az files make one scenario)',
  },
  options: {
    parameters: { type: 'string', describe: "the template's parameters file (azuredeploy.parameters.json)" },
    parameter: {
      type: 'string',
      array: true,
      describe: 'a template parameter as name=value, over the parameters file (repeatable)',
    },
    out: {
      type: 'string',
      short: 'o',
      describe: 'the scenario file to write; - for standard output',
      defaultDescription: '<name>.yaml',
    },
    name: { type: 'string', describe: 'the scenario name', defaultDescription: "the template's folder or file name" },
    force: { type: 'boolean', default: false, describe: 'replace the output file when it exists' },
  },
  start: (values) => {
    const options = {
      files: [...values.positionals],
      parametersFile: textOf(values, 'parameters'),
      parameters: [...listOf<string>(values, 'parameter')],
      out: textOf(values, 'out'),
      name: textOf(values, 'name'),
      force: flagOf(values, 'force') ?? false,
    };
    return { run: async (io) => (await import('./commands/import.ts')).importCommand(options, io) };
  },
};

/** `lbsim sweep <sweep>`. */
const sweepCommand: CommandSpec<Run> = {
  name: 'sweep',
  describe:
    'run a scenario over many seeds and parameter values (a sweep file, docs/sweeps.md) on every core, or on a Redis queue for lbsim worker processes; print mean, 95% confidence interval, min and max per grid point and measure; exit 0 when its expectations are met, 1 when not or stopped, 2 on bad input',
  positional: {
    name: 'sweep',
    required: true,
    describe: 'a sweep file (YAML), or a catalogue sweep id such as ilb-self-mapping',
  },
  options: {
    catalogue: catalogueOption,
    workers: { type: 'number', describe: 'worker threads; 0 runs in this process', defaultDescription: 'one per core' },
    seeds: { type: 'string', describe: "run these seeds instead of the file's: first..last, e.g. 1..100" },
    out: {
      type: 'string',
      describe:
        'write one JSON line per run, in run order, to this file (- for standard output, then the table goes to standard error); only an earlier sweep output is replaced',
    },
    report: {
      type: 'string',
      describe:
        'write a self-contained HTML page charting each measure against the varied parameter with its 95% confidence band; only an earlier lbsim report is replaced',
    },
    queue: {
      type: 'string',
      describe:
        'run on a BullMQ queue at this Redis URL (redis://host:port) for lbsim worker processes to take, instead of on threads here',
    },
    'queue-name': {
      type: 'string',
      default: 'lbsim-sweep',
      describe: 'with --queue: the BullMQ queue name the workers use',
    },
  },
  start: (values) => {
    const file = values.positional;
    if (file === undefined) return { failure: 'Missing required argument: sweep' };
    const workers = numberOf(values, 'workers');
    if (workers !== undefined && !(Number.isInteger(workers) && workers >= 0 && workers <= 256)) {
      return { failure: `--workers takes an integer 0..256, got ${workers}` };
    }
    const queue = textOf(values, 'queue');
    const out = textOf(values, 'out');
    const report = textOf(values, 'report');
    const queueProblem = queue === undefined ? undefined : queueUrlProblem(queue);
    if (queueProblem !== undefined) return { failure: queueProblem };
    if (out === '' || report === '') return { failure: `--${out === '' ? 'out' : 'report'} needs a path` };
    const options = {
      file,
      catalogue: textOf(values, 'catalogue') ?? defaultCatalogueDirectory(),
      workers,
      seeds: textOf(values, 'seeds'),
      out,
      report,
      queue,
      queueName: textOf(values, 'queue-name') ?? 'lbsim-sweep',
    };
    return { run: async (io) => (await import('./commands/sweep.ts')).sweepCommand(options, io) };
  },
};

/** `lbsim worker`. */
const workerCommand: CommandSpec<Run> = {
  name: 'worker',
  describe:
    'take sweep runs from a BullMQ queue on Redis (put there by lbsim sweep --queue) and run them until Ctrl-C; start one per core on any number of machines',
  options: {
    queue: { type: 'string', describe: 'the Redis URL of the queue, e.g. redis://10.0.0.5:6379 (required)' },
    'queue-name': {
      type: 'string',
      default: 'lbsim-sweep',
      describe: 'the BullMQ queue name, as given to lbsim sweep',
    },
    'lock-duration': {
      type: 'number',
      default: 30000,
      describe:
        'ms a job stays locked to this worker without renewal; after a crash, its jobs run elsewhere this long after (BullMQ lockDuration)',
    },
    'stalled-interval': {
      type: 'number',
      default: 30000,
      describe: 'ms between checks for jobs whose worker died (BullMQ stalledInterval)',
    },
  },
  start: (values) => {
    const queue = textOf(values, 'queue');
    if (queue === undefined) return { failure: 'Missing required argument: queue' };
    const problem = queueUrlProblem(queue);
    const lockDurationMs = numberOf(values, 'lock-duration') ?? 30000;
    const stalledIntervalMs = numberOf(values, 'stalled-interval') ?? 30000;
    if (problem !== undefined) return { failure: problem };
    if (!(lockDurationMs >= 100 && stalledIntervalMs >= 100)) {
      return { failure: '--lock-duration and --stalled-interval take at least 100 ms' };
    }
    const options = {
      queue,
      queueName: textOf(values, 'queue-name') ?? 'lbsim-sweep',
      timing: { lockDurationMs, stalledIntervalMs },
    };
    return { run: async (io) => (await import('./commands/worker.ts')).workerCommand(options, io) };
  },
};

/** `lbsim challenge list|start|check`. */
const challengeCommand: CommandSpec<Run> = {
  name: 'challenge',
  describe:
    'workshop challenges, scenarios whose fault is hidden: list them, start one (write your copy and read its story), check your fix; exit 0 listed, started or passed, 1 not yet, 2 bad input',
  positional: {
    name: 'action',
    required: true,
    variadic: true,
    describe:
      "list | start <id> [file] (file defaults to ./<id>.yaml) | check <id> <file> (grades by the challenge's own expectations; the answer only after a pass)",
  },
  options: {
    force: { type: 'boolean', default: false, describe: 'with start: replace the file when it exists' },
    challenges: {
      type: 'string',
      describe: 'the folder of challenge definitions',
      defaultDescription: 'the challenges bundled with lbsim',
    },
  },
  examples: [
    ['$0 challenge list', 'the challenges: id, difficulty, number of faults, title'],
    ['$0 challenge start shop-front', "write ./shop-front.yaml and print the users' story"],
    ['$0 challenge check shop-front shop-front.yaml', 'grade your fix: PASS with the explanation, or not yet'],
  ],
  start: (values) => {
    const [action, id, file, ...extra] = values.positionals;
    const usage = 'lbsim challenge list | start <id> [file] | check <id> <file>';
    if (action !== 'list' && action !== 'start' && action !== 'check') return { failure: `name an action: ${usage}` };
    if (extra.length > 0 || (action === 'list' && id !== undefined)) return { failure: `too many arguments: ${usage}` };
    if (action !== 'list' && id === undefined) return { failure: `name a challenge (lbsim challenge list): ${usage}` };
    if (action === 'check' && file === undefined) return { failure: `name the file to check: ${usage}` };
    const request =
      action === 'list'
        ? ({ action } as const)
        : action === 'start'
          ? ({ action, id: id ?? '', file, force: flagOf(values, 'force') ?? false } as const)
          : ({ action, id: id ?? '', file: file ?? '' } as const);
    return {
      run: async (io) => {
        const { challengeCommand } = await import('./commands/challenge.ts');
        const { defaultChallengeDirectory } = await import('./challenges/challenge-definition.ts');
        return challengeCommand(
          { request, directory: textOf(values, 'challenges') ?? defaultChallengeDirectory() },
          io,
        );
      },
    };
  },
};

/** `lbsim workshop --handout <dir> --key <dir>`. */
const workshopCommand: CommandSpec<Run> = {
  name: 'workshop',
  describe:
    "write the workshop's student handout (questions, commands, exercises; no answers) and/or instructor key (everything, with the answers and the figures the bundled runs print), both cut from the workshop guide; exit 0 when written, 2 on bad input or when a file is in the way",
  options: {
    handout: {
      type: 'string',
      describe:
        'write the student handout (workshop-handout.md and its pictures) into this directory, created if missing',
    },
    key: {
      type: 'string',
      describe: 'write the instructor key (workshop-key.md and its pictures) into this directory, created if missing',
    },
    guide: {
      type: 'string',
      describe: 'cut them from this guide (Markdown, paragraph labels as in docs/workshop.md)',
      defaultDescription: 'the guide bundled with lbsim',
    },
    force: { type: 'boolean', default: false, describe: 'replace files that exist' },
  },
  start: (values) => {
    const options = {
      handout: textOf(values, 'handout'),
      key: textOf(values, 'key'),
      guide: textOf(values, 'guide'),
      force: flagOf(values, 'force') ?? false,
    };
    return { run: async (io) => (await import('./commands/workshop.ts')).workshopCommand(options, io) };
  },
};

/**
 * Every `lbsim` command, in the order `lbsim --help` lists them: the one place a command is
 * registered. (`completion` is built in: command-line.ts prints the script and answers it.)
 */
/** `lbsim exercise list|start <id> [file]`. */
const exerciseCommand: CommandSpec<Run> = {
  name: 'exercise',
  describe:
    "the workshop's hands-on exercises (docs/workshop.md): list them, or start one by writing its start file (a copy of the broken scenario) and printing its goal; exit 0 when done, 2 on bad input",
  positional: {
    name: 'action',
    required: true,
    variadic: true,
    describe: 'list, or start <id> [file] (the copy to write; default ./<id>.yaml)',
  },
  options: {
    force: { type: 'boolean', default: false, describe: 'with start: replace the file when it exists' },
    with: {
      type: 'string',
      describe:
        "with start: apply one of the exercise's known wrong fixes to the copy (for instructors: shows what lbsim check says of it)",
    },
    catalogue: catalogueOption,
  },
  examples: [
    ['$0 exercise list', 'every exercise: module, id, task'],
    ['$0 exercise start probe-wrong-port', 'write ./probe-wrong-port.yaml and print the goal'],
    ['$0 exercise start idle-timeout out/idle.yaml --force', 'write (or replace) out/idle.yaml'],
  ],
  start: (values) => {
    const [action, id, file, ...rest] = values.positionals;
    const catalogue = textOf(values, 'catalogue') ?? defaultCatalogueDirectory();
    if (action === 'list' && id === undefined) {
      return { run: async (io) => (await import('./commands/exercise.ts')).exerciseListCommand(catalogue, io) };
    }
    if (action !== 'start')
      return {
        failure: `exercise takes list or start <id> [file], got ${JSON.stringify(values.positionals.join(' '))}`,
      };
    if (id === undefined || rest.length > 0)
      return { failure: 'exercise start takes an exercise id and at most one file' };
    if (file === '') return { failure: 'exercise start: the file needs a path' };
    const options = {
      catalogue,
      id,
      file,
      force: flagOf(values, 'force') ?? false,
      withWrongFix: textOf(values, 'with'),
    };
    return { run: async (io) => (await import('./commands/exercise.ts')).exerciseStartCommand(options, io) };
  },
};

/** `lbsim check <exercise-id> <file>`. */
const checkCommand: CommandSpec<Run> = {
  name: 'check',
  describe:
    "run your file of an exercise and check it against the exercise's goal: PASS, or what is still wrong (unmet goal lines, broken constraints, known wrong fixes, lbsim explain's diagnosis); exit 0 pass, 1 not yet, 2 bad input (unknown exercise, missing file, a file lbsim refuses for a reason no known wrong fix explains)",
  positional: {
    name: 'exercise-and-file',
    required: true,
    variadic: true,
    describe: 'the exercise id (lbsim exercise list) and your scenario file',
  },
  options: { catalogue: catalogueOption },
  examples: [['$0 check probe-wrong-port probe-wrong-port.yaml', 'is the copy fixed yet?']],
  start: (values) => {
    const [id, file, ...rest] = values.positionals;
    if (id === undefined || file === undefined || file === '' || rest.length > 0) {
      return { failure: 'check takes an exercise id and a file: lbsim check <exercise-id> <file>' };
    }
    const options = { catalogue: textOf(values, 'catalogue') ?? defaultCatalogueDirectory(), id, file };
    return { run: async (io) => (await import('./commands/exercise.ts')).checkCommand(options, io) };
  },
};

/**
 * Every `lbsim` command, in the order `lbsim --help` lists them: the one place a command is
 * registered. (`completion` is built in: command-line.ts prints the script and answers it.)
 */
const commands: readonly CommandSpec<Run>[] = [
  runCommand,
  explainCommand,
  flowCommand,
  importCommand,
  validateCommand,
  listCommand,
  testCommand,
  schemaCommand,
  sweepCommand,
  workerCommand,
  challengeCommand,
  workshopCommand,
  exerciseCommand,
  checkCommand,
];

/** The `lbsim` program: usage, global options and commands. */
function lbsimProgram(): ProgramSpec<Run> {
  return {
    name: 'lbsim',
    usage: '$0 <command> [options]\n\nA deterministic packet-level simulator of an Ananta-style cloud load balancer.',
    globalOptions: {
      color: {
        type: 'boolean',
        describe:
          "colour the run summary's verdicts; by default only on a terminal and without NO_COLOR; --no-color turns it off",
      },
    },
    commands,
    version: formatVersion(lbsimVersion()),
    noCommand: `name a command: ${commands.map((command) => command.name).join(', ')}`.replace(/, (\w+)$/, ' or $1'),
    completionDescribe: 'print a bash/zsh completion script for lbsim; install it with: lbsim completion >> ~/.bashrc',
  };
}

/** Parses `argv` with the help text wrapped to the terminal (at most 100 columns). */
function parseArguments(argv: readonly string[]) {
  const width = Math.min(100, process.stdout.columns ?? 100);
  const zsh = [process.env['SHELL'], process.env['ZSH_NAME']].some((name) => name?.includes('zsh') === true);
  return parseCommandLine(lbsimProgram(), argv, width, zsh);
}

/**
 * Whether `argv` is a valid `lbsim` command line: the one-line problem the parser or lbsim's own
 * checks find, or `undefined`. Nothing is run and nothing is printed.
 */
export async function checkArguments(argv: readonly string[]): Promise<string | undefined> {
  const parsed = parseArguments(argv);
  return parsed.kind === 'failure' ? parsed.failure : undefined;
}

/**
 * Runs `lbsim` with `argv` (the arguments after the program name).
 * @returns 0 expectations met (or help shown), 1 expectations not met, 2 bad input.
 */
export async function main(argv: readonly string[], io: CliIo): Promise<ExitCode> {
  const parsed = parseArguments(argv);
  if (parsed.kind === 'failure') {
    io.stderr(`lbsim: ${parsed.failure}\n`);
    io.stderr('Run "lbsim --help" for the commands and their options.\n');
    return 2;
  }
  if (parsed.kind === 'print') {
    if (parsed.text !== '') io.stdout(`${parsed.text.trimEnd()}\n`);
    return 0;
  }
  return parsed.run(io);
}
