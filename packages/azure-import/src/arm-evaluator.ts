/**
 * Evaluates template expressions (parsed by arm-expression-syntax.ts) and whole JSON values of
 * a template. `parameters`, `variables`, `copyIndex`, `reference` and `if` need the template
 * around them and live here; the rest is the function library (arm-functions.ts).
 */
import { type ArmExpression, classifyTemplateString, parseArmExpression } from './arm-expression-syntax.ts';
import { armFunctions, type TemplateValue } from './arm-functions.ts';
import { firstUnevaluable, isUnevaluable, Unevaluable } from './unevaluable.ts';

/** What an expression can see: the template's parameters and variables, loops, other resources. */
export interface EvaluationScope {
  /** A parameter's value by name (case-insensitive), or an unevaluable value saying why not. */
  readonly parameter: (name: string) => TemplateValue;
  /** A variable's value by name (case-insensitive). */
  readonly variable: (name: string) => TemplateValue;
  /** `reference(id)`: the properties of a resource of the same template, or why not. */
  readonly reference: (id: string) => TemplateValue;
  /** The current index of each copy loop by lower-case name; `''` is the innermost. */
  readonly copyIndexes: ReadonlyMap<string, number>;
}

/** An expression that could not be evaluated, by JSON path in the source file. */
export interface ExpressionProblem {
  readonly path: string;
  readonly expression: string;
  readonly reason: string;
}

function evaluateCall(name: string, args: readonly ArmExpression[], scope: EvaluationScope): TemplateValue {
  const lower = name.toLowerCase();
  if (lower === 'if') {
    const condition = evaluateNode(args[0] ?? { kind: 'string', value: '' }, scope);
    if (isUnevaluable(condition)) return condition;
    const branch = condition === true ? args[1] : args[2];
    return branch === undefined ? null : evaluateNode(branch, scope);
  }
  const values = args.map((arg) => evaluateNode(arg, scope));
  const unknown = firstUnevaluable(values);
  if (unknown !== undefined) return unknown;
  switch (lower) {
    case 'parameters':
      return scope.parameter(String(values[0]));
    case 'variables':
      return scope.variable(String(values[0]));
    case 'copyindex': {
      const named = typeof values[0] === 'string';
      const loop = named ? (values[0] as string).toLowerCase() : '';
      const offset = Number(named ? (values[1] ?? 0) : (values[0] ?? 0));
      const index = scope.copyIndexes.get(loop);
      if (index === undefined)
        return new Unevaluable(`copyIndex(${named ? `'${values[0]}'` : ''}) outside a copy loop`);
      return index + offset;
    }
    case 'reference':
      return scope.reference(String(values[0]));
    default: {
      const fn = armFunctions.get(lower);
      if (fn === undefined) return new Unevaluable(`function '${name}' is not supported by lbsim import`);
      return fn(values);
    }
  }
}

function accessProperty(target: TemplateValue, name: string): TemplateValue {
  if (isUnevaluable(target)) return target;
  if (typeof target !== 'object' || target === null || Array.isArray(target)) {
    return new Unevaluable(`.${name} of a value that is not an object`);
  }
  const object = target as { readonly [key: string]: TemplateValue };
  const key = Object.keys(object).find((candidate) => candidate.toLowerCase() === name.toLowerCase());
  return key === undefined ? new Unevaluable(`the object has no property '${name}'`) : (object[key] as TemplateValue);
}

function accessIndex(target: TemplateValue, index: TemplateValue): TemplateValue {
  if (isUnevaluable(target)) return target;
  if (isUnevaluable(index)) return index;
  if (Array.isArray(target)) {
    const item = typeof index === 'number' ? target[index] : undefined;
    return item === undefined ? new Unevaluable(`index ${JSON.stringify(index)} is outside the array`) : item;
  }
  if (typeof index === 'string') return accessProperty(target, index);
  return new Unevaluable(`cannot index ${JSON.stringify(target)} with ${JSON.stringify(index)}`);
}

function evaluateNode(node: ArmExpression, scope: EvaluationScope): TemplateValue {
  switch (node.kind) {
    case 'string':
    case 'number':
      return node.value;
    case 'call':
      return evaluateCall(node.name, node.args, scope);
    case 'property':
      return accessProperty(evaluateNode(node.target, scope), node.name);
    case 'index':
      return accessIndex(evaluateNode(node.target, scope), evaluateNode(node.index, scope));
  }
}

/** Evaluates one JSON string of a template: an expression, or a literal. */
export function evaluateTemplateString(text: string, scope: EvaluationScope): TemplateValue {
  const kind = classifyTemplateString(text);
  if (kind.kind === 'literal') return kind.value;
  const parsed = parseArmExpression(kind.text);
  if (!parsed.ok) return new Unevaluable(`not a valid expression: ${parsed.error}`);
  return evaluateNode(parsed.expression, scope);
}

/**
 * Evaluates every expression inside a JSON value. Unevaluable results stay in the tree where
 * they are (a mapper that reads one reports it by path); nothing is dropped.
 */
export function evaluateTemplateValue(value: unknown, scope: EvaluationScope): TemplateValue {
  if (typeof value === 'string') return evaluateTemplateString(value, scope);
  if (Array.isArray(value)) return value.map((item) => evaluateTemplateValue(item, scope));
  if (typeof value === 'object' && value !== null) {
    const entries = Object.entries(value as Record<string, unknown>);
    const copies = propertyCopies(value as Record<string, unknown>, scope);
    return Object.fromEntries([
      ...entries
        .filter(([key]) => !(copies !== undefined && key === 'copy'))
        .map(([key, item]) => [key, evaluateTemplateValue(item, scope)]),
      ...(copies ?? []),
    ]);
  }
  if (typeof value === 'number' || typeof value === 'boolean' || value === null) return value;
  return new Unevaluable('not a JSON value');
}

/**
 * Property iteration (`"copy": [{ "name": "securityRules", "count": 3, "input": {…} }]` inside an
 * object): each entry becomes an array property of that name, `copyIndex('securityRules')` in
 * its input counting 0…count−1. `undefined` when the object has no such `copy`.
 */
function propertyCopies(
  object: Record<string, unknown>,
  scope: EvaluationScope,
): [string, TemplateValue][] | undefined {
  const copy = object['copy'];
  if (!Array.isArray(copy)) return undefined;
  return copy.map((entry, i): [string, TemplateValue] => {
    const loop = (typeof entry === 'object' && entry !== null ? entry : {}) as Record<string, unknown>;
    const name = typeof loop['name'] === 'string' ? loop['name'] : `copy${i}`;
    const count = evaluateTemplateValue(loop['count'], scope);
    if (typeof count !== 'number' || !Number.isInteger(count) || count < 0 || count > 10_000) {
      return [
        name,
        isUnevaluable(count) ? count : new Unevaluable(`copy count of '${name}' is not an integer 0..10000`),
      ];
    }
    const items = Array.from({ length: count }, (_, index) => {
      const copyIndexes = new Map(scope.copyIndexes);
      copyIndexes.set(name.toLowerCase(), index);
      copyIndexes.set('', index);
      return evaluateTemplateValue(loop['input'], { ...scope, copyIndexes });
    });
    return [name, items];
  });
}
