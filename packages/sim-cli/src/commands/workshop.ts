/**
 * `lbsim workshop --handout <dir> --key <dir>`: writes the student handout and the instructor
 * key ({@link handoutFileName}, {@link keyFileName}) cut from the workshop guide
 * (workshop/workshop-documents.ts says what each keeps), with the pictures the guide shows.
 * Directories are created; existing files are replaced only with `--force`, and nothing is
 * written when any target is in the way.
 */
import { copyFileSync, existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { printable } from '@lbsim/scenario';
import type { CliIo, ExitCode } from '../io.ts';
import { localImages, workshopHandout, workshopKey } from '../workshop/workshop-documents.ts';
import { defaultWorkshopGuide } from '../workshop/workshop-guide.ts';

/** What `lbsim workshop` was asked to write. */
export interface WorkshopOptions {
  /** The directory for the student handout, if any. */
  readonly handout: string | undefined;
  /** The directory for the instructor key, if any. */
  readonly key: string | undefined;
  /** The guide to cut them from (default: the one shipped with lbsim). */
  readonly guide: string | undefined;
  /** Replace files that exist. */
  readonly force: boolean;
}

/** File names the documents are written under. */
export const handoutFileName = 'workshop-handout.md';
export const keyFileName = 'workshop-key.md';

/** One file to write: its path and either its text or the file to copy. */
type Target = { readonly path: string } & ({ readonly text: string } | { readonly copyOf: string });

/** The files to write for the options, from the guide's text at `guidePath`. */
function targetsOf(options: WorkshopOptions, guidePath: string, guide: string): Target[] {
  const images = localImages(guide).map((name) => ({ name, source: join(dirname(guidePath), name) }));
  const documents: Array<[string | undefined, string, () => string]> = [
    [options.handout, handoutFileName, () => workshopHandout(guide)],
    [options.key, keyFileName, () => workshopKey(guide)],
  ];
  const directories = new Set<string>();
  const targets: Target[] = [];
  for (const [directory, name, text] of documents) {
    if (directory === undefined) continue;
    targets.push({ path: join(directory, name), text: text() });
    if (directories.has(directory)) continue;
    directories.add(directory);
    for (const image of images)
      if (existsSync(image.source)) targets.push({ path: join(directory, image.name), copyOf: image.source });
  }
  return targets;
}

/** Why `path` cannot be written, or `undefined`. */
function targetProblem(path: string, force: boolean): string | undefined {
  const parent = dirname(path);
  if (existsSync(parent) && !statSync(parent).isDirectory()) return `${printable(parent)} is not a directory`;
  if (!existsSync(path)) return undefined;
  if (statSync(path).isDirectory()) return `${printable(path)} is a directory`;
  return force ? undefined : `${printable(path)} exists; give --force to replace it`;
}

/**
 * Writes the handout and/or key. Exit 0 when written, 2 when neither was asked for, the guide
 * cannot be read, or a target is in the way (then nothing is written).
 */
export function workshopCommand(options: WorkshopOptions, io: CliIo): ExitCode {
  if (options.handout === undefined && options.key === undefined) {
    io.stderr(
      'lbsim: name what to write: --handout <dir> (the student version) and/or --key <dir> (the instructor key)\n',
    );
    return 2;
  }
  if (options.handout === '' || options.key === '') {
    io.stderr(`lbsim: --${options.handout === '' ? 'handout' : 'key'} needs a directory, such as out/handout\n`);
    return 2;
  }
  const guidePath = options.guide ?? defaultWorkshopGuide();
  if (guidePath === undefined) {
    io.stderr('lbsim: this lbsim carries no workshop guide; give --guide docs/workshop.md\n');
    return 2;
  }
  let guide: string;
  try {
    guide = readFileSync(guidePath, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? String(error);
    io.stderr(`lbsim: cannot read the guide ${printable(guidePath)} (${code})\n`);
    return 2;
  }
  const targets = targetsOf(options, guidePath, guide);
  const problems = targets.flatMap((target) => targetProblem(target.path, options.force) ?? []);
  if (problems.length > 0) {
    io.stderr(`${problems.map((problem) => `lbsim: ${problem}`).join('\n')}\nNothing was written.\n`);
    return 2;
  }
  try {
    for (const target of targets) {
      mkdirSync(dirname(target.path), { recursive: true });
      if ('text' in target) writeFileSync(target.path, target.text);
      else copyFileSync(target.copyOf, target.path);
    }
  } catch (error) {
    io.stderr(`lbsim: cannot write (${(error as NodeJS.ErrnoException).code ?? String(error)})\n`);
    return 2;
  }
  for (const target of targets) if ('text' in target) io.stdout(`wrote ${printable(target.path)}\n`);
  return 0;
}
