/**
 * The claims of docs/workshop.md, each tied to the commands beside it, and the check of each
 * against what those commands print. Runs are deterministic, so a claim about a run is either
 * in its output or false.
 *
 * How a claim finds its commands: the guide is cut into modules (its `##`/`###` headings from
 * the warm-up to the closing). A paragraph of a module is about the `sh` block it follows — the
 * Setup and Predict paragraphs, which come before any block, about the module's first block; a
 * **Fix.** paragraph about the block after it (the fixed runs), and so an **Exercise.** paragraph
 * (the exercise's start and check). `lbsim` commands written inline
 * in the paragraph (a `--pcap` or `--report` run, say) count as beside it too.
 *
 * What a claim is, clause by clause (a clause ends at `.` or `;`):
 * - "connection N": the clause is about that connection; one of the commands beside it must
 *   trace it (`--connection N`), and the clause's other claims are checked against the rows of
 *   that trace only (not the summary printed after it).
 * - a backticked span: a `key: value` is looked up in the scenario files of the commands (as
 *   parsed YAML, anywhere in the tree); other text must be printed by the commands or written
 *   in their scenario files. Commands, options, paths and capture filters are not claims, but
 *   a string a capture filter looks for (`contains "X"`) must be printed.
 * - a "double-quoted" phrase, an IPv4 address, a node or NIC name of the scenarios: printed.
 * - a percentage: printed with the same digits; "N of M": printed as "N of M" or "N/M".
 * - a fraction ("half", "1 in 3", "3/4", "two times in three", …): within 0.05 of a
 *   percentage or "N of M" the commands print.
 * - any other number (digits or a number word from two to twelve), with its unit: the same
 *   value, to the digits written, printed or in the scenario files (minutes also as seconds).
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describeTopology, loadScenarioFile } from '@lbsim/scenario';
import { main } from '@lbsim/sim-cli';
import { parse as parseYaml } from 'yaml';

/** A `sh` block of the guide: its `lbsim` command lines and the line it starts on (1-based). */
export interface CommandBlock {
  readonly line: number;
  readonly commands: readonly string[];
}

/** A paragraph of prose, with the line it starts on and the blocks it is about. */
export interface Paragraph {
  readonly module: string;
  readonly line: number;
  readonly text: string;
  readonly block: CommandBlock | undefined;
  /** Full `lbsim …` commands written inline in the paragraph. */
  readonly inlineCommands: readonly string[];
}

/** A claim that the output of the commands beside it does not bear out. */
export interface Disagreement {
  readonly line: number;
  readonly claim: string;
  readonly problem: string;
}

/** Shell words of a command line: spaces split, single quotes group (as the guide writes them). */
export function shellWords(line: string): string[] {
  return [...line.matchAll(/'([^']*)'|(\S+)/g)].map((match) => match[1] ?? match[2] ?? '');
}

/** Values of a repeatable option. */
export function optionValues(words: readonly string[], option: string): string[] {
  return words.flatMap((word, i) => (word === option && words[i + 1] !== undefined ? [words[i + 1] as string] : []));
}

/**
 * The paragraphs of the guide's modules, from the warm-up (`## 0.`) to the closing, each with
 * the block it is about.
 */
