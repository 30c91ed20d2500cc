/**
 * `tsx scripts/update-challenge-key.ts`: regenerates docs/challenge-key.md from the challenge
 * definitions. Run it after changing workshop/challenges; test/challenges.test.ts fails until
 * the document matches.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { challengeIds, loadChallenge } from '../packages/sim-cli/src/challenges/challenge-definition.ts';
import { renderChallengeKey } from './challenge-key.ts';

const directory = join(import.meta.dirname, '../workshop/challenges');
const file = join(import.meta.dirname, '../docs/challenge-key.md');
const challenges = challengeIds(directory).map((id) => {
  const loaded = loadChallenge(directory, id);
  if (!loaded.ok) throw new Error(loaded.error);
  return loaded.challenge;
});
const after = renderChallengeKey(challenges);
let before = '';
try {
  before = readFileSync(file, 'utf8');
} catch {
  // Not written yet.
}
if (after === before) process.stdout.write('docs/challenge-key.md is up to date\n');
else {
  writeFileSync(file, after);
  process.stdout.write('docs/challenge-key.md: regenerated\n');
}
