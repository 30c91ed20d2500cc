/**
 * Reading an ARM template (azuredeploy.json, or Bicep compiled to ARM) with its parameters:
 * parameter values (file, then `--parameter name=value` overrides, then defaults), variables,
 * resource copy loops and nested child resources, each resource evaluated into an
 * {@link AzureResource}. Nested deployments are listed, not entered.
 */
import { type EvaluationScope, evaluateTemplateString, evaluateTemplateValue } from './arm-evaluator.ts';
import type { TemplateValue } from './arm-functions.ts';
import type { AzureResource, ImportNote } from './azure-resource.ts';
import { parseResourceId, resourceKey } from './azure-resource-id.ts';
import { isUnevaluable, Unevaluable } from './unevaluable.ts';

/** The resources of a template, and what could not be read at template level. */
export interface ExpandedTemplate {
  readonly resources: readonly AzureResource[];
  readonly notes: readonly ImportNote[];
}

/** Whether `document` looks like an ARM template (a `resources` array and a template `$schema` or `contentVersion`). */
export function isArmTemplate(document: unknown): boolean {
  if (typeof document !== 'object' || document === null || Array.isArray(document)) return false;
  const object = document as Record<string, unknown>;
  const schema = typeof object['$schema'] === 'string' ? object['$schema'] : '';
  return (
    (Array.isArray(object['resources']) || (typeof object['resources'] === 'object' && object['resources'] !== null)) &&
    (/deploymentTemplate/i.test(schema) || 'contentVersion' in object || 'parameters' in object)
  );
}

function findKey(object: Record<string, unknown>, name: string): string | undefined {
  return Object.keys(object).find((key) => key.toLowerCase() === name.toLowerCase());
}

/** A parameter given on the command line: JSON when it parses as the declared type, else text. */
function overrideValue(text: string, type: string): TemplateValue {
  const lower = type.toLowerCase();
  if (lower === 'int') return /^-?\d+$/.test(text) ? Number(text) : new Unevaluable(`'${text}' is not an int`);
  if (lower === 'bool')
    return /^(true|false)$/i.test(text) ? text.toLowerCase() === 'true' : new Unevaluable(`'${text}' is not a bool`);
  if (lower === 'array' || lower === 'object') {
    try {
      return JSON.parse(text) as TemplateValue;
    } catch {
      return new Unevaluable(`'${text}' is not JSON`);
    }
  }
  return text;
}

/** The `parameters` object of a parameters file (`{ "parameters": { "x": { "value": … } } }`). */
function parameterFileValues(parametersFile: unknown): Record<string, unknown> {
  if (typeof parametersFile !== 'object' || parametersFile === null) return {};
  const parameters = (parametersFile as Record<string, unknown>)['parameters'];
  return typeof parameters === 'object' && parameters !== null ? (parameters as Record<string, unknown>) : {};
}

interface RawInstance {
  readonly raw: Record<string, unknown>;
  readonly path: string;
  readonly copyIndexes: ReadonlyMap<string, number>;
  readonly parentType: string;
  readonly parentNames: readonly string[];
}

/**
 * Expands a template: evaluates parameters, variables and each resource (copy loops expanded).
 * @param template the parsed azuredeploy.json
 * @param parametersFile the parsed azuredeploy.parameters.json, if any
 * @param overrides `--parameter name=value` pairs (values as typed)
 */
