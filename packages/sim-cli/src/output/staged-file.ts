/**
 * One output file written so that the user's files never suffer: the bytes go to a spool in
 * the target's directory, unlinked at once where the system allows it (so a process killed
 * mid-run leaves nothing behind), and only when the output is complete are they copied into
 * a temporary file there and put in place: by a hard link when nothing was there (which
 * fails, leaving the newcomer alone, if a file appeared meanwhile), by a rename over the old
 * file only while it is still the lbsim output that was checked. A failed or interrupted
 * output is discarded: the target keeps what it had.
 */
import {
  closeSync,
  constants,
  fsyncSync,
  linkSync,
  openSync,
  readSync,
  renameSync,
  unlinkSync,
  writeSync,
} from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { describeError } from './describe-error.ts';
import { checkTarget, identityOf, type OutputKind, sameIdentity, type TargetState } from './overwrite-guard.ts';
import { forgetStaged, rememberStaged } from './pending-outputs.ts';

/** A failure to write an output: its message names the file and the system's error. */
export class OutputWriteError extends Error {}

/** The outcome of putting an output in place. */
export type InstallResult = { readonly ok: true } | { readonly ok: false; readonly error: string };

/** Bytes copied per read from the spool into the file put in place. */
const copyChunkBytes = 1024 * 1024;

/** Creates files only, never through a link, never over an existing one. */
const createFlags = constants.O_CREAT | constants.O_EXCL | constants.O_RDWR | constants.O_NOFOLLOW;

let temporaryCount = 0;

/** A name in `path`'s directory that no one else uses: hidden, with this process's id. */
function temporaryPath(path: string, purpose: string): string {
  temporaryCount += 1;
  return join(dirname(path), `.${basename(path)}.${purpose}-${process.pid}-${temporaryCount}.lbsim-tmp`);
}

/** Removes `path` when it is there, quietly: it was ours and is of no use now. */
function removeQuietly(path: string): void {
  try {
    unlinkSync(path);
  } catch {
    // Already gone.
  }
}

/** An output being written: see the module comment. */
export class StagedFile {
  private fd: number | undefined;
  /** The spool's name while it is linked (systems that cannot unlink an open file). */
  private spoolPath: string | undefined;
  private size = 0;
  private abandoned = false;

  private constructor(
    /** The file the output goes to. */
    readonly path: string,
    private readonly kind: OutputKind,
    private readonly inputs: readonly string[],
    private readonly state: TargetState,
    private readonly replaceExisting: boolean,
    fd: number,
    spoolPath: string | undefined,
  ) {
    this.fd = fd;
    this.spoolPath = spoolPath;
  }

  /**
   * Checks `path` (see overwrite-guard.ts) and opens the spool beside it, which also proves
   * the directory writable before anything runs.
   * @returns the staged output, or why it cannot be written
   */
  static create(
    path: string,
    kind: OutputKind,
    inputs: readonly string[] = [],
    replaceExisting = false,
  ): { readonly ok: true; readonly file: StagedFile } | { readonly ok: false; readonly error: string } {
    const check = checkTarget(path, kind, inputs, replaceExisting);
    if (!check.ok) return { ok: false, error: check.refusal };
    const spool = temporaryPath(path, 'spool');
    let fd: number;
    try {
      fd = openSync(spool, createFlags, 0o600);
    } catch (error) {
      return { ok: false, error: `cannot write ${kind} ${path}: ${describeError(error)}` };
    }
    let spoolPath: string | undefined = spool;
    try {
      unlinkSync(spool);
      spoolPath = undefined;
    } catch {
      // Some systems cannot unlink an open file: the spool keeps its name until the end.
    }
    const file = new StagedFile(path, kind, inputs, check.state, replaceExisting, fd, spoolPath);
    rememberStaged(file);
    return { ok: true, file };
  }

  /**
   * Appends `bytes` to the output.
   * @throws OutputWriteError when they cannot be written (a full disk, a file too large) or
   *   the output was abandoned (an interrupt)
   */
  write(bytes: Uint8Array): void {
    const fd = this.openFd();
    try {
      let written = 0;
      while (written < bytes.length) written += writeSync(fd, bytes, written);
      this.size += bytes.length;
    } catch (error) {
      throw new OutputWriteError(`cannot write ${this.kind} ${this.path}: ${describeError(error)}`);
    }
  }

