/**
 * The browser playground for the tests: `pnpm build:web`'s script run into a temporary
 * folder, opened from file:// in Debian's chromium (headless, no sandbox, no network), with
 * every request that is not the page's own (file:, and the blob: URL its worker starts from)
 * and every console error or warning gathered as a problem.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { type Browser, chromium, type Page } from 'playwright-core';
import { repositoryRoot } from './support.ts';

export const chromiumPath = '/usr/bin/chromium';
export const hasChromium = existsSync(chromiumPath);
export const noChromiumMessage = `chromium is not installed at ${chromiumPath}: skipping the playground browser tests (apt-get install -y chromium)`;

/** Builds the playground into a new temporary folder; returns the folder. */
export function buildPlayground(): string {
  const out = mkdtempSync(join(tmpdir(), 'lbsim-web-'));
  execFileSync(process.execPath, ['--import', 'tsx', join(repositoryRoot, 'scripts/build-web.ts'), '--out', out], {
    cwd: repositoryRoot,
    stdio: 'pipe',
  });
  return out;
}

/** Starts chromium as root in a sandbox with no network. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: chromiumPath,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

/** Opens `folder`/index.html from file:// at 1280×800; `problems` gathers console errors and foreign requests. */
export async function openPlayground(browser: Browser, folder: string): Promise<{ tab: Page; problems: string[] }> {
  const tab = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  const problems: string[] = [];
  tab.on('console', (message) => {
    if (message.type() === 'error' || message.type() === 'warning') problems.push(message.text());
  });
  tab.on('pageerror', (error) => problems.push(error.message));
  tab.on('request', (request) => {
    const url = request.url();
    if (!url.startsWith('file:') && !url.startsWith('blob:')) problems.push(`request to ${url}`);
  });
  await tab.goto(pathToFileURL(join(folder, 'index.html')).href, { waitUntil: 'load' });
  return { tab, problems };
}
