/**
 * The CLI under fuzzing, in-process through `main` (docs/architecture.md#bad-input; issue 10): fuzzed scenario
 * files through `lbsim validate` and `lbsim run`, random command lines, and fuzzed output
 * paths. Every case exits 0, 1 or 2 with clear lines on standard error — never an exception,
 * never a stack trace — and lbsim writes nothing but the captures and report it was asked
 * for: no scenario file and no file of anyone else's is ever changed.
 */
import { createHash } from 'node:crypto';
import {
  cpSync,
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  truncateSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { parseScenarioText } from '@lbsim/scenario';
import { main } from '@lbsim/sim-cli';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import {
  controlCharacterFile,
  expectClearLine,
  fuzzEventBudget,
  hugeCountFile,
  longSingleLineDocument,
  mutatedCatalogueFile,
  randomDocument,
} from './fuzz-support.ts';
import { propertyTimeout, runs } from './support.ts';

const scratch = mkdtempSync(join(tmpdir(), 'lbsim-fuzz-cli-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** Runs `lbsim` in-process; asserts it neither throws nor prints anything unclear on standard error. */
async function lbsim(argv: readonly string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const code = await main(argv, { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t), stderrIsTty: false });
  expect([0, 1, 2]).toContain(code);
  for (const line of stderr.split('\n').filter((l) => l !== '')) expectClearLine(line);
  expect(stderr).not.toMatch(/^\s+at /m);
  return { code, stdout, stderr };
}

/** A scenario text with its event budget capped (when it is a mapping), so any run is short. */
function capped(text: string): string {
  let document: unknown;
  try {
    document = parse(text);
  } catch {
    return text;
  }
  if (document === null || typeof document !== 'object' || Array.isArray(document)) return text;
  return stringify({ ...document, eventBudget: fuzzEventBudget });
}

let fileCount = 0;
function scenarioFile(text: string): string {
  const file = join(scratch, `scenario-${++fileCount}.yaml`);
  writeFileSync(file, text);
  return file;
}

describe('special files through the CLI: refused at once, exit 2, one clear line', () => {
  it.each([
    ['/dev/zero', () => '/dev/zero'],
    ['/dev/urandom', () => '/dev/urandom'],
    [
      'a sparse 1 GiB file',
      () => {
        const file = join(scratch, 'sparse.yaml');
        writeFileSync(file, '');
        truncateSync(file, 2 ** 30);
        return file;
      },
    ],
    ['a directory', () => scratch],
  ])('%s', async (_, fileOf) => {
    const file = fileOf();
    for (const command of ['validate', 'run']) {
      const { code, stdout, stderr } = await lbsim([command, file]);
      expect(code).toBe(2);
      // validate reports problems on standard output (like tsc), run on standard error.
      const [report, other] = command === 'validate' ? [stdout, stderr] : [stderr, stdout];
      expect(other).toBe('');
      expect(report.split('\n')[0]).toMatch(/(bytes; a scenario file is at most 4194304 bytes|is a directory)/);
    }
  });
});

describe('the CLI under fuzzing', () => {
  it('validate and run: a fuzzed file exits 0, 1 or 2 with clear messages, and validate agrees with the loader', {
    timeout: propertyTimeout,
  }, async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          mutatedCatalogueFile.map(({ text }) => capped(text)),
          randomDocument.map((document) => stringify(document)),
          controlCharacterFile.map(capped),
          hugeCountFile.map(capped),
          longSingleLineDocument,
        ),
        async (text) => {
          const file = scenarioFile(text);
          const loads = parseScenarioText(text, file).ok;
          const validate = await lbsim(['validate', file]);
          expect(validate.code).toBe(loads ? 0 : 2);
          const run = await lbsim(['run', file]);
          if (!loads) expect(run).toMatchObject({ code: 2, stdout: '' });
          if (run.code === 2 && loads) {
            expect(run.stderr).toContain('(the event budget): is something looping?');
          }
          expect(readFileSync(file, 'utf8')).toBe(text);
        },
      ),
      { numRuns: runs(60) },
    );
  });

  it('random command lines: any options and values, exit 0, 1 or 2 and clear messages', {
    timeout: propertyTimeout,
  }, async () => {
    const tiny = scenarioFile(tinyScenario);
    const outputs = join(scratch, 'argv-outputs');
    const word = fc.oneof(
      fc.constantFrom(
        'run',
        'validate',
        'list',
        'test',
        'schema',
        'explain',
        '--seed',
        '--trace',
        '--connection',
        '--at',
        '--json',
        '--pcap-format',
        '--help',
        '-h',
        '--version',
        '--',
        '-',
        '',
        tiny,
        join(scratch, 'missing.yaml'),
        scratch,
        '1',
        '-1',
        '1.5',
        'NaN',
        '1e400',
        '4294967296',
        'pcap',
        'pcapng',
        'client-1',
      ),
      fc.string({ maxLength: 8 }),
    );
    const outputOption = fc.constantFrom(
      ['--pcap', join(outputs, 'captures')],
      ['--report', join(outputs, 'report.html')],
      ['--pcap', ''],
      ['--report', ''],
    );
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.oneof({ weight: 6, arbitrary: word.map((w) => [w]) }, { weight: 1, arbitrary: outputOption }), {
          maxLength: 8,
        }),
        async (parts) => {
          await lbsim(parts.flat());
          expect(readFileSync(tiny, 'utf8')).toBe(tinyScenario);
        },
      ),
      { numRuns: runs(80) },
    );
  });

  it('output paths: only the captures and the report asked for are written, never a scenario or a foreign file', {
    timeout: propertyTimeout,
  }, async () => {
    const earlier = await earlierOutputs();
    await fc.assert(
      fc.asyncProperty(
        fc.record({
          scenarioName: fc.constantFrom('scenario.yaml', 'client-1.pcapng', 'report.html', 'web-1.pcap'),
          scenarioText: fc.constantFrom(tinyScenario, `# ${earlier.reportMark}\n${tinyScenario}`),
          pcap: fc.option(fc.constantFrom(...pcapTargets), { nil: undefined }),
          report: fc.option(fc.constantFrom(...reportTargets), { nil: undefined }),
          format: fc.constantFrom('pcapng', 'pcap'),
          extra: fc.subarray(['--json', '--trace', '--seed', '3']),
        }),
        async (choice) => {
          // Arrange: a fresh sandbox with the scenario, foreign files and earlier lbsim outputs.
          const sandbox = makeSandbox(choice.scenarioName, choice.scenarioText, earlier);
          const scenario = join(sandbox, 'inputs', choice.scenarioName);
          const pcap = choice.pcap === undefined ? undefined : resolveTarget(choice.pcap, sandbox, choice.scenarioName);
          const report =
            choice.report === undefined ? undefined : resolveTarget(choice.report, sandbox, choice.scenarioName);
          const before = snapshot(sandbox);
          // Act
          const extra = choice.extra.includes('--seed') ? choice.extra : choice.extra.filter((e) => e !== '3');
          await lbsim([
            'run',
            scenario,
            ...(pcap === undefined ? [] : ['--pcap', pcap, '--pcap-format', choice.format]),
            ...(report === undefined ? [] : ['--report', report]),
            ...extra,
          ]);
          // Assert: the scenario is untouched; any other change is an lbsim output asked for.
          const after = snapshot(sandbox);
          expect(after.get(relative(sandbox, scenario))).toBe(before.get(relative(sandbox, scenario)));
          for (const [path, digest] of after) {
            if (before.get(path) === digest) continue;
            const absolute = join(sandbox, path);
            const isReport = report !== undefined && absolute === report;
            const isCapture =
              pcap !== undefined && relative(pcap, absolute) === path.split('/').pop() && /\.pcap(ng)?$/.test(path);
            expect(isReport || isCapture, `lbsim changed ${path}`).toBe(true);
            const previous = before.get(path);
            if (previous !== undefined) {
              // Only an earlier lbsim output of the same kind may be replaced.
              expect(earlier.digests.get(isReport ? 'report' : 'capture'), `lbsim replaced ${path}`).toContain(
                previous,
              );
            }
          }
          for (const path of before.keys()) expect(after.has(path), `lbsim removed ${path}`).toBe(true);
          rmSync(sandbox, { recursive: true, force: true });
        },
      ),
      { numRuns: runs(60) },
    );
  });
});

