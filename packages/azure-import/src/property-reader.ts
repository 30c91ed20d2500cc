/**
 * Reading a resource's values while keeping count of what was read: each read marks its JSON
 * path as mapped, an unevaluable value read becomes a note at its path, and at the end
 * {@link unmappedProperties} lists every part of the resource nobody read, with why. That is how
 * an import says what it did not map instead of dropping it silently.
 */
import type { TemplateValue } from './arm-functions.ts';
import type { AzureResource, ImportNote } from './azure-resource.ts';
import { isUnevaluable } from './unevaluable.ts';

/** A path inside a resource body: keys and array indexes. */
export type PropertyPath = readonly (string | number)[];

function formatPath(base: string, path: PropertyPath, flattened: boolean): string {
  let text = base;
  for (const part of path) {
    if (typeof part === 'number') text += `[${part}]`;
    else if (!(flattened && part === 'properties')) text += `.${part}`;
  }
  return text;
}

/** Reads values of resources, recording which paths were read and what could not be evaluated. */
export class PropertyReader {
  private readonly read = new Map<AzureResource, Set<string>>();
  /** Expressions read that could not be evaluated, by path. */
  readonly problems: ImportNote[] = [];

  /**
   * The value at `path` (keys matched case-insensitively, as Azure does), or `undefined` when
   * absent or unevaluable (the latter noted by path).
   */
  get(resource: AzureResource, path: PropertyPath): TemplateValue | undefined {
    let value: TemplateValue | undefined = resource.body;
    const actual: (string | number)[] = [];
    for (const part of path) {
      if (value === undefined || value === null || isUnevaluable(value) || typeof value !== 'object') {
        value = undefined;
        break;
      }
      if (typeof part === 'number') {
        value = Array.isArray(value) ? (value as readonly TemplateValue[])[part] : undefined;
        actual.push(part);
      } else if (Array.isArray(value)) {
        value = undefined;
      } else {
        const object = value as { readonly [key: string]: TemplateValue };
        const key = Object.keys(object).find((candidate) => candidate.toLowerCase() === part.toLowerCase());
        value = key === undefined ? undefined : object[key];
        actual.push(key ?? part);
      }
    }
    const leaf = value === null || typeof value !== 'object' || isUnevaluable(value);
    this.record(resource, actual, leaf);
    if (isUnevaluable(value)) {
      const where = formatPath(resource.path, actual, resource.flattened === true);
      if (!this.problems.some((note) => note.path === where)) {
        this.problems.push({ path: where, message: `cannot evaluate: ${value.reason}` });
      }
      return undefined;
    }
    return value;
  }

  /** The value at `path` when it is a string. */
  text(resource: AzureResource, path: PropertyPath): string | undefined {
    const value = this.get(resource, path);
    return typeof value === 'string' ? value : typeof value === 'number' ? String(value) : undefined;
  }

  /** The value at `path` when it is a number (or a numeric string, as az sometimes prints). */
  number(resource: AzureResource, path: PropertyPath): number | undefined {
    const value = this.get(resource, path);
    if (typeof value === 'number') return value;
    if (typeof value === 'string' && /^-?\d+$/.test(value)) return Number(value);
    return undefined;
  }

  /** The value at `path` when it is a boolean. */
  boolean(resource: AzureResource, path: PropertyPath): boolean | undefined {
    const value = this.get(resource, path);
    if (typeof value === 'boolean') return value;
    if (typeof value === 'string' && /^(true|false)$/i.test(value)) return value.toLowerCase() === 'true';
    return undefined;
  }

  /** The array at `path`, or an empty one. */
  list(resource: AzureResource, path: PropertyPath): readonly TemplateValue[] {
    const value = this.get(resource, path);
    return Array.isArray(value) ? value : [];
  }

  /** Marks `path` as mapped without reading it (a property deliberately taken as Azure's default). */
  mark(resource: AzureResource, path: PropertyPath): void {
    this.record(resource, path, true);
  }

  private record(resource: AzureResource, path: PropertyPath, whole: boolean): void {
    let paths = this.read.get(resource);
    if (paths === undefined) {
      paths = new Set();
      this.read.set(resource, paths);
    }
    const keys = path.map((part) => String(part).toLowerCase());
    for (let i = 1; i <= keys.length; i += 1) paths.add(keys.slice(0, i).join('/'));
    if (whole) paths.add(`${keys.join('/')}/*`);
  }

  /**
   * Every part of `resource` nobody read: the topmost unread key of each branch, with the
   * reason `reasonFor` gives (or `undefined` to pass it over silently, e.g. `apiVersion`).
   */
  unmappedProperties(
    resource: AzureResource,
    reasonFor: (key: string, path: PropertyPath) => string | undefined,
  ): ImportNote[] {
    const paths = this.read.get(resource) ?? new Set<string>();
    const notes: ImportNote[] = [];
    const walk = (value: TemplateValue, path: (string | number)[]) => {
      const key = path.map((part) => String(part).toLowerCase()).join('/');
      if (path.length > 0 && paths.has(`${key}/*`)) return;
      if (path.length > 0 && !paths.has(key)) {
        const last = path[path.length - 1];
        const reason = reasonFor(typeof last === 'string' ? last : String(path[path.length - 2] ?? ''), path);
        if (reason !== undefined) {
          notes.push({ path: formatPath(resource.path, path, resource.flattened === true), message: reason });
        }
        return;
      }
      if (Array.isArray(value)) {
        for (const [i, item] of value.entries()) walk(item, [...path, i]);
      } else if (typeof value === 'object' && value !== null && !isUnevaluable(value)) {
        for (const [child, item] of Object.entries(value)) walk(item as TemplateValue, [...path, child]);
      }
    };
    walk(resource.body, []);
    return notes;
  }
}
