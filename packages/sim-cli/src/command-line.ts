/**
 * A small command-line parser for `lbsim`: a table of commands, each with at most one positional
 * argument and its options, parsed with Node's `util.parseArgs`, with help text, yargs-style
 * messages and shell completion. lbsim had used yargs; loading and initialising it (its help
 * layout runs on every start, even for `lbsim run`) cost more than the rest of `lbsim --help`
 * together (docs/performance.md), and this table does what lbsim used of it.
 *
 * Conventions kept from yargs: `--name value` and `--name=value`, `--no-name` for a boolean,
 * a repeatable option given once per value, `-h`/`--help` and `--version` anywhere, the messages
 * "Unknown argument: x", "Missing required argument: x", "Invalid values: …", and the completion
 * protocol (`lbsim --get-yargs-completions lbsim <words…>`).
 */
import { parseArgs } from 'node:util';

/** One option of a command (or of every command): its type, help text and default. */
export interface OptionSpec {
  /** `number` values are parsed with `Number` (so `abc` gives NaN, for the command to refuse). */
  readonly type: 'string' | 'boolean' | 'number';
  /** One line of help: what it does, its units and its errors. */
  readonly describe: string;
  /** Repeatable: one value per occurrence (`--at web-1 --at web-2`); the value is a list. */
  readonly array?: boolean;
  /** The value when the option is not given (absent: `undefined`, or `[]` when repeatable). */
  readonly default?: string | number | boolean;
  /** The only values allowed (strings). */
  readonly choices?: readonly string[];
  /** Shown as the default in the help text instead of the value. */
  readonly defaultDescription?: string;
  /** A one-letter alias (`o` for `-o`). */
  readonly short?: string;
}

/** A command's positional argument. */
export interface PositionalSpec {
  readonly name: string;
  readonly describe: string;
  /** Whether the command needs it (`run <scenario>`) or may go without (`list [dir]`). */
  readonly required: boolean;
  /** Whether it takes one word or every word left (`import <files..>`). */
  readonly variadic?: boolean;
  readonly defaultDescription?: string;
}

/** The values one parse gave: options by name (with `-` as written), and the positional. */
export interface ParsedValues {
  readonly positional: string | undefined;
  /** Every positional word, for a variadic positional. */
  readonly positionals: readonly string[];
  readonly options: Readonly<Record<string, string | number | boolean | readonly (string | number)[] | undefined>>;
}

/** What a command makes of its arguments: something to run, or what is wrong with them. */
export type CommandStart<Run> = { readonly run: Run } | { readonly failure: string };

/** One `lbsim` command: its name, argument, help text, options, examples and handler. */
export interface CommandSpec<Run> {
  readonly name: string;
  readonly positional?: PositionalSpec;
  /** The command's help text: what it does and its exit codes. */
  readonly describe: string;
  readonly options?: Readonly<Record<string, OptionSpec>>;
  /** `[command line, what it does]`; `$0` stands for the program name. */
  readonly examples?: readonly (readonly [string, string])[];
  /** Checks the parsed values and returns what to run. Runs nothing itself. */
  readonly start: (values: ParsedValues) => CommandStart<Run>;
}

/** The whole program: its name, usage line, global options and commands. */
export interface ProgramSpec<Run> {
  readonly name: string;
  readonly usage: string;
  readonly globalOptions: Readonly<Record<string, OptionSpec>>;
  readonly commands: readonly CommandSpec<Run>[];
  /** The text of `--version`. */
  readonly version: string;
  /** The message when no command is named. */
  readonly noCommand: string;
  /** Help text of `completion`, the command that prints the completion script. */
  readonly completionDescribe: string;
}

/** What a command line asks for. */
export type Parsed<Run> =
  | { readonly kind: 'run'; readonly run: Run }
  | { readonly kind: 'print'; readonly text: string }
  | { readonly kind: 'failure'; readonly failure: string };

