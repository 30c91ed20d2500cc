/**
 * StagedFile, the file-system plumbing under every output: nothing appears until it is put
 * in place, a file that appeared meanwhile is kept, an lbsim output that changed meanwhile is
 * still replaced, and a discarded output leaves no trace.
 */
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { reportGeneratorMark } from '../src/output/overwrite-guard.ts';
import { abandonPendingOutputs } from '../src/output/pending-outputs.ts';
import { OutputWriteError, StagedFile } from '../src/output/staged-file.ts';

const report = (body: string) => `<!doctype html><html><head>${reportGeneratorMark}</head><body>${body}</body></html>`;

function stage(path: string): StagedFile {
  const created = StagedFile.create(path, 'report');
  if (!created.ok) throw new Error(created.error);
  return created.file;
}

describe('StagedFile', () => {
  it('shows nothing in the directory until it is put in place, not even a temporary file', () => {
    const directory = mkdtempSync(join(tmpdir(), 'lbsim-staged-'));
    const path = join(directory, 'r.html');
    const file = stage(path);
    file.write(Buffer.from(report('new')));
    expect(readdirSync(directory)).toEqual([]);
    expect(file.install()).toEqual({ ok: true });
    expect(readFileSync(path, 'utf8')).toBe(report('new'));
    expect(readdirSync(directory)).toEqual(['r.html']);
  });

  it('keeps a file that appeared after the check, and says so', () => {
    const directory = mkdtempSync(join(tmpdir(), 'lbsim-staged-'));
    const path = join(directory, 'r.html');
    const file = stage(path);
    file.write(Buffer.from(report('new')));
    writeFileSync(path, 'mine');
    const result = file.install();
    expect(result.ok).toBe(false);
    expect(result.ok ? '' : result.error).toBe(
      `${path} exists and is not an lbsim report: lbsim does not overwrite it; remove it or choose another path (it appeared or changed during the run; this report was not written)`,
    );
    expect(readFileSync(path, 'utf8')).toBe('mine');
    expect(readdirSync(directory)).toEqual(['r.html']);
  });

  it('replaces an lbsim output that another run rewrote meanwhile', () => {
    const directory = mkdtempSync(join(tmpdir(), 'lbsim-staged-'));
    const path = join(directory, 'r.html');
    writeFileSync(path, report('old'));
    const file = stage(path);
    file.write(Buffer.from(report('new')));
    writeFileSync(path, report('another run'));
    expect(file.install()).toEqual({ ok: true });
    expect(readFileSync(path, 'utf8')).toBe(report('new'));
  });

  it('discarded or abandoned, it leaves the old file as it was and refuses further writes', () => {
    const directory = mkdtempSync(join(tmpdir(), 'lbsim-staged-'));
    const path = join(directory, 'r.html');
    writeFileSync(path, report('old'));
    const file = stage(path);
    file.write(Buffer.from(report('half')));
    expect(abandonPendingOutputs()).toBe(
      `lbsim: interrupted: not written: ${path}; files already there are as they were\n`,
    );
    expect(() => file.write(Buffer.from('more'))).toThrow(OutputWriteError);
    expect(abandonPendingOutputs()).toBeUndefined();
    expect(readFileSync(path, 'utf8')).toBe(report('old'));
    expect(readdirSync(directory)).toEqual(['r.html']);
  });
});