export function moduleParagraphs(guide: string): Paragraph[] {
  const lines = guide.split('\n');
  interface Raw {
    module: string;
    line: number;
    text: string;
    index: number;
  }
  const paragraphs: Raw[] = [];
  const blocks: Array<CommandBlock & { module: string; index: number }> = [];
  let module: string | undefined;
  let order = 0;
  let i = 0;
  while (i < lines.length) {
    const line = lines[i] ?? '';
    if (line.startsWith('#')) {
      const title = /^#{2,3} /.test(line) ? line.replace(/^#+ /, '') : '';
      if (/^0\./.test(title)) module = title;
      else if (/^Closing/.test(title)) module = undefined;
      else if (module !== undefined && title !== '') module = title;
      i++;
    } else if (line.startsWith('```')) {
      const start = i;
      const body: string[] = [];
      i++;
      while (i < lines.length && !(lines[i] ?? '').startsWith('```')) body.push(lines[i++] ?? '');
      i++;
      if (module !== undefined && line.startsWith('```sh'))
        blocks.push({
          module,
          index: order++,
          line: start + 1,
          commands: body.map((command) => command.trim()).filter((command) => command.startsWith('lbsim ')),
        });
    } else if (line.trim() === '' || line.startsWith('|')) {
      i++;
    } else {
      const start = i;
      const body: string[] = [];
      while (i < lines.length && (lines[i] ?? '').trim() !== '' && !/^(#|```|\|)/.test(lines[i] ?? ''))
        body.push(lines[i++] ?? '');
      if (module !== undefined) paragraphs.push({ module, line: start + 1, text: body.join('\n'), index: order++ });
    }
  }
  return paragraphs.map((paragraph) => {
    const own = blocks.filter((block) => block.module === paragraph.module);
    const before = own.filter((block) => block.index < paragraph.index).at(-1);
    const after = own.find((block) => block.index > paragraph.index);
    // A Fix or Exercise paragraph introduces the commands after it (the fixed runs, the exercise's).
    const block = /^\*\*(Fix|Exercise)\.\*\*/.test(paragraph.text) ? (after ?? before) : (before ?? after);
    const inlineCommands = [...paragraph.text.matchAll(/`(lbsim [^`]+)`/g)]
      .map((match) => (match[1] ?? '').replace(/\s+/g, ' '))
      .filter((command) => shellWords(command).length > 2 && !/[<…]/.test(command));
    return { ...paragraph, block, inlineCommands };
  });
}

/** What one command printed, and the scenario file it ran. */
interface CommandOutput {
  readonly command: string;
  readonly stdout: string;
  /** The rows of its packet trace (lines that start with a time), without the summary. */
  readonly traceRows: string;
  readonly scenarioFile: string | undefined;
}

const outputs = new Map<string, Promise<CommandOutput>>();
let outDirectory: string | undefined;

/** The scenario file an `lbsim run`/`explain` argument means, relative to `root`. */
export function scenarioFileOf(root: string, verb: string, argument: string): string {
  if (verb === 'run') return join(root, argument);
  const [id, variant = 'broken'] = argument.split('/');
  const inFolder = join(root, 'scenarios', id ?? '', `${variant}.yaml`);
  return existsSync(inFolder) ? inFolder : join(root, 'scenarios', `${argument}.yaml`);
}

/**
 * Runs an `lbsim …` command line in-process (once; later calls share the result), from the
 * repository root. Files it would write under `out/` go to a temporary directory instead, and
 * a `--report` page is added to what it printed (its text, without tags).
 */
export function runCommand(root: string, command: string): Promise<CommandOutput> {
  const known = outputs.get(command);
  if (known !== undefined) return known;
  const running = (async () => {
    outDirectory ??= mkdtempSync(join(tmpdir(), 'lbsim-workshop-'));
    const directory = outDirectory;
    const words = shellWords(command)
      .slice(1)
      .map((word) => (word.startsWith('out/') ? join(directory, word.slice(4)) : word));
    let stdout = '';
    let stderr = '';
    const code = await main(words, {
      stdout: (text) => (stdout += text),
      stderr: (text) => (stderr += text),
      stderrIsTty: false,
    });
    if (code === 2) throw new Error(`${command}: exit 2: ${stderr}`);
    const report = optionValues(words, '--report')[0];
    if (report !== undefined) stdout += `\n${readFileSync(report, 'utf8').replace(/<[^>]*>/g, ' ')}`;
    const [verb, argument] = words;
    const scenarioFile =
      (verb === 'run' || verb === 'explain') && argument !== undefined
        ? scenarioFileOf(root, verb, argument)
        : undefined;
    const traceRows = stdout
      .split('\n')
      .filter((line) => /^\d+\.\d{9}\s/.test(line))
      .join('\n');
    return { command, stdout, traceRows, scenarioFile };
  })();
  outputs.set(command, running);
  return running;
}

/** Removes the temporary directory the runs wrote their `out/` files to, if any. */
export function removeOutputFiles(): void {
  if (outDirectory !== undefined) rmSync(outDirectory, { recursive: true, force: true });
  outDirectory = undefined;
}

/** Whitespace collapsed, so text wrapped across lines still matches. */
function collapse(text: string): string {
  return text.replace(/\s+/g, ' ');
}

/** What a set of commands shows: printed text, scenario files (text and parsed), node names. */
interface Evidence {
  readonly commands: readonly string[];
  readonly printed: string;
  readonly scenarioText: string;
  readonly scenarios: readonly unknown[];
  readonly numbers: ReadonlySet<number>;
  readonly ratios: readonly number[];
  readonly nodeNames: ReadonlySet<string>;
}

const ipv4 = /\b\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}(?:\/\d{1,2})?(?::\d+)?\b/g;

/** Every number a text shows, addresses and hex left out; durations like `10s`, `4m` also in seconds. */
function numbersOf(text: string): number[] {
  const plain = text.replace(ipv4, ' ').replace(/\b0x[0-9a-f]+\b/gi, ' ');
  const values: number[] = [];
  for (const match of plain.matchAll(/(\d+(?:\.\d+)?)\s?(ms|s|min|m|h)?\b/g)) {
    const value = Number(match[1]);
    values.push(value);
    if (match[2] === 'ms') values.push(value / 1000);
    if (match[2] === 'm' || match[2] === 'min') values.push(value * 60);
    if (match[2] === 'h') values.push(value * 3600);
  }
  return values;
}

/** Every ratio a text shows: percentages, "N of M" and "N/M". */
function ratiosOf(text: string): number[] {
  const ratios = [...text.matchAll(/(\d+(?:\.\d+)?)\s?%/g)].map((match) => Number(match[1]) / 100);
  for (const match of text.replace(ipv4, ' ').matchAll(/\b(\d+)(?: of |\/)(\d+)\b/g)) {
    const whole = Number(match[2]);
    if (whole > 0) ratios.push(Number(match[1]) / whole);
  }
  return ratios;
}

/** Names of the nodes and NICs of a scenario file, empty if it does not load. */
function nodeNamesOf(file: string): string[] {
  const loaded = loadScenarioFile(file);
  if (!loaded.ok) return [];
  const topology = describeTopology(loaded.scenario);
  const nics = loaded.scenario.hosts.flatMap((host) => host.vms.flatMap((vm) => vm.nics.map((nic) => nic.name ?? '')));
  return [
    topology.router,
    ...topology.clients.map((client) => client.name),
    ...topology.muxes.map((mux) => mux.name),
    ...topology.hosts.flatMap((host) => [host.name, ...host.vms.map((vm) => vm.name)]),
    ...nics,
  ].filter((name) => name !== '');
}

function evidenceOf(found: readonly CommandOutput[], printedOf: (output: CommandOutput) => string): Evidence {
  const files = [
    ...new Set(found.flatMap((output) => (output.scenarioFile === undefined ? [] : [output.scenarioFile]))),
  ];
  const texts = files.filter((file) => existsSync(file)).map((file) => readFileSync(file, 'utf8'));
  const printed = collapse(found.map(printedOf).join('\n'));
  return {
    commands: found.map((output) => output.command),
    printed,
    scenarioText: collapse(texts.join('\n')),
    scenarios: texts.map((text) => parseYaml(text) as unknown),
    numbers: new Set([...numbersOf(printed), ...numbersOf(texts.join('\n'))]),
    ratios: ratiosOf(printed),
    nodeNames: new Set(files.flatMap(nodeNamesOf)),
  };
}

/** Whether `claim` (parsed YAML) is found somewhere in `tree`: every key of it, recursively. */
function containsYaml(tree: unknown, claim: unknown): boolean {
  if (matchesYaml(tree, claim)) return true;
  if (Array.isArray(tree)) return tree.some((item) => containsYaml(item, claim));
  if (typeof tree === 'object' && tree !== null) return Object.values(tree).some((value) => containsYaml(value, claim));
  return false;
}

function matchesYaml(value: unknown, claim: unknown): boolean {
  if (Array.isArray(claim))
    return Array.isArray(value) && claim.every((item) => value.some((candidate) => matchesYaml(candidate, item)));
  if (typeof claim === 'object' && claim !== null) {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
    const record = value as Record<string, unknown>;
    return Object.entries(claim).every(([key, expected]) => key in record && matchesYaml(record[key], expected));
  }
  return String(value) === String(claim);
}

const numberWords: Readonly<Record<string, number>> = {
  two: 2,
  three: 3,
  four: 4,
  five: 5,
  six: 6,
  seven: 7,
  eight: 8,
  nine: 9,
  ten: 10,
  eleven: 11,
  twelve: 12,
};

/** Fractions written in words, and the value each means. */
const fractionWords: ReadonlyArray<readonly [RegExp, number]> = [
  [/\btwo times in three\b|\btwo thirds\b/gi, 2 / 3],
  [/\bthree quarters\b/gi, 3 / 4],
  [/\b(?:a|one) third\b/gi, 1 / 3],
  [/\b(?:a|one|web-\d's) quarter\b/gi, 1 / 4],
  [/\bhalf\b/gi, 1 / 2],
];

/** A claim found in a clause: what it says, where in the paragraph, and how to check it. */
interface Claim {
  readonly offset: number;
  readonly text: string;
  readonly check: Check;
}

/** A check of a claim against evidence: the problem, or `undefined` when it is borne out. */
type Check = (evidence: Evidence) => string | undefined;

function printedOrWritten(phrase: string): Check {
  const wanted = collapse(phrase);
  return (evidence) =>
    evidence.printed.includes(wanted) || evidence.scenarioText.includes(wanted)
      ? undefined
      : 'printed by none of the commands and written in none of their scenario files';
}

function printed(phrase: string): Check {
  const wanted = collapse(phrase);
  return (evidence) => (evidence.printed.includes(wanted) ? undefined : 'printed by none of the commands');
}

/** A number as written matches a value when the value, rounded to the digits written, equals it. */
function numberShown(written: string, evidence: Evidence, alternatives: readonly number[] = []): boolean {
  const decimals = written.split('.')[1]?.length ?? 0;
  const targets = [Number(written), ...alternatives];
  return [...evidence.numbers].some((value) => targets.some((target) => Number(value.toFixed(decimals)) === target));
}

/** The claims of a backticked span. */
function backtickClaims(span: string, offset: number, textCheck: (phrase: string) => Check): Claim[] {
  if (/^(lbsim|tshark|ip|apt-get|alias|npx|pnpm)\b/.test(span)) {
    return [...span.matchAll(/contains "([^"]+)"/g)].map((match) => ({
      offset,
      text: `"${match[1]}"`,
      check: printed(match[1] ?? ''),
    }));
  }
  if (span.startsWith('-') || /^out\/|\.(yaml|pcapng|html)$/.test(span)) return [];
  if (/==|\bcontains\b|&&|\|\|/.test(span))
    return [...span.matchAll(/contains "([^"]+)"/g)].map((match) => ({
      offset,
      text: `"${match[1]}"`,
      check: printed(match[1] ?? ''),
    }));
  if (/^[A-Za-z][\w.]*:\s/.test(span)) {
    let claim: unknown;
    try {
      claim = parseYaml(span);
    } catch {
      return [{ offset, text: `\`${span}\``, check: () => 'not YAML' }];
    }
    return [
      {
        offset,
        text: `\`${span}\``,
        check: (evidence) =>
          evidence.scenarios.some((tree) => containsYaml(tree, claim))
            ? undefined
            : 'in none of the scenario files of the commands',
      },
    ];
  }
  return [{ offset, text: `\`${span}\``, check: textCheck(span) }];
}

