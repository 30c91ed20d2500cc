/**
 * A named export of a dynamically imported CommonJS package (bullmq and ioredis resolve to
 * their CommonJS builds in the bundle): under Node's own loader it is on the namespace, in an
 * esbuild bundle only on the namespace's `default` (the `module.exports` object).
 */

/** `loaded[key]`, or `loaded.default[key]` when the namespace lacks it. */
export function exportOf<M extends object, K extends keyof M>(loaded: M, key: K): M[K] {
  if (loaded[key] !== undefined) return loaded[key];
  const commonJs = (loaded as { default?: Partial<M> }).default;
  const value = commonJs?.[key];
  if (value === undefined) throw new Error(`the module has no export ${String(key)}`);
  return value as M[K];
}
