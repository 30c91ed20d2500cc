/**
 * The HTML report in a real browser: Debian's chromium, headless, driven by playwright-core.
 * It must render without console errors, offline, and show the topology and a sequence
 * diagram of a failed connection with its drop marked. The screenshots are kept in out/ for
 * people to look at: the whole page (report-screenshot.png), a failed connection
 * (report-failed-connection.png), and from mux-failure the topology with its load balancer
 * and failed Mux (report-topology.png) and connection 5 with its drops and RST
 * (report-mux-failure-connection-5.png). Skips, saying so, without chromium.
 */
import { existsSync, mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { main } from '@lbsim/sim-cli';
import { type BrowserContext, chromium, type Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { brokenScenarioFile, repositoryRoot } from './support.ts';

const chromiumPath = '/usr/bin/chromium';
const hasChromium = existsSync(chromiumPath);
const noChromiumMessage = `chromium is not installed at ${chromiumPath}: skipping the report browser test (apt-get install -y chromium; .ci/run installs it)`;
if (!hasChromium) console.warn(noChromiumMessage);

/** Chromium as root in a sandbox with no network. */
const launchArgs = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** An SVG element as the page measures it (the tests compile without the DOM's types). */
interface Measured {
  getBBox(): { readonly width: number };
}

/** Writes the report of `scenario` and opens it in chromium; `problems` gathers console errors and requests. */
async function openReport(scenario: string): Promise<{ browser: BrowserContext; tab: Page; problems: string[] }> {
  const page = join(mkdtempSync(join(tmpdir(), 'lbsim-browser-')), 'report.html');
  const code = await main(['run', scenario, '--report', page], {
    stdout: () => {},
    stderr: () => {},
    stderrIsTty: false,
  });
  expect(code).not.toBe(2);
  const browser = await chromium.launchPersistentContext(mkdtempSync(join(tmpdir(), 'lbsim-chromium-')), {
    executablePath: chromiumPath,
    headless: true,
    args: launchArgs,
    viewport: { width: 1400, height: 900 },
  });
  const tab = browser.pages()[0] ?? (await browser.newPage());
  const problems: string[] = [];
  tab.on('console', (message) => {
    if (message.type() === 'error' || message.type() === 'warning') problems.push(message.text());
  });
  tab.on('pageerror', (error) => problems.push(error.message));
  tab.on('request', (request) => {
    if (!request.url().startsWith('file:')) problems.push(`request to ${request.url()}`);
  });
  await tab.goto(pathToFileURL(page).href, { waitUntil: 'load' });
  return { browser, tab, problems };
}

describe.skipIf(!hasChromium)('the HTML report in chromium', () => {
  it('mux-failure: the topology with its load balancer and failed Mux, connection 5 with its drops and RST', async () => {
    const { browser, tab, problems } = await openReport(brokenScenarioFile('mux-failure'));
    try {
      const topology = tab.locator('svg.topology');
      for (const part of ['frontend:web-lb/fe', 'rule:web-lb/http', 'pool:web-lb/web', 'nsg:web-nsg']) {
        expect(await topology.locator(`[data-node="${part}"]`).isVisible(), part).toBe(true);
      }
      expect(await topology.locator('.node.mux.failed').count()).toBe(1);
      expect(await topology.locator('.node.mux.failed .failure').textContent()).toBe('failed at 20s, down at the end');
      // The boxes are sized from estimated text widths: every label must fit its box in the real font.
      const overflowing = await topology.evaluate((svg) =>
        [...svg.querySelectorAll('g.node')].flatMap((node) => {
          const box = (node.querySelector('rect') as unknown as Measured).getBBox();
          return [...node.querySelectorAll('text')]
            .filter((label) => (label as unknown as Measured).getBBox().width > box.width - 4)
            .map((label) => label.textContent ?? '');
        }),
      );
      expect(overflowing).toEqual([]);

      const connection = tab.locator('#connection-5');
      const diagram = connection.locator('svg.sequence');
      expect(await diagram.locator('.drop').count()).toBeGreaterThanOrEqual(6);
      expect(await diagram.locator('.drop text').first().textContent()).toMatch(/DROP mux-down/);
      expect(await diagram.locator('.message.failing .label').last().textContent()).toMatch(/RST/);
      expect(await diagram.locator('.elided text').first().textContent()).toMatch(/^\d+ steps elided/);
      expect(await diagram.locator('.elided').first().isVisible()).toBe(true);
      // The why comes before the verdicts.
      const whyTop = (await tab.locator('#explanations').boundingBox())?.y ?? Number.POSITIVE_INFINITY;
      const verdictTop = (await tab.locator('#verdict').boundingBox())?.y ?? 0;
      expect(whyTop).toBeLessThan(verdictTop);

      mkdirSync(join(repositoryRoot, 'out'), { recursive: true });
      await topology.scrollIntoViewIfNeeded();
      await tab.locator('#topology .figure').screenshot({ path: join(repositoryRoot, 'out/report-topology.png') });
      await diagram.scrollIntoViewIfNeeded();
      await connection
        .locator('.figure')
        .screenshot({ path: join(repositoryRoot, 'out/report-mux-failure-connection-5.png') });
      expect(problems).toEqual([]);
    } finally {
      await browser.close();
    }
  });

  it('renders without console errors and shows the topology and a failed connection with its drop', async () => {
    // The issue asks for ilb-self-mapping: a failed connection whose inbound leg came back to its source.
    const scenario = brokenScenarioFile('ilb-self-mapping');
    const page = join(mkdtempSync(join(tmpdir(), 'lbsim-browser-')), 'report.html');
    const code = await main(['run', scenario, '--report', page], {
      stdout: () => {},
      stderr: () => {},
      stderrIsTty: false,
    });
    expect(code).not.toBe(2);

    const userDataDir = mkdtempSync(join(tmpdir(), 'lbsim-chromium-'));
    const browser = await chromium.launchPersistentContext(userDataDir, {
      executablePath: chromiumPath,
      headless: true,
      args: launchArgs,
      viewport: { width: 1280, height: 900 },
    });
    try {
      const tab = browser.pages()[0] ?? (await browser.newPage());
      const problems: string[] = [];
      tab.on('console', (message) => {
        if (message.type() === 'error' || message.type() === 'warning') problems.push(message.text());
      });
      tab.on('pageerror', (error) => problems.push(error.message));
      tab.on('request', (request) => {
        if (!request.url().startsWith('file:')) problems.push(`request to ${request.url()}`);
      });
      await tab.goto(pathToFileURL(page).href, { waitUntil: 'load' });

      await expect.poll(() => tab.locator('h1').textContent()).toBeTruthy();
      expect(await tab.locator('svg.topology .node').count()).toBeGreaterThan(3);
      const failed = tab.locator('article.connection.failed').first();
      expect(await failed.count()).toBe(1);
      expect(await failed.locator('svg.sequence .lane').count()).toBeGreaterThanOrEqual(4);
      expect(await failed.locator('svg.sequence .message').count()).toBeGreaterThan(2);
      const drop = failed.locator('svg.sequence .drop').first();
      expect(await drop.isVisible()).toBe(true);
      expect(await drop.locator('text').textContent()).toMatch(/DROP /);
      expect(await tab.locator('#no-probes').isVisible()).toBe(true);
      expect(await tab.locator('#no-snat').isVisible()).toBe(true);
      expect(await tab.locator('#node-counters tbody tr').count()).toBeGreaterThan(3);
      const box = await failed.locator('svg.sequence').boundingBox();
      expect(box?.width ?? 0).toBeGreaterThan(400);

      mkdirSync(join(repositoryRoot, 'out'), { recursive: true });
      await tab.screenshot({ path: join(repositoryRoot, 'out/report-screenshot.png'), fullPage: true });
      await failed.scrollIntoViewIfNeeded();
      await failed.screenshot({ path: join(repositoryRoot, 'out/report-failed-connection.png') });
      expect(problems).toEqual([]);
    } finally {
      await browser.close();
    }
  });
});

if (!hasChromium) {
  describe('the HTML report in chromium', () => {
    it.skip(noChromiumMessage, () => {});
  });
}