/** Blanks out a match, keeping offsets. */
function blank(text: string, pattern: RegExp): string {
  return text.replace(pattern, (match) => ' '.repeat(match.length));
}

/**
 * Whether a word names a node: a node or NIC of the scenarios, or a sibling of one (`web-4`
 * beside `web-1`, `host-b` beside `host-a`: a node the scenarios might have).
 */
function isNodeName(word: string, nodeNames: ReadonlySet<string>): boolean {
  if (nodeNames.has(word)) return true;
  const sibling = /^(.+-)[a-z0-9]{1,2}$/.exec(word)?.[1];
  return sibling !== undefined && [...nodeNames].some((node) => /^(.+-)[a-z0-9]{1,2}$/.exec(node)?.[1] === sibling);
}

/** The claims of a clause (a stretch of prose ending at `.` or `;`), offsets in the clause. */
export function clauseClaims(clause: string, textCheck: (phrase: string) => Check = printedOrWritten): Claim[] {
  const claims: Claim[] = [];
  for (const match of clause.matchAll(/`([^`]+)`/g))
    claims.push(...backtickClaims(match[1] ?? '', match.index, textCheck));
  let rest = blank(clause, /`[^`]+`/g);
  for (const match of rest.matchAll(/"([^"]+)"/g))
    claims.push({ offset: match.index, text: match[0], check: textCheck(match[1] ?? '') });
  rest = blank(rest, /"[^"]+"/g);
  rest = blank(rest, /\b[\w-]+\.(?:yaml|pcapng|html)\b/g);
  rest = blank(rest, /\*\*[^*]+\*\*/g);
  rest = blank(rest, /\b[Cc]onnections? \d+\b/g);
  rest = blank(rest, /\b[A-E]\d\b/g);
  for (const match of rest.matchAll(ipv4))
    claims.push({ offset: match.index, text: match[0], check: printedOrWritten(match[0]) });
  rest = blank(rest, ipv4);
  for (const match of rest.matchAll(/\b[a-z][a-z0-9]*(?:-[a-z0-9]+)*\b/g)) {
    const name = match[0];
    claims.push({
      offset: match.index,
      text: name,
      check: (evidence) => {
        if (!isNodeName(name, evidence.nodeNames)) return undefined;
        return evidence.printed.includes(name) ? undefined : 'a node named by none of the commands’ output';
      },
    });
  }
  rest = blank(rest, /\b[a-z][a-z0-9]*(?:-[a-z0-9]+)+\b/g);
  for (const [pattern, value] of fractionWords) {
    for (const match of rest.matchAll(pattern))
      claims.push({ offset: match.index, text: match[0], check: fractionCheck(value) });
    rest = blank(rest, pattern);
  }
  for (const match of rest.matchAll(/\b(\d+) (?:in|out of) (\d+)\b|(?<![\w/.])(\d+)\/(\d+)(?![\w/.])/g)) {
    const value = Number(match[1] ?? match[3]) / Number(match[2] ?? match[4]);
    claims.push({ offset: match.index, text: match[0], check: fractionCheck(value) });
  }
  rest = blank(rest, /\b\d+ (?:in|out of) \d+\b|(?<![\w/.])\d+\/\d+(?![\w/.])/g);
  for (const match of rest.matchAll(/(\d+(?:\.\d+)?)\s?%/g)) {
    const digits = match[1] ?? '';
    claims.push({
      offset: match.index,
      text: match[0],
      check: (evidence) =>
        new RegExp(`(?<![\\d.])${digits.replace('.', '\\.')}\\s?%`).test(evidence.printed)
          ? undefined
          : 'no such percentage is printed',
    });
  }
  rest = blank(rest, /\d+(?:\.\d+)?\s?%/g);
  for (const match of rest.matchAll(/\b(\d+) of (?:the |its |their )?(\d+)\b/g)) {
    const [, part, whole] = match;
    claims.push({
      offset: match.index,
      text: match[0],
      check: (evidence) =>
        evidence.printed.includes(`${part} of ${whole}`) || evidence.printed.includes(`${part}/${whole}`)
          ? undefined
          : `neither "${part} of ${whole}" nor "${part}/${whole}" is printed`,
    });
  }
  rest = blank(rest, /\b\d+ of (?:the |its |their )?\d+\b/g);
  const numberPattern = new RegExp(
    `\\b(\\d+(?:\\.\\d+)?|${Object.keys(numberWords).join('|')})(?:\\s?(minutes?|min|ms|s|seconds?|kB|bytes)\\b)?`,
    'gi',
  );
  for (const match of rest.matchAll(numberPattern)) {
    const [whole, written = '', unit = ''] = match;
    const digits = numberWords[written.toLowerCase()]?.toString() ?? written;
    const alternatives = /^min/.test(unit) ? [Number(digits) * 60] : unit === 'kB' ? [Number(digits) * 1000] : [];
    claims.push({
      offset: match.index,
      text: whole,
      check: (evidence) =>
        numberShown(digits, evidence, alternatives) ? undefined : 'no such number is printed or in the scenario files',
    });
  }
  return claims;
}

