/**
 * The progress bar: nothing on a non-terminal, nothing for the first second of wall time,
 * then a bar with virtual time and events on standard error, removed when the run ends. The
 * clock is a fake one, so nothing here waits.
 */
import { stripVTControlCharacters } from 'node:util';
import { describe, expect, it } from 'vitest';
import { main } from '../src/index.ts';
import { createProgress } from '../src/progress/progress-bar.ts';

function fakeTerminal(isTty: boolean) {
  let nowMs = 0;
  let written = '';
  const options = {
    isTty,
    columns: 120,
    write: (text: string) => {
      written += text;
    },
    nowMs: () => nowMs,
    label: 'simulating',
  };
  return {
    options,
    advance: (ms: number) => {
      nowMs += ms;
    },
    written: () => written,
  };
}

describe('progress bar', () => {
  it('draws nothing when standard error is not a terminal', () => {
    const terminal = fakeTerminal(false);
    const progress = createProgress(30e9, terminal.options);
    terminal.advance(5000);
    progress.onProgress(10e9, 65536);
    progress.stop();
    expect(terminal.written()).toBe('');
  });

  it('waits a second of wall time, then shows virtual time and events, and clears itself at the end', () => {
    const terminal = fakeTerminal(true);
    const progress = createProgress(30e9, terminal.options);
    terminal.advance(400);
    progress.onProgress(2e9, 65536);
    expect(terminal.written()).toBe('');
    terminal.advance(700);
    progress.onProgress(12e9, 131072);
    expect(terminal.written()).toContain('simulating [');
    expect(terminal.written()).toContain('40% | 12.000000000 of 30.000000000 s virtual | 131072 events');
    terminal.advance(1000);
    progress.onProgress(24e9, 196608);
    progress.stop();
    expect(terminal.written()).toContain('80% | 24.000000000 of 30.000000000 s virtual | 196608 events');
  });

  it('changes no terminal mode (cursor, line wrap), so a Ctrl-C mid-bar leaves the terminal as it was', () => {
    const terminal = fakeTerminal(true);
    const progress = createProgress(30e9, { ...terminal.options, columns: 40 });
    terminal.advance(1500);
    progress.onProgress(12e9, 131072);
    // What the terminal has seen when the process dies here: no mode set (ESC [ ? n h/l).
    expect(terminal.written()).toContain('simulating [');
    expect(terminal.written()).not.toContain('\x1b[?');
    // Cut to the terminal's width rather than relying on line wrap being off.
    expect(stripVTControlCharacters(terminal.written()).replace('\x1b7', '').length).toBeLessThanOrEqual(40);
    progress.stop();
    expect(terminal.written()).not.toContain('\x1b[?');
  });

  it('a short run on a terminal prints no bar', async () => {
    let stderr = '';
    let clock = 0;
    const code = await main(['run', `${import.meta.dirname}/../../../scenarios/basic-public-lb.yaml`], {
      stdout: () => {},
      stderr: (text) => (stderr += text),
      stderrIsTty: true,
      nowMs: () => clock++,
    });
    expect(code).toBe(0);
    expect(stderr).toBe('');
  });
});