/** A scenario that runs in a few milliseconds: one connection through one Mux. */
const tinyScenario = `name: tiny
duration: 3s
network: { muxes: 1 }
hosts:
  - { name: host-a, vms: [{ name: web-1, nics: [{ ip: 10.1.0.4 }], listeners: [{ port: 80 }] }] }
clients: [{ name: client-1, ip: 203.0.113.7 }]
loadBalancers:
  - name: lb
    frontends: [{ name: fe, ip: 52.0.0.1 }]
    backendPools: [{ name: web, members: [web-1] }]
    rules: [{ name: http, frontend: fe, backendPool: web, protocol: Tcp, frontendPort: 80, backendPort: 80 }]
traffic: [{ from: client-1, to: 52.0.0.1:80 }]
`;

/** Where `--pcap` may point: directories new and old, files, the scenario's own directory. */
const pcapTargets = [
  'new-dir',
  'new/nested/dir',
  'earlier-captures',
  'foreign-captures',
  'inputs',
  'inputs/SCENARIO',
  'foreign.txt',
  'earlier-report.html',
] as const;

/** Where `--report` may point: new and old files, foreign ones, directories, the scenario. */
const reportTargets = [
  'report.html',
  'new/report.html',
  'earlier-report.html',
  'foreign.txt',
  'foreign.html',
  'inputs/SCENARIO',
  'inputs',
  'earlier-captures/client-1.pcapng',
  'new-dir/client-1.pcapng',
] as const;

