/**
 * `lbsim import` without the file system: input texts in, a scenario document and its YAML
 * out, with every note (unevaluable expressions, unmapped resources and properties,
 * assumptions). Which reader applies is told by each document's shape: `terraform show -json`
 * output, an ARM template (including `az group export`), or az CLI resource JSON.
 */
import { expandArmTemplate, isArmTemplate } from './arm-template.ts';
import { isAzResource, readAzResources } from './az-cli-source.ts';
import type { AzureResource, ImportNote } from './azure-resource.ts';
import { addDefaultTraffic } from './default-traffic.ts';
import { mapResources, type ScenarioDocument } from './map-resources.ts';
import { scenarioYaml } from './scenario-yaml.ts';
import { isTerraformShow, readTerraformResources } from './terraform-source.ts';

/** One input file: its name (for paths in notes) and its text. */
export interface ImportInput {
  readonly file: string;
  readonly text: string;
}

/** Options of {@link importAzure}. */
export interface ImportOptions {
  /** The template's parameters file, if any (`azuredeploy.parameters.json`). */
  readonly parameters?: ImportInput | undefined;
  /** `--parameter name=value` overrides, in order. */
  readonly overrides?: ReadonlyMap<string, string>;
  /** The scenario name; by default derived from the first input's name. */
  readonly name?: string | undefined;
}

/** What an import gave. `mappedResources` 0 means nothing importable (lbsim import exits 2). */
export interface ImportResult {
  readonly scenario: ScenarioDocument;
  readonly yaml: string;
  /** Which reader each input went through: `ARM template`, `az CLI JSON`, `terraform show -json`. */
  readonly sources: readonly string[];
  /** Inputs that could not be read at all, and expressions that could not be evaluated. */
  readonly problems: readonly ImportNote[];
  readonly unmapped: readonly ImportNote[];
  readonly assumptions: readonly string[];
  /** Clients, callers and traffic the import added, in words. */
  readonly added: readonly string[];
  readonly mappedResources: number;
}

function parseJson(input: ImportInput): { ok: true; value: unknown } | { ok: false; note: ImportNote } {
  try {
    return { ok: true, value: JSON.parse(input.text.replace(/^\uFEFF/, '')) };
  } catch (error) {
    return { ok: false, note: { path: input.file, message: `not JSON: ${(error as Error).message}` } };
  }
}

/** Deepest nesting an input may have: Azure's own documents nest about ten levels. */
export const maxInputDepth = 64;

/** Whether `value` nests deeper than {@link maxInputDepth}, measured without recursion. */
function nestsTooDeeply(value: unknown): boolean {
  const stack: [unknown, number][] = [[value, 0]];
  while (stack.length > 0) {
    const [item, depth] = stack.pop() as [unknown, number];
    if (typeof item !== 'object' || item === null) continue;
    if (depth >= maxInputDepth) return true;
    for (const child of Object.values(item)) stack.push([child, depth + 1]);
  }
  return false;
}

/** A scenario name from a file name: `azuredeploy.json` in folder `x` gives `x`. */
function nameFromFile(file: string): string {
  const parts = file.split(/[\\/]/).filter(Boolean);
  const base = (parts[parts.length - 1] ?? 'imported').replace(/\.json$/i, '');
  const chosen =
    /^azuredeploy$|^main$|^template$/i.test(base) && parts.length > 1 ? (parts[parts.length - 2] as string) : base;
  const cleaned = chosen
    .replace(/[^A-Za-z0-9._-]/g, '-')
    .replace(/^[^A-Za-z0-9]+/, '')
    .slice(0, 80);
  return cleaned === '' ? 'imported' : cleaned;
}

/** Imports `inputs` into one scenario. Never throws on bad input: problems are notes. */
export function importAzure(inputs: readonly ImportInput[], options: ImportOptions = {}): ImportResult {
  const problems: ImportNote[] = [];
  const unmapped: ImportNote[] = [];
  const resources: AzureResource[] = [];
  const sources: string[] = [];
  let parameters: unknown;
  if (options.parameters !== undefined) {
    const parsed = parseJson(options.parameters);
    if (parsed.ok && nestsTooDeeply(parsed.value)) {
      problems.push({ path: options.parameters.file, message: `nested more than ${maxInputDepth} levels deep` });
    } else if (parsed.ok) parameters = parsed.value;
    else problems.push(parsed.note);
  }
  for (const input of inputs) {
    const parsed = parseJson(input);
    if (!parsed.ok) {
      problems.push(parsed.note);
      continue;
    }
    const document = parsed.value;
    if (nestsTooDeeply(document)) {
      problems.push({
        path: input.file,
        message: `nested more than ${maxInputDepth} levels deep: not an Azure definition lbsim reads`,
      });
      continue;
    }
    if (isTerraformShow(document)) {
      const read = readTerraformResources(document as Record<string, unknown>);
      resources.push(...read.resources);
      unmapped.push(...read.notes);
      sources.push(`${input.file} (terraform show -json)`);
    } else if (isArmTemplate(document)) {
      const expanded = expandArmTemplate(
        document as Record<string, unknown>,
        parameters,
        options.overrides ?? new Map(),
      );
      resources.push(
        ...expanded.resources.map((resource) => ({ ...resource, path: `${input.file}:${resource.path}` })),
      );
      problems.push(...expanded.notes.map((note) => ({ ...note, path: `${input.file}:${note.path}` })));
      sources.push(`${input.file} (ARM template)`);
    } else if (isAzResource(document) || (Array.isArray(document) && document.some(isAzResource))) {
      resources.push(...readAzResources(document, input.file));
      sources.push(`${input.file} (az CLI JSON)`);
    } else {
      problems.push({
        path: input.file,
        message: 'not an ARM template, az CLI resource JSON or terraform show -json output: nothing in it to import',
      });
    }
  }
  const name = options.name ?? nameFromFile(inputs[0]?.file ?? 'imported');
  const source = sources.length === 0 ? inputs.map((input) => input.file).join(', ') : sources.join(', ');
  const mapped = mapResources(resources, { name, source });
  const withTraffic =
    mapped.mappedResources === 0 ? { scenario: mapped.scenario, added: [] } : addDefaultTraffic(mapped.scenario);
  const allProblems = [...problems, ...mapped.problems];
  const allUnmapped = [...unmapped, ...mapped.unmapped];
  return {
    scenario: withTraffic.scenario,
    yaml: scenarioYaml(withTraffic.scenario, {
      source,
      assumptions: mapped.assumptions,
      problems: allProblems,
      unmapped: allUnmapped,
      added: withTraffic.added,
    }),
    sources,
    problems: allProblems,
    unmapped: allUnmapped,
    assumptions: mapped.assumptions,
    added: withTraffic.added,
    mappedResources: mapped.mappedResources,
  };
}