  /**
   * Puts the output in place (see the module comment) and releases the spool. Not over a file
   * that appeared or changed since the check unless it too is an lbsim output of this kind.
   */
  install(): InstallResult {
    let temporary: string | undefined;
    try {
      temporary = this.copyToTemporary();
      return this.putInPlace(temporary);
    } catch (error) {
      if (error instanceof OutputWriteError) return { ok: false, error: error.message };
      return { ok: false, error: `cannot write ${this.kind} ${this.path}: ${describeError(error)}` };
    } finally {
      if (temporary !== undefined) removeQuietly(temporary);
      this.release();
    }
  }

  /** Drops the output: the target keeps what it had. Safe to call more than once. */
  discard(): void {
    this.abandoned = true;
    this.release();
  }

  private openFd(): number {
    if (this.fd === undefined || this.abandoned) {
      throw new OutputWriteError(`${this.kind} ${this.path} was abandoned (interrupted): not written`);
    }
    return this.fd;
  }

  private release(): void {
    forgetStaged(this);
    if (this.fd !== undefined) {
      try {
        closeSync(this.fd);
      } catch {
        // Closing a spool that is thrown away cannot lose anything.
      }
      this.fd = undefined;
    }
    if (this.spoolPath !== undefined) removeQuietly(this.spoolPath);
    this.spoolPath = undefined;
  }

  /** Copies the spool into a new temporary file beside the target, flushed to disk. */
  private copyToTemporary(): string {
    const source = this.openFd();
    const temporary = temporaryPath(this.path, 'new');
    const fd = openSync(temporary, createFlags, 0o666);
    try {
      const buffer = Buffer.allocUnsafe(Math.min(copyChunkBytes, Math.max(1, this.size)));
      let position = 0;
      while (position < this.size) {
        const read = readSync(source, buffer, 0, buffer.length, position);
        if (read === 0) throw new OutputWriteError(`cannot write ${this.kind} ${this.path}: its spool ended early`);
        let written = 0;
        while (written < read) written += writeSync(fd, buffer, written, read - written);
        position += read;
      }
      fsyncSync(fd);
    } catch (error) {
      closeSync(fd);
      removeQuietly(temporary);
      if (error instanceof OutputWriteError) throw error;
      throw new OutputWriteError(`cannot write ${this.kind} ${this.path}: ${describeError(error)}`);
    }
    closeSync(fd);
    return temporary;
  }

  /** Links or renames `temporary` onto the target while it is what was checked (or ours). */
  private putInPlace(temporary: string): InstallResult {
    let state = this.state;
    for (let attempt = 0; attempt < 3; attempt++) {
      if (state.kind === 'absent') {
        if (linkNew(temporary, this.path)) return { ok: true };
      } else if (sameIdentity(identityOf(this.path), state.identity)) {
        renameSync(temporary, this.path);
        return { ok: true };
      }
      // Something appeared or changed since the check: replace it only if it too is ours.
      const check = checkTarget(this.path, this.kind, this.inputs, this.replaceExisting);
      if (!check.ok) {
        return {
          ok: false,
          error: `${check.refusal} (it appeared or changed during the run; this ${this.kind} was not written)`,
        };
      }
      state = check.state;
    }
    return { ok: false, error: `${this.path} kept changing during the run: this ${this.kind} was not written` };
  }
}

/**
 * Hard-links `temporary` as `path`: false when `path` exists (nothing is replaced). Where
 * the file system has no hard links, a rename does it (replacing only if something appeared
 * in the instant since the caller looked).
 */
function linkNew(temporary: string, path: string): boolean {
  try {
    linkSync(temporary, path);
    return true;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') return false;
    if (code !== 'EPERM' && code !== 'ENOTSUP' && code !== 'ENOSYS' && code !== 'EOPNOTSUPP') throw error;
    if (identityOf(path) !== undefined) return false;
    renameSync(temporary, path);
    return true;
  }
}