function resolveTarget(target: string, sandbox: string, scenarioName: string): string {
  return join(sandbox, target.replace('SCENARIO', scenarioName));
}

interface EarlierOutputs {
  /** The report generator mark, to plant in a scenario's comment. */
  readonly reportMark: string;
  readonly report: Buffer;
  readonly captures: string;
  /** SHA-1 of every earlier lbsim output by kind: what may be replaced. */
  readonly digests: ReadonlyMap<'report' | 'capture', readonly string[]>;
}

/** Real earlier lbsim outputs: a report and a capture directory from one run. */
async function earlierOutputs(): Promise<EarlierOutputs> {
  const directory = join(scratch, 'earlier');
  mkdirSync(directory, { recursive: true });
  const file = join(directory, 'tiny.yaml');
  writeFileSync(file, tinyScenario);
  const captures = join(directory, 'captures');
  const report = join(directory, 'report.html');
  const classic = join(directory, 'classic');
  await lbsim(['run', file, '--pcap', captures, '--report', report]);
  await lbsim(['run', file, '--pcap', classic, '--pcap-format', 'pcap']);
  const reportBytes = readFileSync(report);
  const captureDigests = [captures, classic].flatMap((dir) =>
    readdirSync(dir).map((name) => sha1(readFileSync(join(dir, name)))),
  );
  const mark = /<meta name="generator" content="lbsim">/.exec(reportBytes.toString('utf8'))?.[0] ?? '';
  expect(mark).not.toBe('');
  return {
    reportMark: mark,
    report: reportBytes,
    captures,
    digests: new Map([
      ['report', [sha1(reportBytes)]],
      ['capture', captureDigests],
    ]),
  };
}

function makeSandbox(scenarioName: string, scenarioText: string, earlier: EarlierOutputs): string {
  const sandbox = mkdtempSync(join(scratch, 'sandbox-'));
  mkdirSync(join(sandbox, 'inputs'));
  writeFileSync(join(sandbox, 'inputs', scenarioName), scenarioText);
  writeFileSync(join(sandbox, 'foreign.txt'), 'someone else’s notes\n');
  writeFileSync(join(sandbox, 'foreign.html'), '<!doctype html><title>mine</title>\n');
  writeFileSync(join(sandbox, 'earlier-report.html'), earlier.report);
  cpSync(earlier.captures, join(sandbox, 'earlier-captures'), { recursive: true });
  mkdirSync(join(sandbox, 'foreign-captures'));
  // A capture of someone else's with a vantage point's name: pcapng magic, no lbsim in it.
  writeFileSync(
    join(sandbox, 'foreign-captures', 'client-1.pcapng'),
    Buffer.from([0x0a, 0x0d, 0x0d, 0x0a, 0x1c, 0, 0, 0, 0x4d, 0x3c, 0x2b, 0x1a]),
  );
  return sandbox;
}

/** Every file under `root` (relative path → SHA-1). */
function snapshot(root: string): Map<string, string> {
  const files = new Map<string, string>();
  const walk = (directory: string) => {
    for (const entry of readdirSync(directory)) {
      const path = join(directory, entry);
      if (lstatSync(path).isDirectory()) walk(path);
      else files.set(relative(root, path), sha1(readFileSync(path)));
    }
  };
  if (existsSync(root)) walk(root);
  return files;
}

function sha1(bytes: Buffer): string {
  return createHash('sha1').update(bytes).digest('hex');
}
