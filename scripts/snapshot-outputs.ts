/**
 * `tsx scripts/snapshot-outputs.ts <outdir>` records what the built lbsim command
 * (packages/lbsim/bin/lbsim.js, the bundle `pnpm build` writes) prints and writes for every
 * catalogue scenario, so a refactoring can be shown to change no output:
 *
 *   <outdir>/<id>[/<variant>]/run.jsonl     stdout of `lbsim run <id> --json --pcap captures --report report.html`
 *   <outdir>/<id>[/<variant>]/run.stderr    its stderr, then its exit code on the last line
 *   <outdir>/<id>[/<variant>]/captures/     the pcapng captures, one per vantage point
 *   <outdir>/<id>[/<variant>]/report.html   the HTML report
 *   <outdir>/<id>[/<variant>]/explain.txt   stdout of `lbsim explain <id>`, then its exit code
 *
 * `tsx scripts/snapshot-outputs.ts --compare <before> <after>` compares two such directories
 * byte for byte, prints each file that differs or exists on one side only, and exits 1 if any.
 *
 * Scenarios come from the catalogue bundled with the command (packages/lbsim/scenarios), named
 * by catalogue id, and every command runs inside its own output folder with relative output
 * paths. The scenario's absolute path still reaches explain's first line and the pcapng section
 * header (the capture names the scenario it came from), so a snapshot records the checkout it
 * was made from in `checkout-root.txt`, and `--compare` reads each side with its own checkout
 * root replaced by `<checkout>`: snapshots of two checkouts (a worktree and a baseline) compare
 * equal when only the checkout's path differs.
 * The scale/ folder is left out: it is a benchmark of minutes and gigabytes, not a failure mode.
 * <outdir> must not exist yet or be empty: the script never overwrites earlier files.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const command = join(root, 'packages/lbsim/bin/lbsim.js');
const catalogue = join(root, 'packages/lbsim/scenarios');
const leftOut = new Set(['scale']);

/** Catalogue ids (`basic-public-lb`, `nsg-blocks-probe/fixed`) in sorted order. */
function listCatalogueIds(directory: string): string[] {
  const ids: string[] = [];
  for (const entry of readdirSync(directory).sort()) {
    const path = join(directory, entry);
    if (statSync(path).isDirectory()) {
      if (leftOut.has(entry)) continue;
      for (const file of readdirSync(path).sort()) {
        if (file.endsWith('.yaml')) ids.push(`${entry}/${file.slice(0, -'.yaml'.length)}`);
      }
    } else if (entry.endsWith('.yaml')) {
      ids.push(entry.slice(0, -'.yaml'.length));
    }
  }
  return ids;
}

/** Runs the command in `cwd`; returns stdout and stderr followed by the exit code. */
function runCommand(cwd: string, args: readonly string[]): { stdout: Buffer; stderr: Buffer; status: number | null } {
  const result = spawnSync(process.execPath, [command, ...args], {
    cwd,
    env: { ...process.env, NO_COLOR: '1' },
    maxBuffer: 1 << 30,
  });
  return { stdout: result.stdout, stderr: result.stderr, status: result.status };
}

function withExitCode(output: Buffer, status: number | null): Buffer {
  return Buffer.concat([output, Buffer.from(`\n[exit ${status ?? 'signal'}]\n`)]);
}

function snapshot(outdir: string): number {
  if (existsSync(outdir) && readdirSync(outdir).length > 0) {
    process.stderr.write(`snapshot-outputs: ${outdir} is not empty; give a new directory\n`);
    return 2;
  }
  if (!existsSync(command)) {
    process.stderr.write('snapshot-outputs: packages/lbsim/dist is not built; run `pnpm build`\n');
    return 2;
  }
  const ids = listCatalogueIds(catalogue);
  mkdirSync(outdir, { recursive: true });
  writeFileSync(join(outdir, checkoutRootFile), root);
  for (const id of ids) {
    const folder = join(outdir, id);
    mkdirSync(folder, { recursive: true });
    const run = runCommand(folder, ['run', id, '--json', '--pcap', 'captures', '--report', 'report.html']);
    writeFileSync(join(folder, 'run.jsonl'), run.stdout);
    writeFileSync(join(folder, 'run.stderr'), withExitCode(run.stderr, run.status));
    const explain = runCommand(folder, ['explain', id]);
    writeFileSync(
      join(folder, 'explain.txt'),
      withExitCode(Buffer.concat([explain.stdout, explain.stderr]), explain.status),
    );
    process.stdout.write(`${id}: run exit ${run.status}, explain exit ${explain.status}\n`);
  }
  process.stdout.write(`snapshot-outputs: ${ids.length} scenarios into ${outdir}\n`);
  return 0;
}

