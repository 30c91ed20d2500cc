/**
 * Challenge definitions: the bundled `workshop/challenges/<id>/` folders, each a `start.yaml`
 * (the scenario the student gets, whose fault is not named) and a `challenge.yaml` (the story,
 * the hidden expectations that grade a fix, the parts of the scenario a fix must leave alone,
 * the reference fix, known wrong fixes, words that would give the answer away, and the answer,
 * which `lbsim challenge check` shows only after a pass).
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse as parseYaml } from 'yaml';

/** One change to a scenario file, addressed by a dotted path (`loadBalancers.0.probes.0.port`). */
export interface ChallengeEdit {
  readonly path: string;
  /** Sets the value at `path`, creating the key when missing. */
  readonly set?: unknown;
  /** Appends this value to the list at `path`. */
  readonly add?: unknown;
  /** Deletes the key or list item at `path`. */
  readonly delete?: boolean;
}

/** A named set of edits: an accepted alternative fix, or a wrong fix with why it fails. */
export interface ChallengeFix {
  readonly name: string;
  readonly why: string;
  readonly edits: readonly ChallengeEdit[];
}

/**
 * A part of the scenario that defines the problem and that a fix must leave as it was: a dotted
 * path where `*` stands for every item of a list (`hosts.*.vms.*.listeners`), compared after
 * loading (defaults filled in), with the keys in `ignore` left out of each compared object.
 */
export interface KeptPart {
  readonly path: string;
  readonly ignore: readonly string[];
}

/** How hard a challenge is, for `lbsim challenge list`. */
export type Difficulty = 'easy' | 'medium' | 'hard';

/** A challenge, loaded. */
export interface Challenge {
  /** Its folder name, e.g. `shop-front`. */
  readonly id: string;
  readonly title: string;
  readonly difficulty: Difficulty;
  /** How many faults the start file has (1 or 2). */
  readonly faults: number;
  /** What the student is told: what users report, and what counts as fixed. */
  readonly story: string;
  /** The hidden expectations (scenario `expect` items, as YAML values) a fix must meet. */
  readonly expect: readonly unknown[];
  /** The parts a fix must not change: the defaults ({@link defaultKeptParts}) with the challenge's own. */
  readonly kept: readonly KeptPart[];
  /** The reference fix, as edits of the start file. */
  readonly fix: readonly ChallengeEdit[];
  /** Other fixes that pass too. */
  readonly otherFixes: readonly ChallengeFix[];
  /** Fixes students try that do not fix it, each with why. */
  readonly wrongFixes: readonly ChallengeFix[];
  /** A change that has nothing to do with the fault (it must not pass). */
  readonly unrelatedChange: readonly ChallengeEdit[];
  /** Words that name the fault or the fix: the not-yet output must contain none of them. */
  readonly giveaways: readonly string[];
  /** The fault(s) and the fix, shown after a pass. */
  readonly answer: string;
  /** The student's starting scenario, as text. */
  readonly startText: string;
}

/**
 * What every challenge keeps as it was: the run's seed and length, the datacenter (`network`:
 * Muxes and links are Azure's, and the mtu of every link is not a customer's to raise), the
 * clients, the traffic and timed events (the problem itself), the frontends and pool members
 * (taking a VM out of service is no fix), and the guests' listeners and NICs (the application
 * and its network attachments are given).
 */
export const defaultKeptParts: readonly KeptPart[] = [
  'seed',
  'duration',
  'network',
  'clients',
  'traffic',
  'events',
  'loadBalancers.*.frontends',
  'loadBalancers.*.backendPools',
  'hosts.*.vms.*.listeners',
  'hosts.*.vms.*.nics',
  'vms.*.listeners',
  'vms.*.nics',
].map((path) => ({ path, ignore: [] }));

/** The definition file of a challenge folder. */
export const definitionFileName = 'challenge.yaml';
/** The student's starting scenario of a challenge folder. */
export const startFileName = 'start.yaml';

/**
 * The bundled challenges: `workshop/challenges/` in the nearest folder above this module that
 * has a package.json and that folder (the repository from the sources, packages/lbsim or its
 * installed copy from the bundle), else `workshop/challenges` under the current directory.
 */
export function defaultChallengeDirectory(): string {
  let directory = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const challenges = join(directory, 'workshop', 'challenges');
    if (existsSync(join(directory, 'package.json')) && existsSync(challenges) && statSync(challenges).isDirectory())
      return challenges;
    const parent = dirname(directory);
    if (parent === directory) return join('workshop', 'challenges');
    directory = parent;
  }
}

/** The challenge ids under `directory` (folders with a definition), sorted; none when it cannot be read. */
export function challengeIds(directory: string): string[] {
  try {
    return readdirSync(directory)
      .filter((name) => existsSync(join(directory, name, definitionFileName)))
      .sort();
  } catch {
    return [];
  }
}

/** A loaded challenge, or why it could not be loaded. */
export type ChallengeLoad =
  | { readonly ok: true; readonly challenge: Challenge }
  | { readonly ok: false; readonly error: string };

type Fields = Readonly<Record<string, unknown>>;