/** The flag the completion script passes, with the words typed so far. */
export const completionRequest = '--get-yargs-completions';

const helpOption: OptionSpec = { type: 'boolean', describe: 'Show help' };
const versionDescribe = "print lbsim's version and the commit it was built from";

/** `text` as it may appear in a one-line message: control characters escaped, at most 80 characters. */
function quoted(text: string): string {
  const shown = JSON.stringify(text.length > 80 ? `${text.slice(0, 80)}…` : text);
  return shown.slice(1, -1);
}

/** The option table `util.parseArgs` takes for `options` (numbers are read as strings). */
function parseArgsOptions(options: Readonly<Record<string, OptionSpec>>) {
  return Object.fromEntries(
    Object.entries(options).map(([name, spec]) => [
      name,
      { type: spec.type === 'boolean' ? ('boolean' as const) : ('string' as const), multiple: spec.array === true },
    ]),
  );
}

/** yargs' wording of a `util.parseArgs` error, or the error's own first line. */
function describeParseError(error: Error & { code?: string }): string {
  const option = /'(-{1,2}[^' ]*)/.exec(error.message)?.[1]?.replace(/^-+/, '') ?? '';
  if (error.code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') return `Unknown argument: ${quoted(option)}`;
  if (error.code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE') {
    if (/argument missing/.test(error.message)) return `Not enough arguments following: ${quoted(option)}`;
    if (/does not take an argument/.test(error.message)) return `--${quoted(option)} takes no value`;
    return `--${quoted(option)} needs a value`;
  }
  return quoted(error.message.split('\n')[0] ?? 'invalid arguments');
}

/** The typed value of one option from what `util.parseArgs` gave, or a failure. */
function typedValue(
  name: string,
  spec: OptionSpec,
  raw: string | boolean | (string | boolean)[] | undefined,
): { value: ParsedValues['options'][string] } | { failure: string } {
  if (raw === undefined) return { value: spec.default ?? (spec.array === true ? [] : undefined) };
  const values = Array.isArray(raw) ? raw : [raw];
  if (spec.choices !== undefined) {
    const bad = values.find((value) => !spec.choices?.includes(String(value)));
    if (bad !== undefined) {
      const choices = spec.choices.map((choice) => `"${choice}"`).join(', ');
      return { failure: `Invalid values: Argument: ${name}, Given: "${quoted(String(bad))}", Choices: ${choices}` };
    }
  }
  // An empty number is NaN, not Number('') = 0, so that each command refuses it.
  const converted =
    spec.type === 'number' ? values.map((value) => (value === '' ? Number.NaN : Number(value))) : values;
  return { value: spec.array === true ? (converted as string[] | number[]) : converted.at(-1) };
}

/**
 * `words` with each value joined to its option (`--seed=-1`), as yargs reads them: a value may
 * start with a dash when it is a negative number or `-`, and an option with no value after it
 * (last, or followed by another option) gets the empty value, which each command refuses in its
 * own words (`--pcap needs a path`).
 */
function attachValues(words: readonly string[], options: Readonly<Record<string, OptionSpec>>): string[] {
  const attached: string[] = [];
  for (let index = 0; index < words.length; index += 1) {
    const word = words[index] as string;
    if (word === '--') {
      attached.push(...words.slice(index));
      break;
    }
    const spec = word.startsWith('--') && !word.includes('=') ? options[word.slice(2)] : undefined;
    if (spec === undefined || spec.type === 'boolean') {
      attached.push(word);
      continue;
    }
    const next = words[index + 1];
    if (next === undefined || (next.startsWith('-') && !/^-(\d|\.\d|$)/.test(next))) attached.push(`${word}=`);
    else {
      attached.push(`${word}=${next}`);
      index += 1;
    }
  }
  return attached;
}

