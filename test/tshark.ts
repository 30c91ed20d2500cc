/**
 * tshark for the capture tests: whether it is installed, and a capture's packets as rows of
 * named fields, with checksum verification on (it is off by default).
 */
import { execFileSync } from 'node:child_process';

/** Whether `tshark` runs here. */
export function hasTshark(): boolean {
  try {
    execFileSync('tshark', ['--version'], { stdio: 'ignore', timeout: 30_000 });
    return true;
  } catch {
    return false;
  }
}

/** The message tests print when they skip for want of tshark. */
export const noTsharkMessage =
  'tshark is not installed: skipping the capture decoding tests (apt-get install -y tshark; .ci/run installs it)';

const checksumOptions = [
  '-o',
  'ip.check_checksum:TRUE',
  '-o',
  'tcp.check_checksum:TRUE',
  '-o',
  'udp.check_checksum:TRUE',
];

/**
 * The packets of a capture file, one record per frame, keyed by field name. Fields that occur
 * several times in a frame (IP-in-IP) are comma-joined, outer first.
 */
export function readCaptureFields(file: string, fields: readonly string[]): Array<Record<string, string>> {
  const output = execFileSync(
    'tshark',
    ['-r', file, ...checksumOptions, '-T', 'fields', '-E', 'separator=/t', ...fields.flatMap((f) => ['-e', f])],
    { encoding: 'utf8', timeout: 60_000, maxBuffer: 64 * 1024 * 1024, stdio: ['ignore', 'pipe', 'ignore'] },
  );
  return output
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => {
      const values = line.split('\t');
      return Object.fromEntries(fields.map((field, i) => [field, values[i] ?? '']));
    });
}

/** tshark's expert findings of severity error (bad checksums, malformed packets), as text. */
export function expertErrors(file: string): string {
  return execFileSync('tshark', ['-r', file, ...checksumOptions, '-q', '-z', 'expert,error'], {
    encoding: 'utf8',
    timeout: 60_000,
    stdio: ['ignore', 'pipe', 'ignore'],
  }).trim();
}

/** The first line of `capinfos` output for each field it prints, e.g. `File encapsulation`. */
export function captureInfo(file: string): Map<string, string> {
  const output = execFileSync('capinfos', [file], {
    encoding: 'utf8',
    timeout: 60_000,
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  const info = new Map<string, string>();
  for (const line of output.split('\n')) {
    const match = /^\s*([^:=]+?)\s*[:=]\s*(.*)$/.exec(line);
    if (match !== null && !info.has(match[1] as string)) info.set(match[1] as string, match[2] as string);
  }
  return info;
}

/** The names of a pcapng file's interfaces, in order (capinfos' `Name =` lines). */
export function interfaceNames(file: string): string[] {
  const output = execFileSync('capinfos', [file], {
    encoding: 'utf8',
    timeout: 60_000,
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  return [...output.matchAll(/^\s*Name = (.*)$/gm)].map((match) => match[1] as string);
}

/** Every `Capture comment` line of a pcapng file's section header. */
export function sectionComments(file: string): string[] {
  const output = execFileSync('capinfos', [file], {
    encoding: 'utf8',
    timeout: 60_000,
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  return [...output.matchAll(/^Capture comment:\s+(.*)$/gm)].map((match) => match[1] as string);
}

/** The lines tshark prints for `args` (after `-r file`), quietly. */
export function tsharkLines(args: readonly string[]): string[] {
  return execFileSync('tshark', [...args], {
    encoding: 'utf8',
    timeout: 60_000,
    maxBuffer: 64 * 1024 * 1024,
    stdio: ['ignore', 'pipe', 'ignore'],
  })
    .split('\n')
    .filter((line) => line !== '');
}
