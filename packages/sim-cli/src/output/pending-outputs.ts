/**
 * The outputs of this process not yet put in place, so an interrupt can discard them: the
 * user is left with what was finished and the files that were there before, nothing partial.
 * `main.ts` (or whoever handles SIGINT) calls {@link abandonPendingOutputs} and prints what it
 * returns.
 */

/** What an interrupt needs of a staged output. */
interface Discardable {
  readonly path: string;
  discard(): void;
}

const pending = new Set<Discardable>();

/** Registers an output being written (StagedFile does this itself). */
export function rememberStaged(file: Discardable): void {
  pending.add(file);
}

/** Unregisters an output put in place or discarded. */
export function forgetStaged(file: Discardable): void {
  pending.delete(file);
}

/**
 * Discards every output still being written: their spools are removed and their targets keep
 * what they had; writing to them afterwards fails. Synchronous, so a signal handler can call
 * it just before exiting.
 * @returns one line for standard error naming what was not written, or `undefined` when no
 *   output was being written
 */
export function abandonPendingOutputs(): string | undefined {
  if (pending.size === 0) return undefined;
  const paths = [...pending].map((file) => file.path);
  for (const file of [...pending]) file.discard();
  pending.clear();
  return `lbsim: interrupted: not written: ${paths.join(', ')}; files already there are as they were\n`;
}