/** Parses the words after the command name against the command's and the global options. */
function parseCommandWords<Run>(
  command: CommandSpec<Run>,
  globalOptions: Readonly<Record<string, OptionSpec>>,
  words: readonly string[],
): { values: ParsedValues } | { failure: string } {
  const options = { ...globalOptions, ...command.options };
  const longWords = words.map((word) => {
    const alias = /^-([a-zA-Z])$/.exec(word)?.[1];
    const name = alias === undefined ? undefined : Object.keys(options).find((key) => options[key]?.short === alias);
    return name === undefined ? word : `--${name}`;
  });
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({
      args: attachValues(longWords, options),
      options: { ...parseArgsOptions(options), help: { type: 'boolean', short: 'h' } },
      allowPositionals: true,
      allowNegative: true,
      strict: true,
    });
  } catch (error) {
    return { failure: describeParseError(error as Error & { code?: string }) };
  }
  const allowed = command.positional === undefined ? 0 : command.positional.variadic === true ? Infinity : 1;
  const extra = parsed.positionals[allowed];
  if (extra !== undefined) return { failure: `Unknown argument: ${quoted(extra)}` };
  const positional = parsed.positionals[0];
  if (command.positional?.required === true && positional === undefined) {
    return { failure: `Missing required argument: ${command.positional.name}` };
  }
  const values: Record<string, ParsedValues['options'][string]> = {};
  for (const [name, spec] of Object.entries(options)) {
    const typed = typedValue(name, spec, parsed.values[name]);
    if ('failure' in typed) return typed;
    values[name] = typed.value;
  }
  return { values: { positional, positionals: parsed.positionals, options: values } };
}

/** `text` wrapped to `width` columns, every line after the first indented by `indent` spaces. */
function wrap(text: string, width: number, indent: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(' ')) {
    const room = width - (lines.length === 0 ? 0 : indent);
    if (line !== '' && line.length + 1 + word.length > room) {
      lines.push(line);
      line = word;
    } else line = line === '' ? word : `${line} ${word}`;
  }
  lines.push(line);
  return lines.map((text, index) => (index === 0 ? text : `${' '.repeat(indent)}${text}`));
}

/** Rows of `[left, right, tags]` laid out in two columns, the tags right-aligned as yargs does. */
function table(rows: readonly (readonly [string, string, string])[], width: number): string[] {
  const left = Math.max(...rows.map(([name]) => name.length)) + 2;
  return rows.flatMap(([name, describe, tags]) => {
    const body = wrap(describe, width - left, 0);
    const last = body.at(-1) ?? '';
    if (tags !== '') {
      if (last.length + 2 + tags.length <= width - left)
        body[body.length - 1] = last.padEnd(width - left - tags.length) + tags;
      else body.push(tags.padStart(width - left));
    }
    return body.map((text, index) => `${index === 0 ? name.padEnd(left) : ' '.repeat(left)}${text}`.trimEnd());
  });
}

/** The bracketed tags of an option in help: type, required, choices, default. */
function optionTags(spec: OptionSpec): string {
  const tags: string[] = [];
  if (spec.choices === undefined) tags.push(`[${spec.array === true && spec.type === 'string' ? 'array' : spec.type}]`);
  else tags.push(`[choices: ${spec.choices.map((choice) => `"${choice}"`).join(', ')}]`);
  if (spec.defaultDescription !== undefined) tags.push(`[default: ${spec.defaultDescription}]`);
  else if (spec.default !== undefined) tags.push(`[default: ${JSON.stringify(spec.default)}]`);
  else if (spec.array === true) tags.push('[default: []]');
  return tags.join(' ');
}

/** The usage form of a command: `run <scenario>`, `list [dir]`, `schema`. */
function commandUsage(command: CommandSpec<unknown>): string {
  const positional = command.positional;
  if (positional === undefined) return command.name;
  const name = positional.variadic === true ? `${positional.name}..` : positional.name;
  return positional.required ? `${command.name} <${name}>` : `${command.name} [${name}]`;
}