function fractionCheck(value: number): Check {
  return (evidence) =>
    evidence.ratios.some((ratio) => Math.abs(ratio - value) <= 0.05)
      ? undefined
      : `no printed percentage or "N of M" is within 0.05 of ${value.toFixed(3)} (printed: ${[...new Set(evidence.ratios.map((ratio) => ratio.toFixed(3)))].join(', ') || 'none'})`;
}

/** Whether a command traces connection `id` (`--connection id`). */
function tracesConnection(output: CommandOutput, id: string): boolean {
  return optionValues(shellWords(output.command), '--connection').includes(id);
}

/** Clauses of a paragraph with their offsets: cut after `.`, `;` or `:` followed by a space. */
function clausesOf(text: string): Array<{ text: string; offset: number }> {
  const clauses: Array<{ text: string; offset: number }> = [];
  let start = 0;
  for (const match of text.matchAll(/(?<=[.;])\s+/g)) {
    clauses.push({ text: text.slice(start, match.index), offset: start });
    start = match.index + match[0].length;
  }
  clauses.push({ text: text.slice(start), offset: start });
  return clauses;
}

/**
 * Checks every claim of a paragraph against the commands beside it; returns what disagrees.
 * The block's commands are run first; the paragraph's inline commands only if a claim is not
 * borne out by the block.
 */
