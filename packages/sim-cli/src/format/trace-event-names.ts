/**
 * Short names of trace event kinds, as the trace table's event column and capture comments
 * show them (`recv`, `encap`, `DROP`, …).
 */
import type { TraceKind } from '@lbsim/core';

/** The short name of each trace event kind. */
export const traceEventNames: Readonly<Record<TraceKind, string>> = {
  send: 'send',
  receive: 'recv',
  forward: 'fwd',
  rewrite: 'nat',
  encapsulate: 'encap',
  decapsulate: 'decap',
  deliver: 'deliver',
  drop: 'DROP',
};