/** The rows of the Options section: the global options, help and version, then the command's. */
function optionRows(
  globalOptions: Readonly<Record<string, OptionSpec>>,
  options: Readonly<Record<string, OptionSpec>>,
): (readonly [string, string, string])[] {
  const rows: (readonly [string, string, string])[] = [];
  const row = (name: string, spec: OptionSpec, short?: string) =>
    rows.push([`  ${short === undefined ? '    ' : `-${short}, `}--${name}`, spec.describe, optionTags(spec)]);
  for (const [name, spec] of Object.entries(globalOptions)) row(name, spec);
  row('help', helpOption, 'h');
  row('version', { type: 'boolean', describe: versionDescribe });
  for (const [name, spec] of Object.entries(options)) row(name, spec, spec.short);
  return rows;
}

/** The help text of the program (`command` undefined) or of one command. */
export function helpText<Run>(program: ProgramSpec<Run>, command: CommandSpec<Run> | undefined, width: number): string {
  const $0 = program.name;
  const lines: string[] = [];
  if (command === undefined) {
    lines.push(...program.usage.replaceAll('$0', $0).split('\n'), '', 'Commands:');
    const rows = program.commands.map((each) => [`  ${$0} ${commandUsage(each)}`, each.describe, ''] as const);
    rows.push([`  ${$0} completion`, program.completionDescribe, '']);
    lines.push(...table(rows, width), '', 'Options:', ...table(optionRows(program.globalOptions, {}), width));
    return `${lines.join('\n')}\n`;
  }
  lines.push(`${$0} ${commandUsage(command)}`, '', ...wrap(command.describe, width, 0), '');
  if (command.positional !== undefined) {
    const { positional } = command;
    const tags = [
      '[string]',
      positional.required ? '[required]' : '',
      positional.defaultDescription === undefined ? '' : `[default: ${positional.defaultDescription}]`,
    ].filter((tag) => tag !== '');
    lines.push('Positionals:', ...table([[`  ${positional.name}`, positional.describe, tags.join(' ')]], width), '');
  }
  lines.push('Options:', ...table(optionRows(program.globalOptions, command.options ?? {}), width));
  if (command.examples !== undefined) {
    const rows = command.examples.map(([line, what]) => [`  ${line.replaceAll('$0', $0)}`, what, ''] as const);
    lines.push('', 'Examples:', ...table(rows, width));
  }
  return `${lines.join('\n')}\n`;
}

/** The bash (or, in zsh, the zsh) script that completes `program`'s words by asking it. */
export function completionScript(name: string, zsh: boolean): string {
  if (zsh) {
    return `#compdef ${name}
###-begin-${name}-completions-###
#
# ${name} command completion script
#
# Installation: ${name} completion >> ~/.zshrc
#
_${name}_yargs_completions()
{
  local reply
  local si=$IFS
  IFS=$'\\n' reply=($(COMP_CWORD="$((CURRENT-1))" COMP_LINE="$BUFFER" COMP_POINT="$CURSOR" ${name} ${completionRequest} "\${words[@]}"))
  IFS=$si
  if [[ \${#reply} -gt 0 ]]; then
    _describe 'values' reply
  else
    _default
  fi
}
compdef _${name}_yargs_completions ${name}
###-end-${name}-completions-###
`;
  }
  return `###-begin-${name}-completions-###
#
# ${name} command completion script
#
# Installation: ${name} completion >> ~/.bashrc
#
_${name}_yargs_completions()
{
    local cur_word args type_list

    cur_word="\${COMP_WORDS[COMP_CWORD]}"
    args=("\${COMP_WORDS[@]}")

    mapfile -t type_list < <(${name} ${completionRequest} "\${args[@]}")
    mapfile -t COMPREPLY < <(compgen -W "$( printf '%q ' "\${type_list[@]}" )" -- "\${cur_word}" |
        awk '/ / { print "\\""$0"\\"" } /^[^ ]+$/ { print $0 }')

    # No match: bash falls back to file names (complete -o default).
    if [ \${#COMPREPLY[@]} -eq 0 ]; then
      COMPREPLY=()
    fi

    return 0
}
complete -o bashdefault -o default -F _${name}_yargs_completions ${name}
###-end-${name}-completions-###
`;
}

