/**
 * The browser playground (issue 23): the size of what `pnpm build:web` writes, and the time
 * from pressing Run on a catalogue entry to its first result (the summary on the page),
 * measured in Debian's chromium under playwright-core with the page's own performance API:
 * `performance.now()` around the run for the time a student waits, and the DevTools
 * Performance metrics (`TaskDuration`, CPU time of the page's main thread) for what the page
 * itself costs; the simulation's CPU is in the worker, so wall time is the figure to read.
 * The first run warms the page (script compilation) and is not counted; the median of the
 * rest is. Skipped, saying so, without chromium.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { gzipSync } from 'node:zlib';
import { chromium } from 'playwright-core';
import type { Figure } from './figure.ts';

const root = join(import.meta.dirname, '..', '..');
const chromiumPath = '/usr/bin/chromium';

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] as number;
}

/** Builds the playground into a temporary folder; returns the folder. */
function buildPlayground(): string {
  const out = mkdtempSync(join(tmpdir(), 'lbsim-web-bench-'));
  execFileSync(process.execPath, ['--import', 'tsx', join(root, 'scripts/build-web.ts'), '--out', out], {
    cwd: root,
    stdio: 'inherit',
  });
  return out;
}

/** Bundle size, and time to first result of `scenario` (a catalogue file) over `runs` runs after one warm-up. */
export async function measureWeb(scenario: string, runs: number): Promise<Figure[]> {
  const folder = buildPlayground();
  const files = readdirSync(folder);
  const bytes = files.reduce((sum, file) => sum + statSync(join(folder, file)).size, 0);
  const gzipped = files.reduce((sum, file) => sum + gzipSync(readFileSync(join(folder, file))).length, 0);
  const figures: Figure[] = [
    {
      name: 'playground bundle',
      workload: `dist/web: ${files.sort().join(', ')}`,
      value: bytes / 2 ** 20,
      unit: 'MiB',
    },
    {
      name: 'playground bundle',
      workload: 'the same, gzip-compressed (as a server may send it)',
      value: gzipped / 2 ** 20,
      unit: 'MiB',
    },
  ];
  if (!existsSync(chromiumPath)) {
    process.stderr.write(`bench: chromium is not installed at ${chromiumPath}: no time to first result\n`);
    return figures;
  }
  const browser = await chromium.launch({
    executablePath: chromiumPath,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update'],
  });
  try {
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    const devtools = await page.context().newCDPSession(page);
    await devtools.send('Performance.enable');
    const taskSeconds = async () => {
      const { metrics } = await devtools.send('Performance.getMetrics');
      return metrics.find((metric) => metric.name === 'TaskDuration')?.value ?? Number.NaN;
    };
    await page.goto(pathToFileURL(join(folder, 'index.html')).href, { waitUntil: 'load' });
    await page.selectOption('#catalogue', scenario);
    const walls: number[] = [];
    const tasks: number[] = [];
    for (let run = 0; run <= runs; run++) {
      const taskBefore = await taskSeconds();
      const wallMs = await page.evaluate<number>(`new Promise((resolve) => {
        const summary = document.getElementById('summary-text');
        summary.textContent = '';
        const started = performance.now();
        const observer = new MutationObserver(() => {
          if ((summary.textContent ?? '') === '') return;
          observer.disconnect();
          resolve(performance.now() - started);
        });
        observer.observe(summary, { childList: true, characterData: true, subtree: true });
        document.getElementById('run').click();
      })`);
      const taskAfter = await taskSeconds();
      // Polled: the page's Content-Security-Policy refuses the eval waitForFunction needs.
      while (!(await page.locator('#run').isEnabled())) await page.waitForTimeout(100);
      if (run === 0) continue;
      walls.push(wallMs / 1000);
      tasks.push(taskAfter - taskBefore);
    }
    const workload = `${scenario} in chromium, Run to the summary shown, median of ${runs}`;
    figures.push(
      { name: 'playground time to first result', workload, value: median(walls), unit: 's wall (performance.now)' },
      {
        name: 'playground time to first result',
        workload: `${workload}; the page's main thread only (the run is in the worker)`,
        value: median(tasks),
        unit: 's CPU (TaskDuration)',
      },
    );
  } finally {
    await browser.close();
  }
  return figures;
}
