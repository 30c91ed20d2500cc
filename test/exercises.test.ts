/**
 * The workshop's exercises (workshop/exercises/, `lbsim exercise` and `lbsim check`): for every
 * exercise, the catalogue's fixed variant passes its check; the start file does not; each known
 * wrong fix fails with its own explanation, and `lbsim explain` of it still gives the diagnosis;
 * an unrelated change to the start file fails for the same reasons as the start file; bad input
 * is exit 2 with a message and no stack trace.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '@lbsim/sim-cli';
import { afterAll, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { failureModeFolders, repositoryRoot } from './support.ts';

const exercisesDirectory = join(repositoryRoot, 'workshop', 'exercises');
const catalogue = join(repositoryRoot, 'scenarios');
const work = mkdtempSync(join(tmpdir(), 'lbsim-exercises-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

interface WrongFixData {
  readonly id: string;
  readonly title: string;
  readonly diagnosis?: string;
}
interface ExerciseData {
  readonly id: string;
  readonly module: string;
  readonly fixed: string;
  readonly wrongFixes?: readonly WrongFixData[];
}

function exerciseData(id: string): ExerciseData {
  return parseYaml(readFileSync(join(exercisesDirectory, `${id}.yaml`), 'utf8')) as ExerciseData;
}

/** Runs lbsim in-process. */
async function lbsim(...argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const code = await main([...argv, '--catalogue', catalogue], {
    stdout: (text) => (stdout += text),
    stderr: (text) => (stderr += text),
    stderrIsTty: false,
  });
  return { code, stdout, stderr };
}

/** The goal lines a check did not meet. */
function unmetGoals(output: string): string[] {
  return output.split('\n').filter((line) => line.startsWith('  NOT MET'));
}

const guide = readFileSync(join(repositoryRoot, 'docs/workshop.md'), 'utf8');
const ids = failureModeFolders();

describe('exercises', () => {
  it('has one exercise per catalogue failure mode, each with its module in docs/workshop.md', () => {
    const listed = readFileSync(join(repositoryRoot, 'packages/lbsim/package.json'), 'utf8');
    expect(listed).toContain('"workshop"');
    for (const id of ids) {
      const exercise = exerciseData(id);
      expect(exercise.id).toBe(id);
      expect(guide, id).toMatch(new RegExp(`^### ${exercise.module}\\. \`${id}\`:`, 'm'));
    }
  });

  it('lists them', async () => {
    const { code, stdout } = await lbsim('exercise', 'list');
    expect(code).toBe(0);
    for (const id of ids) expect(stdout).toContain(id);
  });

  for (const id of ids) {
    describe(id, () => {
      const exercise = exerciseData(id);
      const startFile = join(work, id, 'start.yaml');

      it('the fixed variant passes', async () => {
        const { code, stdout } = await lbsim('check', id, join(catalogue, id, `${exercise.fixed}.yaml`));
        expect(code, stdout).toBe(0);
        expect(stdout).toContain('— PASS');
      });

      it('the start file does not, and the check gives the diagnosis', async () => {
        expect((await lbsim('exercise', 'start', id, startFile)).code).toBe(0);
        const { code, stdout } = await lbsim('check', id, startFile);
        expect(code, stdout).toBe(1);
        expect(stdout).toContain('— NOT YET');
        expect(unmetGoals(stdout).length).toBeGreaterThan(0);
        expect(stdout).toContain(`→ ${id}`);
      });

      it('an unrelated change fails for the same reasons as the start file', async () => {
        const text = readFileSync(join(catalogue, id, 'broken.yaml'), 'utf8')
          .replace(/^description: >\n/m, 'description: >\n  My copy for the workshop.\n')
          .replace(/^# .*$/m, '# my notes');
        const file = join(work, id, 'unrelated.yaml');
        writeFileSync(file, text);
        const start = await lbsim('check', id, startFile);
        const changed = await lbsim('check', id, file);
        expect(changed.code).toBe(1);
        expect(unmetGoals(changed.stdout)).toEqual(unmetGoals(start.stdout));
        expect(changed.stdout).toContain(`→ ${id}`);
      });

      for (const fix of exercise.wrongFixes ?? []) {
        it(`the wrong fix ${fix.id} fails, with its explanation, and explain keeps the diagnosis`, async () => {
          const file = join(work, id, `${fix.id}.yaml`);
          expect((await lbsim('exercise', 'start', id, file, '--with', fix.id)).code).toBe(0);
          const checked = await lbsim('check', id, file);
          expect(checked.code, checked.stdout + checked.stderr).toBe(1);
          expect(checked.stdout).toContain(`A known wrong fix: ${fix.title} (${fix.id})`);
          // No other wrong fix of the exercise is named: each is recognised for itself.
          for (const other of exercise.wrongFixes ?? [])
            if (other.id !== fix.id) expect(checked.stdout).not.toContain(`(${other.id})`);
          const explained = await lbsim('explain', file);
          if (explained.code !== 0) expect(checked.stdout).toContain('lbsim refuses the file');
          else if (fix.diagnosis === 'none') expect(explained.stdout).toContain('Nothing to explain');
          else expect(explained.stdout).toContain(`→ ${fix.diagnosis ?? id}`);
        });
      }
    });
  }
});

describe('exercise and check: bad input', () => {
  it('an unknown exercise is exit 2 with the list', async () => {
    const { code, stderr } = await lbsim('check', 'no-such-exercise', 'x.yaml');
    expect(code).toBe(2);
    expect(stderr).toContain('no exercise "no-such-exercise"');
    expect(stderr).toContain('probe-wrong-port');
  });

  it('a missing file is exit 2', async () => {
    const { code, stderr } = await lbsim('check', 'probe-wrong-port', join(work, 'missing.yaml'));
    expect(code).toBe(2);
    expect(stderr).toContain('no such file');
  });

  it('a file lbsim refuses, for a reason no wrong fix explains, is exit 2 with the problems', async () => {
    const file = join(work, 'invalid.yaml');
    writeFileSync(file, 'name: x\nhosts: 3\n');
    const { code, stderr, stdout } = await lbsim('check', 'probe-wrong-port', file);
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toContain('is not a valid scenario');
    expect(stderr).not.toMatch(/\n\s+at /);
  });

  it('start never replaces a file without --force', async () => {
    const file = join(work, 'mine.yaml');
    writeFileSync(file, 'my work\n');
    const refused = await lbsim('exercise', 'start', 'probe-wrong-port', file);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('--force');
    expect(readFileSync(file, 'utf8')).toBe('my work\n');
    expect((await lbsim('exercise', 'start', 'probe-wrong-port', file, '--force')).code).toBe(0);
    expect(readFileSync(file, 'utf8')).toBe(readFileSync(join(catalogue, 'probe-wrong-port', 'broken.yaml'), 'utf8'));
  });

  it('an unknown action or wrong fix is exit 2', async () => {
    expect((await lbsim('exercise', 'begin', 'probe-wrong-port')).code).toBe(2);
    expect((await lbsim('check', 'probe-wrong-port')).code).toBe(2);
    const { code, stderr } = await lbsim('exercise', 'start', 'probe-wrong-port', join(work, 'w.yaml'), '--with', 'x');
    expect(code).toBe(2);
    expect(stderr).toContain('raise-threshold');
  });
});
