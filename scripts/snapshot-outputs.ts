/**
 * Snapshots what every catalogue scenario writes (the `--json` lines, the captures and the HTML
 * report) with the built bundle, and compares two snapshots byte for byte: the check that a
 * change which must not alter behaviour (a faster data path, a file split) did not.
 *
 * Usage:
 *   tsx scripts/snapshot-outputs.ts snapshot <dir>     run every scenarios/**\/*.yaml (not the
 *                                                      generated scale runs) into <dir>
 *   tsx scripts/snapshot-outputs.ts compare <a> <b>    list every file that differs or is
 *                                                      missing; exit 1 if any does
 *
 * Run `pnpm build` first: the snapshot runs packages/lbsim/bin/lbsim.js, the bundle users run.
 * A snapshot refuses to write into a directory that exists (it never replaces files).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';

const root = join(import.meta.dirname, '..');
const [command, first, second] = process.argv.slice(2);

if (command === 'snapshot' && first !== undefined) process.exit(snapshot(resolve(first)));
if (command === 'compare' && first !== undefined && second !== undefined) process.exit(compare(first, second));
console.error('usage: tsx scripts/snapshot-outputs.ts snapshot <dir> | compare <a> <b>');
process.exit(2);

/** Runs every catalogue scenario into `directory`; returns the exit code. */
function snapshot(directory: string): number {
  if (existsSync(directory)) {
    console.error(`${directory} exists; choose a new directory`);
    return 2;
  }
  const bin = join(root, 'packages/lbsim/bin/lbsim.js');
  for (const file of scenarioFiles(join(root, 'scenarios'))) {
    const id = relative(join(root, 'scenarios'), file).replace(/\.yaml$/, '');
    const out = join(directory, id);
    mkdirSync(out, { recursive: true });
    const run = spawnSync(
      process.execPath,
      [bin, 'run', file, '--json', '--pcap', join(out, 'pcap'), '--report', join(out, 'report.html')],
      { encoding: 'utf8', maxBuffer: 1 << 30 },
    );
    writeFileSync(join(out, 'stdout.jsonl'), run.stdout);
    // The messages name the output paths; written relative to the snapshot so two compare.
    writeFileSync(join(out, 'stderr.txt'), run.stderr.replaceAll(directory, '<snapshot>'));
    writeFileSync(join(out, 'status.txt'), `${run.status}\n`);
    process.stderr.write(`${id}: exit ${run.status}\n`);
  }
  return 0;
}

/** Lists the files that differ between two snapshots; returns 1 when any does. */
function compare(a: string, b: string): number {
  const left = new Set(filesUnder(a).map((file) => relative(a, file)));
  const right = new Set(filesUnder(b).map((file) => relative(b, file)));
  let differing = 0;
  for (const file of new Set([...left, ...right])) {
    if (!left.has(file) || !right.has(file)) {
      console.log(`only in ${left.has(file) ? a : b}: ${file}`);
      differing++;
    } else if (!readFileSync(join(a, file)).equals(readFileSync(join(b, file)))) {
      console.log(`differs: ${file}`);
      differing++;
    }
  }
  console.log(`${left.size} files compared, ${differing} differ`);
  return differing === 0 ? 0 : 1;
}

/** The catalogue's scenario files, sorted; the generated scale runs are left out (minutes each). */
function scenarioFiles(directory: string): string[] {
  return filesUnder(directory).filter((file) => file.endsWith('.yaml') && !file.includes('/scale/'));
}

/** Every file under `directory`, sorted. */
function filesUnder(directory: string): string[] {
  const found: string[] = [];
  for (const name of readdirSync(directory).sort()) {
    const path = join(directory, name);
    if (statSync(path).isDirectory()) found.push(...filesUnder(path));
    else found.push(path);
  }
  return found;
}
