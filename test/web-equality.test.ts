/**
 * The playground gives the command line's results: for every catalogue file, the JSON lines
 * and every capture the page's worker makes in chromium (through `window.lbsimPlayground.run`,
 * the very bundle `pnpm build:web` writes, opened from file://) are byte-identical to what
 * `lbsim run <file> --json --pcap <dir>` writes in Node. The runs' outputs reach hundreds of
 * megabytes, so each side is compared by SHA-256 digest and length (the page's digests by Web
 * Crypto, which a file:// page has). One page session runs the whole catalogue. Skips, saying
 * so, without chromium.
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, sep } from 'node:path';
import { main } from '@lbsim/sim-cli';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repositoryRoot } from './support.ts';
import { buildPlayground, hasChromium, launchChromium, noChromiumMessage, openPlayground } from './web-page.ts';

if (!hasChromium) console.warn(noChromiumMessage);

/**
 * Whether to compare every catalogue file (about 8 minutes on two busy cores: the runs are 2–3
 * times slower in chromium) or every sixth, which keeps `pnpm test` near ten minutes.
 * `pnpm test:web` (LBSIM_WEB_ALL=1) compares them all.
 */
const compareAll = process.env['LBSIM_WEB_ALL'] === '1';
if (!compareAll && hasChromium) {
  console.warn('web-equality: comparing every sixth catalogue file; `pnpm test:web` compares all of them');
}

/** Every catalogue file, as `scenarios/<id>/<variant>.yaml`, without the generated scale runs. */
function catalogueFiles(): string[] {
  const scenarios = join(repositoryRoot, 'scenarios');
  const files: string[] = [];
  const walk = (directory: string) => {
    for (const name of readdirSync(directory).sort()) {
      const path = join(directory, name);
      if (path === join(scenarios, 'scale')) continue;
      if (statSync(path).isDirectory()) walk(path);
      else if (name.endsWith('.yaml') && !name.endsWith('.sweep.yaml'))
        files.push(relative(repositoryRoot, path).split(sep).join('/'));
    }
  };
  walk(scenarios);
  return files;
}

/** Digest and length of each output, by name: `json`, then each capture's file name. */
type Digests = Record<string, string>;

function digestOf(bytes: Uint8Array | string): string {
  const length = typeof bytes === 'string' ? Buffer.byteLength(bytes) : bytes.length;
  return `${createHash('sha256').update(bytes).digest('hex')} (${length} bytes)`;
}

/** `lbsim run <file> --json --pcap <dir>` in-process, from the repository root as a user would type it. */
async function cliDigests(file: string): Promise<Digests> {
  const captures = mkdtempSync(join(tmpdir(), 'lbsim-equality-'));
  let json = '';
  const code = await main(['run', file, '--json', '--pcap', captures], {
    stdout: (text) => {
      json += text;
    },
    stderr: () => {},
    stderrIsTty: false,
  });
  expect(code, file).not.toBe(2);
  const digests: Digests = { json: digestOf(json) };
  for (const name of readdirSync(captures).sort()) digests[name] = digestOf(readFileSync(join(captures, name)));
  rmSync(captures, { recursive: true, force: true });
  return digests;
}

describe.skipIf(!hasChromium)('the playground and lbsim run give byte-identical outputs', () => {
  let browser: Browser;
  let folder: string;
  const cwd = process.cwd();
  beforeAll(async () => {
    folder = buildPlayground();
    browser = await launchChromium();
    process.chdir(repositoryRoot);
  }, 120_000);
  afterAll(async () => {
    process.chdir(cwd);
    await browser?.close();
  });

  it(`${compareAll ? 'every catalogue file' : 'every sixth catalogue file'}: the same JSON lines and captures, byte for byte`, async () => {
    const files = catalogueFiles();
    const { tab, problems } = await openPlayground(browser, folder);
    const pageFiles = await tab.evaluate<string[]>('window.lbsimPlayground.catalogue.map((entry) => entry.file)');
    expect([...pageFiles].sort()).toEqual(files);
    for (const file of compareAll ? files : files.filter((_, index) => index % 6 === 0)) {
      const text = readFileSync(join(repositoryRoot, file), 'utf8');
      const inPage = tab.evaluate<Digests>(`(async ({ file, text }) => {
        const outputs = await window.lbsimPlayground.run({ file, text });
        const digest = async (bytes) => {
          const hash = new Uint8Array(await crypto.subtle.digest('SHA-256', bytes));
          return [...hash].map((byte) => byte.toString(16).padStart(2, '0')).join('') + ' (' + bytes.length + ' bytes)';
        };
        const digests = { json: await digest(new TextEncoder().encode(outputs.json)) };
        for (const capture of outputs.captures) digests[capture.name] = await digest(capture.bytes);
        return digests;
      })(${JSON.stringify({ file, text })})`);
      // The page's run goes on in chromium while Node runs the same file.
      const inNode = await cliDigests(file);
      expect(await inPage, file).toEqual(inNode);
    }
    expect(problems).toEqual([]);
  }, 900_000);
});

if (!hasChromium) {
  describe('the playground and lbsim run give byte-identical outputs', () => {
    it.skip(noChromiumMessage, () => {});
  });
}
