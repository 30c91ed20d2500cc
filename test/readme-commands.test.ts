/**
 * README.md works as written (issue 18): in a fresh copy of the repository (the files git
 * tracks, as a clone has them), the first set-up command installs and runs a scenario, and
 * then every command of the "Using it" section's shell blocks exits 0, exactly as printed.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repositoryRoot } from './support.ts';

const readme = readFileSync(join(repositoryRoot, 'README.md'), 'utf8');

/** The text of the section under `## <title>`, up to the next `## ` heading. */
function section(title: string): string {
  const start = readme.indexOf(`\n## ${title}\n`);
  if (start < 0) throw new Error(`README.md has no "## ${title}" section`);
  const end = readme.indexOf('\n## ', start + 1);
  return readme.slice(start, end < 0 ? undefined : end);
}

/** The commands of a section's ```sh blocks: each line that is not blank or a comment. */
function shellCommands(text: string): string[] {
  const blocks = [...text.matchAll(/```sh\n([\s\S]*?)```/g)].map((match) => match[1] ?? '');
  return blocks.flatMap((block) =>
    block
      .split('\n')
      .map((line) => line.trim())
      .filter((line) => line !== '' && !line.startsWith('#')),
  );
}

let copy = '';

beforeAll(() => {
  copy = mkdtempSync(join(tmpdir(), 'lbsim-readme-'));
  const tracked = execFileSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], {
    cwd: repositoryRoot,
    encoding: 'utf8',
  })
    .split('\0')
    .filter((path) => path !== '');
  for (const path of tracked) {
    mkdirSync(dirname(join(copy, path)), { recursive: true });
    // A file deleted but not yet staged is listed and absent: a clone would not have it either.
    try {
      cpSync(join(repositoryRoot, path), join(copy, path));
    } catch {}
  }
}, 120_000);

afterAll(() => {
  if (copy !== '') rmSync(copy, { recursive: true, force: true });
});

describe('README.md, command by command, in a fresh copy', () => {
  it('the first set-up command installs lbsim and runs a scenario', () => {
    const [setUp] = shellCommands(section('Set-up'));
    expect(setUp).toMatch(/install/);
    const result = spawnSync('sh', ['-c', setUp as string], { cwd: copy, encoding: 'utf8', timeout: 300_000 });
    expect(result.status, `${setUp}\n${result.stderr}`).toBe(0);
    expect(result.stdout).toContain('All expectations met');
  }, 320_000);

  it('every command of "Using it" exits 0 as written', () => {
    const commands = shellCommands(section('Using it'));
    expect(commands.length).toBeGreaterThan(5);
    for (const command of commands) {
      const result = spawnSync('sh', ['-c', command], { cwd: copy, encoding: 'utf8', timeout: 240_000 });
      expect(result.status, `${command}\n${result.stderr.slice(0, 2000)}`).toBe(0);
    }
  }, 600_000);
});