const isFields = (value: unknown): value is Fields =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** The edits of a YAML value, or why it is none. */
function editsOf(value: unknown, where: string): readonly ChallengeEdit[] | string {
  if (value === undefined) return [];
  if (!Array.isArray(value)) return `${where} must be a list of edits`;
  for (const edit of value) {
    if (!isFields(edit) || typeof edit['path'] !== 'string')
      return `${where}: every edit needs a path (a dotted path such as loadBalancers.0.rules.0.backendPort)`;
    const kinds = ['set', 'add', 'delete'].filter((kind) => kind in edit);
    if (kinds.length !== 1) return `${where}: edit ${edit['path']} needs exactly one of set, add, delete`;
  }
  return value as ChallengeEdit[];
}

/** The named fixes of a YAML value, or why they are none. */
function fixesOf(value: unknown, where: string): readonly ChallengeFix[] | string {
  if (value === undefined) return [];
  if (!Array.isArray(value)) return `${where} must be a list`;
  const fixes: ChallengeFix[] = [];
  for (const item of value) {
    if (!isFields(item) || typeof item['name'] !== 'string' || typeof item['why'] !== 'string')
      return `${where}: every item needs a name and a why`;
    const edits = editsOf(item['edits'], `${where} ${item['name']}`);
    if (typeof edits === 'string') return edits;
    fixes.push({ name: item['name'], why: item['why'], edits });
  }
  return fixes;
}

/** The kept parts a definition adds; each replaces a default with the same path. */
function keptPartsOf(value: unknown): readonly KeptPart[] | string {
  if (value === undefined) return defaultKeptParts;
  if (!Array.isArray(value)) return 'unchanged must be a list of { path, ignore }';
  const own: KeptPart[] = [];
  for (const item of value) {
    if (!isFields(item) || typeof item['path'] !== 'string') return 'unchanged: every item needs a path';
    const ignore = item['ignore'] ?? [];
    if (!Array.isArray(ignore) || !ignore.every((key) => typeof key === 'string'))
      return `unchanged ${item['path']}: ignore must be a list of keys`;
    own.push({ path: item['path'], ignore });
  }
  return [...defaultKeptParts.filter((part) => !own.some((mine) => mine.path === part.path)), ...own];
}

/** Reads a file as text, or `undefined` when it cannot be read. */
function readText(file: string): string | undefined {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}

/** Builds the challenge from its parsed definition, or says what is wrong with it. */
function challengeOf(id: string, fields: Fields, startText: string): ChallengeLoad {
  const problem = (error: string): ChallengeLoad => ({ ok: false, error: `challenge ${id}: ${error}` });
  const text = (key: string) => (typeof fields[key] === 'string' ? (fields[key] as string).trim() : undefined);
  const [title, story, answer] = [text('title'), text('story'), text('answer')];
  if (title === undefined || story === undefined || answer === undefined)
    return problem('needs a title, a story and an answer');
  const difficulty = fields['difficulty'];
  if (difficulty !== 'easy' && difficulty !== 'medium' && difficulty !== 'hard')
    return problem('difficulty must be easy, medium or hard');
  const expectations = fields['expect'];
  if (!Array.isArray(expectations) || expectations.length === 0) return problem('needs expect: a list of expectations');
  const giveaways = fields['giveaways'] ?? [];
  if (!Array.isArray(giveaways) || !giveaways.every((word) => typeof word === 'string'))
    return problem('giveaways must be a list of words');
  const faults = fields['faults'] ?? 1;
  if (typeof faults !== 'number') return problem('faults must be a number');
  const kept = keptPartsOf(fields['unchanged']);
  const fix = editsOf(fields['fix'], 'fix');
  const unrelatedChange = editsOf(fields['unrelatedChange'], 'unrelatedChange');
  const otherFixes = fixesOf(fields['otherFixes'], 'otherFixes');
  const wrongFixes = fixesOf(fields['wrongFixes'], 'wrongFixes');
  for (const part of [kept, fix, unrelatedChange, otherFixes, wrongFixes])
    if (typeof part === 'string') return problem(part);
  return {
    ok: true,
    challenge: {
      id,
      title,
      difficulty,
      faults,
      story,
      expect: expectations,
      kept: kept as readonly KeptPart[],
      fix: fix as readonly ChallengeEdit[],
      otherFixes: otherFixes as readonly ChallengeFix[],
      wrongFixes: wrongFixes as readonly ChallengeFix[],
      unrelatedChange: unrelatedChange as readonly ChallengeEdit[],
      giveaways,
      answer,
      startText,
    },
  };
}

/**
 * Loads challenge `id` from `directory`. Fails with a message naming the known ids when there
 * is no such challenge, or with the problem when its files cannot be read or are malformed.
 */
export function loadChallenge(directory: string, id: string): ChallengeLoad {
  const ids = challengeIds(directory);
  if (!ids.includes(id)) {
    const known = ids.length === 0 ? `no challenges found under ${directory}` : `the challenges are ${ids.join(', ')}`;
    return { ok: false, error: `no challenge ${JSON.stringify(id)}: ${known} (lbsim challenge list)` };
  }
  const definitionText = readText(join(directory, id, definitionFileName));
  const startText = readText(join(directory, id, startFileName));
  if (definitionText === undefined || startText === undefined)
    return { ok: false, error: `challenge ${id}: cannot read ${definitionFileName} or ${startFileName}` };
  let fields: unknown;
  try {
    fields = parseYaml(definitionText);
  } catch (error) {
    return { ok: false, error: `challenge ${id}: ${definitionFileName} is not YAML: ${(error as Error).message}` };
  }
  if (!isFields(fields)) return { ok: false, error: `challenge ${id}: ${definitionFileName} must be a mapping` };
  return challengeOf(id, fields, startText);
}
