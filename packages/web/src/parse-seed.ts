/**
 * The seed field: empty means the scenario's own seed; otherwise an integer 0..4294967295, the
 * range `lbsim run --seed` accepts (the kernel's random streams are seeded with 32 bits).
 */

/** The seed typed, `undefined` for the scenario's own, or why it is not one. */
export function parseSeed(
  text: string,
): { readonly ok: true; readonly seed: number | undefined } | { readonly ok: false; readonly error: string } {
  const trimmed = text.trim();
  if (trimmed === '') return { ok: true, seed: undefined };
  const seed = /^\d+$/.test(trimmed) ? Number(trimmed) : Number.NaN;
  if (Number.isInteger(seed) && seed >= 0 && seed <= 0xffffffff) return { ok: true, seed };
  return { ok: false, error: `the seed must be an integer 0..4294967295, got ${JSON.stringify(trimmed)}` };
}
