/**
 * The browser playground in a real browser (Debian's chromium, headless, from file://, at
 * 1280×800): it opens with no request beyond its own files and no console error; a student
 * loads a catalogue entry, breaks it by editing the text, runs it, and the explanation names
 * the failure mode; the editor's diagnostics are `lbsim validate`'s lines; a long run shows
 * progress and stops; the page is usable from the keyboard, every control is labelled, and
 * its text meets WCAG AA contrast. Screenshots go to out/ (web-playground.png, the page after
 * a run; web-explanation.png, the explanation tab; web-report.png, the report's views).
 * Skips, saying so, without chromium.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lbsimWith } from '../packages/sim-cli/test/in-process.ts';
import { repositoryRoot } from './support.ts';
import { buildPlayground, hasChromium, launchChromium, noChromiumMessage, openPlayground } from './web-page.ts';

if (!hasChromium) console.warn(noChromiumMessage);

const out = join(repositoryRoot, 'out');

/** Waits until the run started last has finished (results or a refusal, and the report). */
async function waitForRun(tab: Page): Promise<void> {
  // Polled through locators: the page's Content-Security-Policy refuses the eval waitForFunction needs.
  await expect.poll(() => tab.locator('#run').isEnabled(), { timeout: 120_000, interval: 250 }).toBe(true);
}

/** Picks a catalogue entry as a student does: the select's option for `file`. */
async function pick(tab: Page, file: string): Promise<void> {
  await tab.selectOption('#catalogue', file);
  await expect.poll(() => tab.locator('.cm-content').textContent()).toContain('name:');
}

/** Replaces `before` with `after` at the end of the editor line holding `line`, by keys. */
async function editLineEnd(tab: Page, line: string, before: string, after: string, suffix: string): Promise<void> {
  await tab.locator('.cm-line', { hasText: line }).click();
  await tab.keyboard.press('End');
  for (let i = 0; i < suffix.length; i++) await tab.keyboard.press('ArrowLeft');
  for (let i = 0; i < before.length; i++) await tab.keyboard.press('Backspace');
  await tab.keyboard.type(after);
}

/** WCAG 2 contrast ratio of two `rgb(r, g, b)` colours. */
function contrast(a: string, b: string): number {
  const luminance = (colour: string) => {
    const [r, g, bl] = (colour.match(/[\d.]+/g) ?? []).slice(0, 3).map((part) => {
      const c = Number(part) / 255;
      return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
    });
    return 0.2126 * (r ?? 0) + 0.7152 * (g ?? 0) + 0.0722 * (bl ?? 0);
  };
  const [light, dark] = [luminance(a), luminance(b)].sort((x, y) => y - x) as [number, number];
  return (light + 0.05) / (dark + 0.05);
}

