/**
 * File-system errors as one line for people: the system's code and its words, without the
 * path and syscall Node repeats (the message around it names the file).
 */

/** `EACCES: permission denied` from a Node system error; any other error's message. */
export function describeError(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  const message = error instanceof Error ? error.message : String(error);
  if (code === undefined) return message;
  // Node's form is "EACCES: permission denied, open '/x/y'".
  const words = message.replace(/^[A-Z]+: /, '').replace(/, \w+ '.*'$/, '');
  return `${code}: ${words}`;
}
