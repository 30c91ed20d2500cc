/**
 * Parameter paths into a scenario document: keys joined by dots, list items as `[index]`
 * (`loadBalancers[0].backendPools[0].members`). Setting a value copies the document along the
 * path and leaves the original as it was; a missing mapping on the way is created (so
 * `network.backendSelection` works on a scenario without `network`), a missing list item is an
 * error.
 */

/** One step of a path: a mapping key or a list index. */
export type PathStep = string | number;

/** A parsed path, or why the text is not one. */
export type ParsedPath =
  | { readonly ok: true; readonly steps: readonly PathStep[] }
  | { readonly ok: false; readonly error: string };

/** Parses `a.b[0].c` into `['a', 'b', 0, 'c']`. */
export function parsePath(text: string): ParsedPath {
  const steps: PathStep[] = [];
  const pattern = /([A-Za-z_$][A-Za-z0-9_$-]*)|\[(\d+)\]|(\.)/gy;
  let expectKey = true;
  let match: RegExpExecArray | null = pattern.exec(text);
  while (match !== null) {
    if (match[1] !== undefined) {
      if (!expectKey) break;
      steps.push(match[1]);
      expectKey = false;
    } else if (match[2] !== undefined) {
      if (expectKey) break;
      steps.push(Number(match[2]));
    } else {
      if (expectKey) break;
      expectKey = true;
    }
    if (pattern.lastIndex === text.length) break;
    match = pattern.exec(text);
  }
  if (pattern.lastIndex !== text.length || expectKey || steps.length === 0) {
    return { ok: false, error: `${JSON.stringify(text)} is not a path: keys joined by dots, list items as [index]` };
  }
  return { ok: true, steps };
}

/** The value at `steps` in `document`, or `undefined` when there is none. */
export function valueAtPath(document: unknown, steps: readonly PathStep[]): unknown {
  let here: unknown = document;
  for (const step of steps) {
    if (typeof step === 'number') here = Array.isArray(here) ? here[step] : undefined;
    else here = isMapping(here) ? here[step] : undefined;
    if (here === undefined) return undefined;
  }
  return here;
}

/** A copy of `document` with `value` at `steps`, or why it cannot be put there. */
export function withValueAtPath(
  document: unknown,
  steps: readonly PathStep[],
  value: unknown,
): { readonly ok: true; readonly document: unknown } | { readonly ok: false; readonly error: string } {
  const [step, ...rest] = steps;
  if (step === undefined) return { ok: true, document: value };
  if (typeof step === 'number') {
    if (!Array.isArray(document) || step >= document.length) {
      return { ok: false, error: `the scenario has no list item [${step}] there` };
    }
    const inner = withValueAtPath(document[step], rest, value);
    if (!inner.ok) return inner;
    const copy = [...document];
    copy[step] = inner.document;
    return { ok: true, document: copy };
  }
  if (document !== undefined && !isMapping(document)) {
    return { ok: false, error: `the scenario has no mapping with the key ${step} there` };
  }
  const mapping = document ?? {};
  const inner = withValueAtPath(mapping[step], rest, value);
  if (!inner.ok) return inner;
  return { ok: true, document: { ...mapping, [step]: inner.document } };
}

function isMapping(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
