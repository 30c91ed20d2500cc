/**
 * `lbsim challenge` (issue 22, item 4): for every bundled challenge, through the CLI in-process,
 * the reference fix and every accepted alternative pass; the start file, each listed wrong fix,
 * an unrelated change, and files that delete the traffic or bring their own expectations do not;
 * a two-fault challenge with one fault fixed does not; and no not-yet output names the fault or
 * the fix (each challenge's giveaway words, and the catalogue's failure-mode ids). Then the bad
 * input of the command: exit 2, one clear line, user files left alone.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '@lbsim/sim-cli';
import { afterAll, describe, expect, it } from 'vitest';
import { parseDocument } from 'yaml';
import {
  type Challenge,
  challengeIds,
  defaultChallengeDirectory,
  loadChallenge,
} from '../packages/sim-cli/src/challenges/challenge-definition.ts';
import { applyEdits } from '../packages/sim-cli/src/challenges/challenge-edits.ts';
import { renderChallengeKey } from '../scripts/challenge-key.ts';
import { failureModeFolders, repositoryRoot } from './support.ts';

const directory = defaultChallengeDirectory();
const ids = challengeIds(directory);
const workDirectory = mkdtempSync(join(tmpdir(), 'lbsim-challenges-'));
afterAll(() => rmSync(workDirectory, { recursive: true, force: true }));

/** Runs `lbsim` in-process. */
async function lbsim(...argv: string[]) {
  let stdout = '';
  let stderr = '';
  const code = await main(argv, { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t), stderrIsTty: false });
  return { code, stdout, stderr };
}

function challengeOf(id: string): Challenge {
  const loaded = loadChallenge(directory, id);
  if (!loaded.ok) throw new Error(loaded.error);
  return loaded.challenge;
}

let files = 0;
/** Writes `text` to a new file of the work directory. */
function fileWith(text: string): string {
  const file = join(workDirectory, `attempt-${++files}.yaml`);
  writeFileSync(file, text);
  return file;
}

/** Checks `text` as challenge `id`'s answer. */
async function check(id: string, text: string) {
  return lbsim('challenge', 'check', id, fileWith(text));
}

/** Words a not-yet output must not contain: the challenge's giveaways and every failure-mode id. */
function giveawaysOf(challenge: Challenge): string[] {
  return [...challenge.giveaways, ...failureModeFolders()];
}

function expectNoGiveaway(challenge: Challenge, output: string) {
  const lower = output.toLowerCase();
  for (const word of giveawaysOf(challenge))
    expect(lower, `"${word}" gives the answer away`).not.toContain(word.toLowerCase());
  expect(output).not.toContain(challenge.answer.slice(0, 40));
}

/** A not-yet verdict that says nothing of the answer. */
async function expectNotYet(challenge: Challenge, text: string) {
  const result = await check(challenge.id, text);
  expect(result.stderr).toBe('');
  expect(result.stdout).toMatch(new RegExp(`^Challenge ${challenge.id}: not yet`));
  expect(result.code).toBe(1);
  expectNoGiveaway(challenge, result.stdout);
  return result;
}

it('bundles at least 8 challenges, two or more of them with two faults', () => {
  expect(ids.length).toBeGreaterThanOrEqual(8);
  expect(ids.filter((id) => challengeOf(id).faults === 2).length).toBeGreaterThanOrEqual(2);
});

it("docs/challenge-key.md, the instructor's key, is the definitions' (tsx scripts/update-challenge-key.ts)", () => {
  expect(readFileSync(join(repositoryRoot, 'docs/challenge-key.md'), 'utf8')).toBe(
    renderChallengeKey(ids.map(challengeOf)),
  );
});

it('lists every challenge without naming a fault', async () => {
  const result = await lbsim('challenge', 'list');
  expect(result.code).toBe(0);
  for (const id of ids) expect(result.stdout).toContain(id);
  for (const id of failureModeFolders()) expect(result.stdout).not.toContain(id);
  // The faults column counts them; titles and ids name none.
  expect(result.stdout.toLowerCase()).not.toMatch(/broken|wrong|misconfig/);
});