export async function checkParagraph(root: string, paragraph: Paragraph): Promise<Disagreement[]> {
  const blockOutputs = await Promise.all((paragraph.block?.commands ?? []).map((command) => runCommand(root, command)));
  let inlineOutputs: CommandOutput[] | undefined;
  const allOutputs = async () => {
    inlineOutputs ??= await Promise.all(paragraph.inlineCommands.map((command) => runCommand(root, command)));
    return [...blockOutputs, ...inlineOutputs];
  };
  const disagreements: Disagreement[] = [];
  // What a Trace paragraph quotes, students look for on the screen: the scenario file will not do.
  const textCheck = paragraph.text.startsWith('**Trace.**') ? printed : printedOrWritten;
  const lineAt = (offset: number) => paragraph.line + (paragraph.text.slice(0, offset).match(/\n/g)?.length ?? 0);
  for (const clause of clausesOf(paragraph.text)) {
    const connections = [
      ...new Set(
        [...blank(clause.text, /`[^`]+`/g).matchAll(/\b[Cc]onnections? (\d+)\b/g)].map((match) => match[1] ?? ''),
      ),
    ];
    for (const id of connections) {
      const tracing = (await allOutputs()).filter((output) => tracesConnection(output, id));
      if (tracing.length === 0 || tracing.every((output) => output.traceRows === ''))
        disagreements.push({
          line: lineAt(clause.offset + clause.text.search(new RegExp(`[Cc]onnections? ${id}\\b`))),
          claim: `connection ${id}`,
          problem: 'no command beside it traces this connection (`--trace --connection N`), or its trace is empty',
        });
    }
    const evidenceFor = (outputs: readonly CommandOutput[]) =>
      connections.length === 0
        ? evidenceOf(outputs, (output) => output.stdout)
        : evidenceOf(
            outputs.filter((output) => connections.some((id) => tracesConnection(output, id))),
            (output) => output.traceRows,
          );
    const first = evidenceFor(blockOutputs);
    for (const claim of clauseClaims(clause.text, textCheck)) {
      if (claim.check(first) === undefined) continue;
      const wider = evidenceFor(await allOutputs());
      const problem = claim.check(wider);
      if (problem === undefined) continue;
      const scope =
        connections.length === 0
          ? wider.commands.join(' | ') || '(no command beside it)'
          : wider.commands.length === 0
            ? `connection ${connections.join(', ')}, which no command beside it traces`
            : `the trace rows of connection ${connections.join(', ')} in: ${wider.commands.join(' | ')}`;
      disagreements.push({
        line: lineAt(clause.offset + claim.offset),
        claim: claim.text,
        problem: `${problem} — checked against ${scope}`,
      });
    }
  }
  return disagreements;
}
