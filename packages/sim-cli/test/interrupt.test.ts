/**
 * Ctrl-C during a run with a progress bar leaves the terminal as it was: the cursor shown and
 * line wrap on. A real terminal (a pty through util-linux `script`), a run long enough to draw
 * the bar (the million-connection scale scenario), and a real Ctrl-C typed into the terminal
 * once the bar is on screen. Skipped where `script` is missing.
 */
import { execFileSync, spawn } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '../../..');
const tsx = join(root, 'node_modules/.bin/tsx');
const bin = join(root, 'packages/sim-cli/src/bin.ts');

function hasScript(): boolean {
  try {
    execFileSync('script', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** Runs `command` on a pty, types Ctrl-C once `cue` appears, returns the screen bytes and exit code. */
function interruptOnTerminal(command: string, cue: string): Promise<{ screen: string; code: number | null }> {
  return new Promise((resolve, reject) => {
    const child = spawn('script', ['-qfec', command, '/dev/null'], { cwd: root, stdio: ['pipe', 'pipe', 'ignore'] });
    let screen = '';
    let typed = false;
    child.stdout.on('data', (chunk: Buffer) => {
      screen += chunk.toString('latin1');
      if (!typed && screen.includes(cue)) {
        typed = true;
        child.stdin.write('\x03');
      }
    });
    child.on('error', reject);
    child.on('close', (code) => {
      child.stdin.destroy();
      resolve({ screen, code });
    });
  });
}

describe.skipIf(!hasScript())('Ctrl-C during the progress bar', () => {
  it('ends the run (130) and leaves no terminal mode changed: cursor shown, line wrap on', async () => {
    const { screen, code } = await interruptOnTerminal(
      `${tsx} ${bin} run scenarios/scale/million-connections.yaml`,
      'simulating [',
    );
    expect(screen).toContain('simulating [');
    expect(code).toBe(130);
    // Hidden cursor (ESC[?25l) and line wrap off (ESC[?7l) would outlive the process.
    expect(screen).not.toContain('\x1b[?25l');
    expect(screen).not.toContain('\x1b[?7l');
  }, 300_000);
});