describe.skipIf(!hasChromium)('the playground in chromium', () => {
  let browser: Browser;
  let folder: string;
  beforeAll(async () => {
    folder = buildPlayground();
    browser = await launchChromium();
    mkdirSync(out, { recursive: true });
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
  });

  it('opens from file:// with no network request and no console error, and validates the first entry', async () => {
    const { tab, problems } = await openPlayground(browser, folder);
    await expect
      .poll(() => tab.locator('#diagnostics').textContent(), { timeout: 30_000 })
      .toBe('No problems: lbsim validate accepts it.');
    expect(await tab.locator('#catalogue option').count()).toBeGreaterThan(50);
    expect(problems).toEqual([]);
    await tab.close();
  });

  it('probe-wrong-port/fixed with the probe moved back to port 80: the explanation names probe-wrong-port', async () => {
    const { tab, problems } = await openPlayground(browser, folder);
    await pick(tab, 'scenarios/probe-wrong-port/fixed.yaml');
    await editLineEnd(tab, 'name: tcp443, protocol: Tcp, port: 443', '443', '80', ', intervalInSeconds: 5 }]');
    await expect.poll(() => tab.locator('.cm-content').textContent()).toContain('port: 80, intervalInSeconds: 5 }]');
    await tab.fill('#seed', '7');
    await tab.click('#run');
    await waitForRun(tab);
    expect(await tab.locator('#status').textContent()).toMatch(/^Done \(seed 7\): an expectation was not met\.$/);
    expect(await tab.locator('#summary-text').textContent()).toContain('probe-wrong-port');
    await tab.click('#tab-explanation');
    const explanation = await tab.locator('#explanation-text').textContent();
    expect(explanation).toMatch(/→ probe-wrong-port/);
    expect(explanation).toContain('checks TCP port 80, where nothing listens');
    await tab.screenshot({ path: join(out, 'web-explanation.png') });

    // The report's views: the topology and a sequence diagram with the drop, in the frame.
    await tab.click('#tab-report');
    const report = tab.frameLocator('#report-frame');
    expect(await report.locator('svg.topology .node').count()).toBeGreaterThan(3);
    expect(await report.locator('svg.sequence .drop').count()).toBeGreaterThan(0);
    await tab.screenshot({ path: join(out, 'web-report.png') });

    // The trace of one connection, as lbsim run --trace --connection 1 --no-probes prints it.
    await tab.click('#tab-trace');
    await tab.fill('#connection-id', '1');
    await tab.click('#show-trace');
    await expect.poll(() => tab.locator('#trace-text').textContent(), { timeout: 60_000 }).toContain('no-healthy-dip');
    expect(await tab.locator('#trace-text').textContent()).toMatch(/^time \(s\)\s+vantage\s+event/);

    // Downloads: the JSON lines and one capture per vantage point, plus the merged one.
    await tab.click('#tab-downloads');
    const names = await tab
      .locator('#download-list a')
      .evaluateAll((links) => links.map((link) => link.getAttribute('download')));
    expect(names[0]).toBe('probe-wrong-port-fixed-seed-7.jsonl');
    expect(names).toContain('_all.pcapng');
    expect(names).toContain('mux-1.pcapng');
    const download = tab.waitForEvent('download');
    await tab.locator('#download-list a', { hasText: '_all.pcapng' }).click();
    const file = await download;
    expect(file.suggestedFilename()).toBe('_all.pcapng');

    await tab.click('#tab-summary');
    await tab.screenshot({ path: join(out, 'web-playground.png') });
    expect(problems).toEqual([]);
    await tab.close();
  }, 180_000);

  it('shows the diagnostics lbsim validate prints, placed in the text', async () => {
    const { tab, problems } = await openPlayground(browser, folder);
    await pick(tab, 'scenarios/probe-wrong-port/fixed.yaml');
    await editLineEnd(tab, 'name: tcp443, protocol: Tcp, port: 443', 'port', 'prot', ': 443, intervalInSeconds: 5 }]');
    await expect.poll(() => tab.locator('#diagnostics').textContent(), { timeout: 30_000 }).toContain('prot');
    const shown = await tab.locator('#diagnostics').textContent();
    // The same scenario through `lbsim validate`: the same lines.
    const text = await tab.evaluate<string>(
      '[...document.querySelectorAll(".cm-line")].map((line) => line.textContent).join("\\n")',
    );
    const { writeFileSync, mkdtempSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const directory = mkdtempSync(join(tmpdir(), 'lbsim-validate-'));
    const cwd = process.cwd();
    process.chdir(directory);
    try {
      mkdirSync('scenarios/probe-wrong-port', { recursive: true });
      writeFileSync('scenarios/probe-wrong-port/fixed.yaml', `${text}\n`);
      const validated = await lbsimWith(['validate', 'scenarios/probe-wrong-port/fixed.yaml']);
      expect(validated.code).toBe(2);
      const lines = validated.stdout.split('\n').filter((line) => /^scenarios\/\S+:\d+:\d+ /.test(line));
      expect(lines.length).toBeGreaterThan(0);
      expect(shown?.split('\n')).toEqual(lines);
    } finally {
      process.chdir(cwd);
    }
    expect(await tab.locator('.cm-lintRange-error').count()).toBeGreaterThan(0);
    expect(problems).toEqual([]);
    await tab.close();
  }, 120_000);

  it('a long run shows progress and stops', async () => {
    const { tab, problems } = await openPlayground(browser, folder);
    await pick(tab, 'scenarios/basic-public-lb.yaml');
    // 100,000 connections over 5,000 s: millions of events, where the kernel reports progress every 65,536.
    await editLineEnd(tab, 'duration: 30s', '', '000', 's');
    await editLineEnd(tab, 'connections: 100', '', '000', '');
    await tab.click('#run');
    await expect
      .poll(async () => Number(await tab.locator('#progress').getAttribute('value')), {
        timeout: 60_000,
        interval: 100,
      })
      .toBeGreaterThan(0);
    expect(await tab.locator('#status').textContent()).toMatch(/^Simulating: [\d.]+ s of [\d.]+ s \(virtual time\)$/);
    await tab.click('#stop');
    await waitForRun(tab);
    expect(await tab.locator('#status').textContent()).toBe('Stopped.');
    expect(await tab.locator('#stop').isDisabled()).toBe(true);
    expect(problems).toEqual([]);
    await tab.close();
  }, 120_000);

  it('is usable from the keyboard, labels every control, and meets AA contrast', async () => {
    const { tab, problems } = await openPlayground(browser, folder);
    // Tab from the top reaches the picker, the seed, Run; the editor does not trap Tab.
    const reached: string[] = [];
    for (let i = 0; i < 12; i++) {
      await tab.keyboard.press('Tab');
      reached.push(await tab.evaluate<string>('document.activeElement?.id || document.activeElement?.className || ""'));
    }
    expect(reached).toContain('catalogue');
    expect(reached).toContain('seed');
    expect(reached).toContain('run');
    expect(reached.some((id) => id.includes('cm-content'))).toBe(true);
    expect(reached).toContain('tab-summary');
    // Arrow keys move between the result tabs, and the panel follows.
    await tab.focus('#tab-summary');
    await tab.keyboard.press('ArrowRight');
    expect(await tab.evaluate<string>('document.activeElement?.id')).toBe('tab-explanation');
    expect(await tab.locator('#panel-explanation').isVisible()).toBe(true);
    expect(await tab.locator('#panel-summary').isVisible()).toBe(false);
    // Enter on the focused Run button runs.
    await tab.focus('#run');
    await tab.keyboard.press('Enter');
    await waitForRun(tab);
    expect(await tab.locator('#status').textContent()).toMatch(/^Done/);

    const unlabelled = await tab.evaluate<string[]>(`
      [...document.querySelectorAll('input, select, button, iframe, [role="textbox"]')]
        .filter((control) =>
          (control.labels === undefined || control.labels === null || control.labels.length === 0) &&
          !control.getAttribute('aria-label') && !control.getAttribute('title') &&
          (control.textContent ?? '').trim() === '')
        .map((control) => control.outerHTML.slice(0, 80))`);
    expect(unlabelled).toEqual([]);

    const selectors = [
      'h1',
      'header p',
      'label',
      '.note',
      '#run',
      '#stop',
      '[role="tab"][aria-selected="true"]',
      '[role="tab"][aria-selected="false"]',
      '#summary-text',
      '.cm-content',
    ];
    const pairs = await tab.evaluate<{ selector: string; colour: string; background: string }[]>(
      `((selectors) => {
        const backgroundOf = (element) => {
          for (let node = element; node !== null; node = node.parentElement) {
            const colour = getComputedStyle(node).backgroundColor;
            if (colour !== 'rgba(0, 0, 0, 0)' && colour !== 'transparent') return colour;
          }
          return 'rgb(255, 255, 255)';
        };
        return selectors.map((selector) => {
          const element = document.querySelector(selector);
          return { selector, colour: element === null ? '' : getComputedStyle(element).color, background: backgroundOf(element) };
        });
      })(${JSON.stringify(selectors)})`,
    );
    for (const pair of pairs) {
      expect(
        contrast(pair.colour, pair.background),
        `${pair.selector}: ${pair.colour} on ${pair.background}`,
      ).toBeGreaterThanOrEqual(4.5);
    }
    expect(problems).toEqual([]);
    await tab.close();
  }, 180_000);
});

if (!hasChromium) {
  describe('the playground in chromium', () => {
    it.skip(noChromiumMessage, () => {});
  });
}