export function expandArmTemplate(
  template: Record<string, unknown>,
  parametersFile: unknown,
  overrides: ReadonlyMap<string, string>,
): ExpandedTemplate {
  const notes: ImportNote[] = [];
  const declared = (template['parameters'] ?? {}) as Record<string, Record<string, unknown>>;
  const fileValues = parameterFileValues(parametersFile);
  const variables = (template['variables'] ?? {}) as Record<string, unknown>;
  const parameterCache = new Map<string, TemplateValue>();
  const variableCache = new Map<string, TemplateValue>();
  const evaluating = new Set<string>();
  const instances: RawInstance[] = [];
  const evaluated = new Map<RawInstance, AzureResource>();

  for (const name of overrides.keys()) {
    if (findKey(declared, name) === undefined) {
      notes.push({
        path: `parameters.${name}`,
        message: `--parameter ${name}: the template declares no such parameter`,
      });
    }
  }

  const scopeWith = (copyIndexes: ReadonlyMap<string, number>): EvaluationScope => ({
    parameter: (name) => parameter(name),
    variable: (name) => variable(name),
    reference: (id) => reference(id),
    copyIndexes,
  });
  const topScope = scopeWith(new Map());

  function parameter(name: string): TemplateValue {
    const key = findKey(declared, name);
    if (key === undefined) return new Unevaluable(`the template declares no parameter '${name}'`);
    const cached = parameterCache.get(key);
    if (cached !== undefined) return cached;
    const declaration = declared[key] ?? {};
    const type = typeof declaration['type'] === 'string' ? declaration['type'] : 'string';
    const overrideKey = [...overrides.keys()].find((candidate) => candidate.toLowerCase() === key.toLowerCase());
    const fileKey = findKey(fileValues, key);
    let value: TemplateValue;
    if (overrideKey !== undefined) value = overrideValue(overrides.get(overrideKey) as string, type);
    else if (fileKey !== undefined) {
      const entry = fileValues[fileKey] as Record<string, unknown> | undefined;
      value =
        entry !== undefined && typeof entry === 'object' && 'value' in entry
          ? evaluateTemplateValue(entry['value'], topScope)
          : new Unevaluable(`parameter '${key}' is a Key Vault reference in the parameters file`);
    } else if ('defaultValue' in declaration) {
      if (evaluating.has(`p:${key}`)) return new Unevaluable(`parameter '${key}' refers to itself`);
      evaluating.add(`p:${key}`);
      value = evaluateTemplateValue(declaration['defaultValue'], topScope);
      evaluating.delete(`p:${key}`);
    } else
      value = new Unevaluable(
        `parameter '${key}' has no value: give it with --parameter ${key}=… or a parameters file`,
      );
    parameterCache.set(key, value);
    return value;
  }

  function variable(name: string): TemplateValue {
    const key = findKey(variables, name);
    if (key === undefined) return new Unevaluable(`the template declares no variable '${name}'`);
    const cached = variableCache.get(key);
    if (cached !== undefined) return cached;
    if (evaluating.has(`v:${key}`)) return new Unevaluable(`variable '${key}' refers to itself`);
    evaluating.add(`v:${key}`);
    const value = evaluateTemplateValue(variables[key], topScope);
    evaluating.delete(`v:${key}`);
    variableCache.set(key, value);
    return value;
  }

  function reference(target: string): TemplateValue {
    const id = parseResourceId(target);
    const match = instances.find((instance) => {
      const resource = evaluateInstance(instance);
      return id === undefined
        ? resource.names.join('/').toLowerCase() === target.toLowerCase()
        : resourceKey({ type: resource.type, names: resource.names }) === resourceKey(id);
    });
    if (match === undefined) return new Unevaluable(`reference('${target}'): not a resource of this template`);
    const properties = evaluateInstance(match).body['properties'];
    return properties ?? {};
  }

  function evaluateInstance(instance: RawInstance): AzureResource {
    const done = evaluated.get(instance);
    if (done !== undefined) return done;
    const scope = scopeWith(instance.copyIndexes);
    const ownType = typeof instance.raw['type'] === 'string' ? instance.raw['type'] : '';
    const type = instance.parentType === '' ? ownType : `${instance.parentType}/${ownType}`;
    const nameValue = evaluateTemplateString(String(instance.raw['name'] ?? ''), scope);
    const nameText = isUnevaluable(nameValue) ? String(instance.raw['name']) : String(nameValue);
    if (isUnevaluable(nameValue))
      notes.push({ path: `${instance.path}.name`, message: `cannot evaluate: ${nameValue.reason}` });
    const names = [...instance.parentNames, ...nameText.split('/')];
    // A placeholder while the body is evaluated, so a resource referring to itself ends.
    const placeholder: AzureResource = {
      type,
      names,
      body: { properties: new Unevaluable('refers to itself') },
      path: instance.path,
    };
    evaluated.set(instance, placeholder);
    const body: Record<string, TemplateValue> = {};
    for (const [key, value] of Object.entries(instance.raw)) {
      if (key === 'resources' || key === 'copy' || key === 'dependsOn') continue;
      body[key] = key === 'name' ? nameText : evaluateTemplateValue(value, scope);
    }
    const resource: AzureResource = { type, names, body, path: instance.path };
    evaluated.set(instance, resource);
    return resource;
  }

  const collect = (
    raws: unknown,
    basePath: string,
    parentType: string,
    parentNames: readonly string[],
    outer: ReadonlyMap<string, number>,
  ) => {
    const list = Array.isArray(raws)
      ? raws.map((raw, i) => [`${basePath}[${i}]`, raw] as const)
      : Object.entries((raws ?? {}) as Record<string, unknown>).map(
          ([key, raw]) => [`${basePath}.${key}`, raw] as const,
        );
    for (const [path, raw] of list) {
      if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
        notes.push({ path, message: 'not a resource object; skipped' });
        continue;
      }
      const object = raw as Record<string, unknown>;
      const copy = object['copy'] as Record<string, unknown> | undefined;
      const counts: number[] = [];
      if (copy !== undefined) {
        const count = evaluateTemplateValue(copy['count'], scopeWith(outer));
        if (typeof count !== 'number' || !Number.isInteger(count) || count < 0 || count > 1000) {
          notes.push({
            path: `${path}.copy.count`,
            message: `copy count cannot be evaluated (${isUnevaluable(count) ? count.reason : `got ${JSON.stringify(count)}, expected an integer 0..1000`}); resource skipped`,
          });
          continue;
        }
        for (let i = 0; i < count; i += 1) counts.push(i);
      }
      const indexes = copy === undefined ? [undefined] : counts;
      for (const index of indexes) {
        const copyIndexes = new Map(outer);
        if (index !== undefined) {
          copyIndexes.set('', index);
          if (typeof copy?.['name'] === 'string') copyIndexes.set(copy['name'].toLowerCase(), index);
        }
        const instance: RawInstance = {
          raw: object,
          path: index === undefined ? path : `${path} (copy ${index})`,
          copyIndexes,
          parentType,
          parentNames,
        };
        instances.push(instance);
        if (object['resources'] !== undefined) {
          const resource = evaluateInstance(instance);
          collect(object['resources'], `${path}.resources`, resource.type, resource.names, copyIndexes);
        }
      }
    }
  };
  collect(template['resources'], 'resources', '', [], new Map());
  return { resources: instances.map(evaluateInstance), notes };
}