function listFiles(directory: string): string[] {
  const files: string[] = [];
  const walk = (path: string) => {
    for (const entry of readdirSync(path).sort()) {
      const child = join(path, entry);
      if (statSync(child).isDirectory()) walk(child);
      else files.push(relative(directory, child));
    }
  };
  walk(directory);
  return files;
}

/** The file a snapshot names its checkout in (not compared itself). */
const checkoutRootFile = 'checkout-root.txt';

/** The checkout root a snapshot was made from, or `undefined` for one made before it was recorded. */
function readCheckoutRoot(snapshotDirectory: string): string | undefined {
  const path = join(snapshotDirectory, checkoutRootFile);
  return existsSync(path) ? readFileSync(path, 'utf8') : undefined;
}

/**
 * A file's bytes with its checkout root replaced by `<checkout>`. A pcapng file's section header
 * block carries the scenario path in an option, so its length fields change with the root's
 * length: the block is read option by option and compared as option codes and replaced values.
 */
function normalizeOutput(bytes: Buffer, file: string, checkoutRoot: string | undefined): Buffer {
  if (checkoutRoot === undefined) return bytes;
  const replaceRoot = (raw: Buffer): Buffer =>
    Buffer.from(raw.toString('latin1').split(checkoutRoot).join('<checkout>'), 'latin1');
  if (!file.endsWith('.pcapng') || bytes.length < 28) return replaceRoot(bytes);
  const littleEndian = bytes.readUInt32LE(8) === 0x1a2b3c4d;
  const read16 = (at: number) => (littleEndian ? bytes.readUInt16LE(at) : bytes.readUInt16BE(at));
  const headerLength = littleEndian ? bytes.readUInt32LE(4) : bytes.readUInt32BE(4);
  const parts: Buffer[] = [bytes.subarray(8, 24)];
  for (let at = 24; at + 4 <= headerLength - 4; ) {
    const length = read16(at + 2);
    parts.push(bytes.subarray(at, at + 2), replaceRoot(bytes.subarray(at + 4, at + 4 + length)));
    at += 4 + Math.ceil(length / 4) * 4;
  }
  parts.push(bytes.subarray(headerLength));
  return Buffer.concat(parts);
}

function compare(before: string, after: string): number {
  const beforeRoot = readCheckoutRoot(before);
  const afterRoot = readCheckoutRoot(after);
  const compared = (file: string) => file !== checkoutRootFile;
  const beforeFiles = new Set(listFiles(before).filter(compared));
  const afterFiles = new Set(listFiles(after).filter(compared));
  let differences = 0;
  for (const file of [...new Set([...beforeFiles, ...afterFiles])].sort()) {
    if (!beforeFiles.has(file) || !afterFiles.has(file)) {
      process.stdout.write(`only in ${beforeFiles.has(file) ? before : after}: ${file}\n`);
      differences += 1;
    } else if (
      !normalizeOutput(readFileSync(join(before, file)), file, beforeRoot).equals(
        normalizeOutput(readFileSync(join(after, file)), file, afterRoot),
      )
    ) {
      process.stdout.write(`differs: ${file}\n`);
      differences += 1;
    }
  }
  process.stdout.write(
    differences === 0
      ? `snapshot-outputs: ${beforeFiles.size} files, all byte-identical\n`
      : `snapshot-outputs: ${differences} of ${Math.max(beforeFiles.size, afterFiles.size)} files differ\n`,
  );
  return differences === 0 ? 0 : 1;
}

function main(args: readonly string[]): number {
  if (args[0] === '--compare' && args.length === 3)
    return compare(resolve(args[1] as string), resolve(args[2] as string));
  if (args.length === 1 && !(args[0] as string).startsWith('-')) return snapshot(resolve(args[0] as string));
  process.stderr.write(
    'usage: tsx scripts/snapshot-outputs.ts <outdir>\n       tsx scripts/snapshot-outputs.ts --compare <before> <after>\n',
  );
  return 2;
}

process.exitCode = main(process.argv.slice(2));
