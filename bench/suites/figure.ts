/**
 * A measured figure beside its target (issue 11), as printed and recorded by `pnpm bench`.
 */
export interface Figure {
  /** What was measured, e.g. "flow hash". */
  readonly name: string;
  /** The workload, e.g. "5-tuples, MurmurHash3". */
  readonly workload: string;
  readonly value: number;
  /** Unit of `value`, e.g. "hashes/s". */
  readonly unit: string;
  /** The target, when issue 11 sets one. */
  readonly target?: Target;
}

/** A target: at least or at most `value`. */
export interface Target {
  readonly kind: 'at-least' | 'at-most';
  readonly value: number;
}

/** Whether a figure meets its target; `undefined` when it has none. */
export function meetsTarget(figure: Figure): boolean | undefined {
  const target = figure.target;
  if (target === undefined) return undefined;
  return target.kind === 'at-least' ? figure.value >= target.value : figure.value <= target.value;
}

/** A number for people: thousands separated, at most three significant decimals below 100. */
export function formatNumber(value: number): string {
  if (Math.abs(value) >= 100) return Math.round(value).toLocaleString('en-US');
  return Number(value.toPrecision(3)).toLocaleString('en-US', { maximumFractionDigits: 3 });
}

/** A target for people: "≥ 5,000,000" or "≤ 5". */
export function formatTarget(target: Target | undefined): string {
  if (target === undefined) return '—';
  return `${target.kind === 'at-least' ? '≥' : '≤'} ${formatNumber(target.value)}`;
}
