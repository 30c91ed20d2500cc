/**
 * A template value lbsim could not work out: an unsupported function, a missing parameter, a
 * reference to something outside the template. It travels through evaluation as a value (any
 * function given one returns it), so one unknown input marks every result that depends on it
 * and nothing is guessed.
 */
export class Unevaluable {
  constructor(
    /** Why, in one line: "function 'listKeys' is not supported", "parameter 'x' has no value". */
    readonly reason: string,
  ) {}
}

/** Whether `value` is an {@link Unevaluable}. */
export function isUnevaluable(value: unknown): value is Unevaluable {
  return value instanceof Unevaluable;
}

/** The first unevaluable value of `values`, if any. */
export function firstUnevaluable(values: readonly unknown[]): Unevaluable | undefined {
  return values.find(isUnevaluable);
}
