/**
 * `lbsim workshop --handout/--key` (packages/sim-cli/src/workshop/): the student handout keeps
 * every module's questions, commands and exercises and none of its answers or outcome prose;
 * the key is the whole guide (test/workshop.test.ts checks its every figure against the
 * commands); the command writes them only where nothing is in the way. And the guide's timing
 * tables add up: each part's minutes are its modules' (as their headings give them) plus the
 * exercises, and each cut's start times follow from the minutes before them.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '@lbsim/sim-cli';
import { afterAll, describe, expect, it } from 'vitest';
import { handoutFileName, keyFileName } from '../packages/sim-cli/src/commands/workshop.ts';
import {
  inlineCommands,
  paragraphLabel,
  workshopHandout,
  workshopKey,
} from '../packages/sim-cli/src/workshop/workshop-documents.ts';
import { repositoryRoot } from './support.ts';

const guidePath = join(repositoryRoot, 'docs/workshop.md');
const guide = readFileSync(guidePath, 'utf8');
const handout = workshopHandout(guide);

/** A module of parts A–E: its heading and its paragraphs and `sh` blocks, as the guide has them. */
interface Module {
  readonly heading: string;
  readonly paragraphs: readonly string[];
  readonly commands: readonly string[];
}

/** The modules of parts A–E (`### A1.` … until the next heading). */
function modulesOf(text: string): Module[] {
  const modules: Module[] = [];
  const sections = text.split(/^(?=#{2,3} )/m);
  for (const section of sections) {
    const heading = section.split('\n')[0] ?? '';
    if (!/^### [A-E]\d+\. /.test(heading)) continue;
    const body = section.slice(heading.length);
    const blocks = [...body.matchAll(/```sh\n([\s\S]*?)```/g)].map((match) => match[1] ?? '');
    const prose = body.replace(/```[\s\S]*?```/g, '');
    modules.push({
      heading,
      paragraphs: prose
        .split(/\n\s*\n/)
        .map((paragraph) => paragraph.trim())
        .filter((paragraph) => paragraph !== ''),
      commands: blocks.flatMap((block) => block.split('\n')).filter((line) => line.startsWith('lbsim ')),
    });
  }
  return modules;
}

/** The sentences of a paragraph's prose, backticked spans and the label left out. */
function proseSentences(paragraph: string): string[] {
  return paragraph
    .replace(/^\*\*[^*]+\*\*/, '')
    .replace(/\s+/g, ' ')
    .replace(/`[^`]*`/g, '\n')
    .split(/(?<=[.;:?!])\s|\n/)
    .map((sentence) => sentence.trim())
    .filter((sentence) => sentence.replace(/[^A-Za-z]/g, '').length >= 12);
}

const collapsedHandout = handout.replace(/\s+/g, ' ');

/** The handout's parts A–E, where answers could leak (module 0, part F and the closing are kept whole). */
const handoutModules = (() => {
  const start = handout.indexOf('## Part A.');
  const ends = ['## Part F.', '## Closing'].map((heading) => handout.indexOf(heading)).filter((at) => at > start);
  return handout.slice(start, Math.min(...ends, handout.length)).replace(/\s+/g, ' ');
})();

describe('the student handout', () => {
  const modules = modulesOf(guide);

  it('has every module of parts A–E', () => {
    expect(modules.length).toBeGreaterThan(20);
    for (const module of modules) expect(handout, module.heading).toContain(`${module.heading}\n`);
  });

  it("keeps each module's Setup, Predict, Exercise and In real Azure paragraphs, and every command", () => {
    for (const module of modules) {
      for (const paragraph of module.paragraphs) {
        const label = paragraphLabel(paragraph);
        if (label !== undefined && ['Setup.', 'Predict.', 'Exercise.', 'In real Azure.'].includes(label))
          expect(handout, `${module.heading}: ${label}`).toContain(paragraph);
        for (const command of inlineCommands(paragraph)) expect(collapsedHandout, command).toContain(command);
      }
      for (const command of module.commands) expect(handout, command).toContain(`${command}\n`);
    }
  });

  it('gives no answer: no sentence of an Answers paragraph or of the outcome prose of Trace, Capture, Report or Fix', () => {
    let checked = 0;
    for (const module of modules) {
      for (const paragraph of module.paragraphs) {
        const label = paragraphLabel(paragraph);
        if (label !== undefined && ['Setup.', 'Predict.', 'Exercise.', 'In real Azure.'].includes(label)) continue;
        for (const sentence of proseSentences(paragraph)) {
          checked++;
          expect(handoutModules.includes(sentence), `${module.heading}: ${label ?? ''} ${sentence}`).toBe(false);
        }
      }
    }
    expect(checked).toBeGreaterThan(200);
    expect(handoutModules).not.toContain('**Answers.**');
  });

  it('keeps module 0, the challenges and the closing whole', () => {
    for (const [from, to] of [
      ['## 0.', '## Part A.'],
      ['## Part F.', '## Closing'],
      ['## Closing', undefined],
    ] as const) {
      const start = guide.indexOf(from);
      if (start === -1) continue;
      const end = to === undefined ? guide.length : guide.indexOf(to, start);
      expect(handout, from).toContain(guide.slice(start, end).trimEnd());
    }
  });

  it('says it is the handout; the key is the whole guide under a note', () => {
    expect(handout).toMatch(/^# .*\n\n> Student handout/);
    const key = workshopKey(guide);
    expect(key).toMatch(/^# .*\n\n> Instructor key/);
    expect(key.replace(/\n\n> Instructor key[^\n]*\n/, '\n')).toBe(guide);
  });
});

describe('lbsim workshop', () => {
  const temporary = mkdtempSync(join(tmpdir(), 'lbsim-workshop-'));
  afterAll(() => rmSync(temporary, { recursive: true, force: true }));

  async function lbsim(args: readonly string[]) {
    let stdout = '';
    let stderr = '';
    const code = await main(args, {
      stdout: (text) => (stdout += text),
      stderr: (text) => (stderr += text),
      stderrIsTty: false,
    });
    return { code, stdout, stderr };
  }

  it('writes the handout and the key, with the picture, into directories it creates', async () => {
    const handoutDirectory = join(temporary, 'a', 'handout');
    const keyDirectory = join(temporary, 'a', 'key');
    const result = await lbsim(['workshop', '--handout', handoutDirectory, '--key', keyDirectory]);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(readFileSync(join(handoutDirectory, handoutFileName), 'utf8')).toBe(handout);
    expect(readFileSync(join(keyDirectory, keyFileName), 'utf8')).toBe(workshopKey(guide));
    expect(readFileSync(join(handoutDirectory, 'workshop-from-zero.svg'), 'utf8')).toBe(
      readFileSync(join(repositoryRoot, 'docs/workshop-from-zero.svg'), 'utf8'),
    );
    expect(result.stdout).toContain(`wrote ${join(handoutDirectory, handoutFileName)}`);
  });

  it('replaces nothing without --force, and writes nothing when one file is in the way', async () => {
    const directory = join(temporary, 'b');
    mkdirSync(directory);
    writeFileSync(join(directory, keyFileName), 'my notes\n');
    const refused = await lbsim(['workshop', '--handout', directory, '--key', directory]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain(`${keyFileName} exists; give --force`);
    expect(readFileSync(join(directory, keyFileName), 'utf8')).toBe('my notes\n');
    expect(() => readFileSync(join(directory, handoutFileName))).toThrow();
    const forced = await lbsim(['workshop', '--handout', directory, '--key', directory, '--force']);
    expect(forced.code).toBe(0);
    expect(readFileSync(join(directory, keyFileName), 'utf8')).toBe(workshopKey(guide));
  });

  it('answers bad input with a message and exit 2', async () => {
    const file = join(temporary, 'a-file');
    writeFileSync(file, 'x');
    for (const args of [
      ['workshop'],
      ['workshop', '--handout', ''],
      ['workshop', '--handout', join(file, 'below')],
      ['workshop', '--key', join(temporary, 'c'), '--guide', join(temporary, 'no-such-guide.md')],
    ]) {
      const result = await lbsim(args);
      expect(result.code, args.join(' ')).toBe(2);
      expect(result.stderr, args.join(' ')).toMatch(/^lbsim: /);
      expect(result.stderr).not.toMatch(/\n\s+at /);
    }
  });

  it('cuts them from another guide with --guide', async () => {
    const own = join(temporary, 'own.md');
    writeFileSync(own, '# Mine\n\n## Part A. X\n\n### A1. `x`: y (5 min)\n\n**Predict.** Q?\n\n**Answers.** 42.\n');
    const directory = join(temporary, 'own');
    expect((await lbsim(['workshop', '--guide', own, '--handout', directory])).code).toBe(0);
    const text = readFileSync(join(directory, handoutFileName), 'utf8');
    expect(text).toContain('**Predict.** Q?');
    expect(text).not.toContain('42');
  });
});

/** Minutes since midnight of `hh:mm`. */
function minutesOf(clock: string): number {
  const [hours, minutes] = clock.split(':').map(Number);
  return (hours ?? 0) * 60 + (minutes ?? 0);
}

/** The rows of the Markdown table under `### title` in the Timing section, as cells. */
function tableRows(title: string): string[][] {
  const section = guide.slice(guide.indexOf('## Timing'));
  const start = section.indexOf(`### ${title}\n`);
  expect(start, title).toBeGreaterThan(-1);
  const lines = section.slice(start).split('\n').slice(1);
  const table = lines.slice(lines.findIndex((line) => line.startsWith('|')));
  return table
    .slice(
      0,
      table.findIndex((line) => !line.startsWith('|')),
    )
    .slice(2)
    .map((line) =>
      line
        .split('|')
        .slice(1, -1)
        .map((cell) => cell.trim()),
    );
}

/** The minutes a heading gives: module ids (`A1`), `0`, `closing`, `challenges` (planned at 45 until part F says). */
function headingMinutes(id: string): number {
  const pattern =
    id === '0'
      ? /^## 0\. .*\((\d+) min\)$/m
      : id === 'closing'
        ? /^## Closing \((\d+) min\)$/m
        : id === 'challenges'
          ? /^## Part F\. .*\((\d+) min\)$/m
          : new RegExp(`^### ${id}\\. .*\\((\\d+) min\\)$`, 'm');
  const found = pattern.exec(guide)?.[1];
  if (found === undefined && id === 'challenges') return 45;
  expect(found, `the heading of ${id} gives its minutes`).toBeDefined();
  return Number(found);
}

/** The exercise minutes planned per module of parts A–E. */
const exerciseMinutes = 5;

function isModuleId(id: string): boolean {
  return /^[A-E]\d+$/.test(id);
}

describe("the workshop's timing", () => {
  it('adds up: each part is its modules plus their exercises, and the whole is the sum of the parts', () => {
    const rows = tableRows('Everything');
    const parts = rows.filter((row) => row[0] !== 'all');
    const ids = new Set<string>();
    for (const [part = '', modules = '', moduleMinutes = '', exercises = '', total = ''] of parts) {
      const listed = modules.split(',').map((id) => id.trim());
      for (const id of listed) ids.add(id);
      expect(Number(moduleMinutes), part).toBe(listed.reduce((sum, id) => sum + headingMinutes(id), 0));
      expect(Number(exercises), part).toBe(listed.filter(isModuleId).length * exerciseMinutes);
      expect(Number(total), part).toBe(Number(moduleMinutes) + Number(exercises));
    }
    const headings = [...guide.matchAll(/^### ([A-E]\d+)\. /gm)].map((match) => match[1] ?? '');
    expect([...ids].filter(isModuleId).sort()).toEqual([...headings].sort());
    const all = rows.find((row) => row[0] === 'all') ?? [];
    for (const column of [2, 3, 4])
      expect(Number(all[column]), `column ${column}`).toBe(parts.reduce((sum, row) => sum + Number(row[column]), 0));
  });

  for (const cut of ['A full day', 'A half day'])
    it(`${cut}: each part is its modules plus their exercises, and each start follows from the one before`, () => {
      const rows = tableRows(cut);
      expect(rows.at(-1)?.[1]).toBe('end');
      for (const [i, [start = '', part = '', modules = '', minutes = '']] of rows.slice(0, -1).entries()) {
        const listed = modules === '' ? [] : modules.split(',').map((id) => id.trim());
        if (listed.length > 0)
          expect(Number(minutes), `${cut}: ${part}`).toBe(
            listed.reduce((sum, id) => sum + headingMinutes(id), 0) +
              listed.filter(isModuleId).length * exerciseMinutes,
          );
        else expect(['break', 'lunch'], `${cut}: ${part}`).toContain(part);
        expect(minutesOf(rows[i + 1]?.[0] ?? ''), `${cut}: after ${part}`).toBe(minutesOf(start) + Number(minutes));
      }
    });
});