/**
 * The completions for `words` (the command line typed so far, program name first, the word being
 * typed last), one per line: the commands before one is named; after it, its options when the
 * word starts with `-`; otherwise none, so that the shell completes file names.
 */
export function completeWords<Run>(program: ProgramSpec<Run>, words: readonly string[]): string {
  const typed = words.slice(1, -1);
  const current = words.at(-1) ?? '';
  const command = program.commands.find((each) => typed.includes(each.name));
  if (current.startsWith('-')) {
    const options = { ...program.globalOptions, help: helpOption, version: helpOption, ...command?.options };
    return Object.keys(options)
      .map((name) => `--${name}`)
      .join('\n');
  }
  if (command !== undefined || typed.includes('completion')) return '';
  return [...program.commands.map((each) => each.name), 'completion'].join('\n');
}

/** Parses `argv` (the words after the program name) into what to run or print, or a failure. */
export function parseCommandLine<Run>(
  program: ProgramSpec<Run>,
  argv: readonly string[],
  width: number,
  zsh: boolean,
): Parsed<Run> {
  if (argv[0] === completionRequest) return { kind: 'print', text: completeWords(program, argv.slice(1)) };
  const end = argv.indexOf('--');
  const options = end === -1 ? argv : argv.slice(0, end);
  const wantsHelp = options.includes('--help') || options.includes('-h');
  const name = options.find((word) => !word.startsWith('-') || word === '-');
  if (name === undefined || (name === 'completion' && !wantsHelp)) {
    if (wantsHelp) return { kind: 'print', text: helpText(program, undefined, width) };
    if (options.includes('--version')) return { kind: 'print', text: `${program.version}\n` };
    if (name === 'completion') {
      const extra = options.find((word) => word !== 'completion' && !isGlobalFlag(program, word));
      if (extra !== undefined) return { kind: 'failure', failure: `Unknown argument: ${quoted(extra)}` };
      return { kind: 'print', text: completionScript(program.name, zsh) };
    }
    const unknown = options.find((word) => !isGlobalFlag(program, word));
    if (unknown !== undefined)
      return { kind: 'failure', failure: `Unknown argument: ${quoted(unknown.replace(/^-+/, ''))}` };
    return { kind: 'failure', failure: program.noCommand };
  }
  const command = program.commands.find((each) => each.name === name);
  if (command === undefined) {
    if (wantsHelp) return { kind: 'print', text: helpText(program, undefined, width) };
    return { kind: 'failure', failure: `Unknown command: ${quoted(name)}; the commands are ${commandList(program)}` };
  }
  if (wantsHelp) return { kind: 'print', text: helpText(program, command, width) };
  if (options.includes('--version')) return { kind: 'print', text: `${program.version}\n` };
  const words = [...argv];
  words.splice(argv.indexOf(name), 1);
  const parsed = parseCommandWords(command, program.globalOptions, words);
  if ('failure' in parsed) return { kind: 'failure', failure: parsed.failure };
  const started = command.start(parsed.values);
  return 'failure' in started ? { kind: 'failure', failure: started.failure } : { kind: 'run', run: started.run };
}

/** Whether `word` is one of the program's global flags (`--color`, `--no-color`). */
function isGlobalFlag(program: ProgramSpec<unknown>, word: string): boolean {
  return word.startsWith('--') && Object.hasOwn(program.globalOptions, word.replace(/^--(no-)?/, ''));
}

/** `run, explain, validate, list, test, schema or completion`. */
function commandList(program: ProgramSpec<unknown>): string {
  const names = [...program.commands.map((each) => each.name), 'completion'];
  return `${names.slice(0, -1).join(', ')} or ${names.at(-1)}`;
}
