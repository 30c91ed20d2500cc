/** The outcome of parsing bytes: a value, or an error message saying what was wrong and where. */
export type WireResult<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: string };

/** A successful {@link WireResult}. */
export function wireOk<T>(value: T): WireResult<T> {
  return { ok: true, value };
}

/** A failed {@link WireResult}. */
export function wireError<T>(error: string): WireResult<T> {
  return { ok: false, error };
}
