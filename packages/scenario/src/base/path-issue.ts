/**
 * A problem the semantic checks (validate/) found, by where it is in the document; the loader
 * turns it into a {@link Diagnostic} with a line and column once it knows the file.
 */
import type { DocumentPath } from './diagnostic.ts';

/** A problem the semantic checks found, before it is placed in the file. */
export interface PathIssue {
  readonly severity: 'error' | 'warning';
  readonly path: DocumentPath;
  readonly message: string;
}