describe.each(ids)('challenge %s', (id) => {
  const challenge = challengeOf(id);
  const start = challenge.startText;

  it('hides its fault: no expectations, no telling names or comments, not a catalogue copy', () => {
    expect(start).not.toMatch(/^expect:/m);
    const document = parseDocument(start);
    const telling = [document.get('name'), document.get('description'), document.commentBefore, document.comment]
      .concat([...start.matchAll(/#.*$/gm)].map((match) => match[0]))
      .join(' ')
      .toLowerCase();
    expect(telling).not.toMatch(/broken|wrong|fault|fix|bug|misconfig/);
    for (const mode of failureModeFolders()) expect(start).not.toContain(mode);
    expect(document.get('name')).toBe(id);
    for (const mode of failureModeFolders())
      expect(readFileSync(join(repositoryRoot, 'scenarios', mode, 'broken.yaml'), 'utf8')).not.toContain(
        `ip: ${(start.match(/ip: (\d+\.\d+\.\d+\.\d+)/) ?? [])[1]}`,
      );
  });

  it('start writes the copy and tells the story; checking it unchanged is not yet, with symptoms only', async () => {
    const file = join(workDirectory, `${id}.yaml`);
    const started = await lbsim('challenge', 'start', id, file);
    expect(started.code).toBe(0);
    expect(started.stdout).toContain(challenge.title);
    expect(started.stdout).toContain(`lbsim challenge check ${id} ${file}`);
    // The story gives the facts users and operators know (ports, names), never the diagnosis.
    for (const mode of failureModeFolders()) expect(started.stdout).not.toContain(mode);
    expect(started.stdout).not.toContain(challenge.answer.slice(0, 40));
    const checked = await lbsim('challenge', 'check', id, file);
    expect(checked.code).toBe(1);
    expect(checked.stdout).toContain('What the traffic did:');
    expectNoGiveaway(challenge, checked.stdout);
  });

  it('the reference fix passes and reveals the answer', async () => {
    const result = await check(id, applyEdits(start, challenge.fix));
    expect(result.stderr).toBe('');
    expect(result.code, result.stdout).toBe(0);
    expect(result.stdout).toMatch(new RegExp(`^Challenge ${id}: PASS`));
    expect(result.stdout).toContain('What was wrong, and the fix:');
    expect(result.stdout.replace(/\s+/g, ' ')).toContain(challenge.answer.replace(/\s+/g, ' ').slice(0, 60));
  });

  for (const other of challenge.otherFixes) {
    it(`another fix passes: ${other.name}`, async () => {
      const result = await check(id, applyEdits(start, other.edits));
      expect(result.code, result.stdout).toBe(0);
    });
  }

  it('lists wrong fixes', () => {
    expect(challenge.wrongFixes.length).toBeGreaterThanOrEqual(2);
  });

  for (const wrong of challenge.wrongFixes) {
    it(`a wrong fix is not yet: ${wrong.name}`, async () => {
      await expectNotYet(challenge, applyEdits(start, wrong.edits));
    });
  }

  if (challenge.faults === 2) {
    it('fixing only one of its two faults is not yet', async () => {
      const partial = challenge.wrongFixes.filter((wrong) =>
        wrong.edits.every((edit) => challenge.fix.some((part) => JSON.stringify(part) === JSON.stringify(edit))),
      );
      expect(partial.length).toBeGreaterThanOrEqual(2);
      for (const wrong of partial) await expectNotYet(challenge, applyEdits(start, wrong.edits));
    });
  }

  it('an unrelated change is not yet', async () => {
    expect(challenge.unrelatedChange.length).toBeGreaterThan(0);
    await expectNotYet(challenge, applyEdits(start, challenge.unrelatedChange));
  });

  it('deleting the traffic is not yet, even with the fix', async () => {
    const result = await expectNotYet(
      challenge,
      applyEdits(start, [...challenge.fix, { path: 'traffic', delete: true }]),
    );
    expect(result.stdout).toContain('traffic changed');
  });

  it("the file's own expectations are not the grade: none, or ones the start run meets", async () => {
    await expectNotYet(challenge, applyEdits(start, [{ path: 'expect', set: [] }]));
    const name = (parseDocument(start).toJS() as { traffic: Array<{ name: string }> }).traffic[0]?.name;
    await expectNotYet(
      challenge,
      applyEdits(start, [{ path: 'expect', set: [{ traffic: name, dipsServed: { min: 0 } }] }]),
    );
  });
});

describe('lbsim challenge: bad input', () => {
  it('an unknown challenge: exit 2, naming the known ones', async () => {
    const result = await lbsim('challenge', 'start', 'no-such-challenge', join(workDirectory, 'x.yaml'));
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^lbsim: no challenge "no-such-challenge": the challenges are /);
    expect(result.stderr.split('\n').length).toBe(2);
  });

  it('start never writes over a file without --force', async () => {
    const file = fileWith('my own notes\n');
    const result = await lbsim('challenge', 'start', 'shop-front', file);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('exists: it was left as it is');
    expect(readFileSync(file, 'utf8')).toBe('my own notes\n');
    expect((await lbsim('challenge', 'start', 'shop-front', file, '--force')).code).toBe(0);
    expect(readFileSync(file, 'utf8')).toContain('name: shop-front');
  });

  it('start creates a missing folder for the copy, as --pcap does', async () => {
    const file = join(workDirectory, 'new-folder', 'mine.yaml');
    expect((await lbsim('challenge', 'start', 'ledger-api', file)).code).toBe(0);
    expect(readFileSync(file, 'utf8')).toContain('name: ledger-api');
  });

  it('check of a missing file, of an invalid scenario: exit 2 with the problem', async () => {
    const missing = await lbsim('challenge', 'check', 'shop-front', join(workDirectory, 'missing.yaml'));
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('missing.yaml');
    const invalid = await check('shop-front', 'name: [unclosed\n');
    expect(invalid.code).toBe(2);
    expect(invalid.stderr).toContain('YAML');
    expect(invalid.stderr).not.toMatch(/\n\s+at /);
  });

  it('a --challenges folder with a broken definition or start file: exit 2, one clear line', async () => {
    const folder = join(workDirectory, 'own-challenges');
    mkdirSync(join(folder, 'mine'), { recursive: true });
    writeFileSync(
      join(folder, 'mine', 'challenge.yaml'),
      readFileSync(join(directory, 'shop-front', 'challenge.yaml')),
    );
    writeFileSync(join(folder, 'mine', 'start.yaml'), 'name: [unclosed\n');
    const file = fileWith(challengeOf('shop-front').startText);
    const result = await lbsim('challenge', 'check', 'mine', file, '--challenges', folder);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^lbsim: challenge mine: its start.yaml does not load: /);
    writeFileSync(join(folder, 'mine', 'challenge.yaml'), 'title: [unclosed\n');
    const listed = await lbsim('challenge', 'list', '--challenges', folder);
    expect(listed.code).toBe(2);
    expect(listed.stderr).toMatch(/^lbsim: challenge mine: challenge.yaml is not YAML/);
  });

  it('a missing or unknown action, missing arguments: exit 2 with the usage', async () => {
    for (const argv of [
      ['challenge'],
      ['challenge', 'solve'],
      ['challenge', 'check', 'shop-front'],
      ['challenge', 'start'],
    ]) {
      const result = await lbsim(...argv);
      expect(result.code, argv.join(' ')).toBe(2);
      expect(result.stderr).toMatch(/^lbsim: /);
    }
  });
});
