/**
 * The integrity of a student's fix: the parts of the scenario that define a challenge's
 * problem (its traffic, clients, events, the datacenter, the application's listeners, …: see
 * `defaultKeptParts`) must be as the start file has them, every rule that had a health probe
 * keeps one, and no platform setting (a knob no Azure customer can turn, schema/platform.ts in
 * @lbsim/scenario) may differ. A file that deletes its traffic or "fixes" the problem away
 * fails here, whatever its run shows.
 */
import { platformSettingsOf, type Scenario } from '@lbsim/scenario';
import type { KeptPart } from './challenge-definition.ts';

/** The values at a dotted path, `*` standing for every item of a list; missing keys give `undefined`. */
function valuesAt(value: unknown, keys: readonly string[]): unknown[] {
  const [key, ...rest] = keys;
  if (key === undefined) return [value];
  if (key === '*') return Array.isArray(value) ? value.flatMap((item) => valuesAt(item, rest)) : [undefined];
  if (typeof value !== 'object' || value === null) return [undefined];
  return valuesAt((value as Record<string, unknown>)[key], rest);
}

/** A value with the `ignore` keys left out of every object in it, as canonical JSON text. */
function comparable(value: unknown, ignore: readonly string[]): string {
  return JSON.stringify(value, (key, item: unknown) => (ignore.includes(key) ? undefined : item)) ?? 'undefined';
}

/** The rules (loadBalancer/rule) that name a health probe. */
function probedRules(scenario: Scenario): Set<string> {
  return new Set(
    scenario.loadBalancers.flatMap((lb) =>
      lb.rules.filter((rule) => rule.probe !== undefined).map((rule) => `${lb.name}/${rule.name}`),
    ),
  );
}

/**
 * What the student's scenario changed that it must not, one sentence each; empty when nothing.
 * The sentences name only the part, never what the fix is.
 */
export function changedParts(start: Scenario, student: Scenario, kept: readonly KeptPart[]): string[] {
  const changed = kept
    .filter((part) => {
      const keys = part.path.split('.');
      return comparable(valuesAt(start, keys), part.ignore) !== comparable(valuesAt(student, keys), part.ignore);
    })
    .map(
      (part) =>
        // Which keys may change is left unsaid: that would point at the fix.
        `${part.path.replaceAll('.*', '[]')} changed: it is part of the problem; put it back as lbsim challenge start wrote it`,
    );
  const withProbe = probedRules(student);
  const unprobed = [...probedRules(start)].filter((rule) => !withProbe.has(rule));
  if (unprobed.length > 0)
    changed.push(
      `rule${unprobed.length === 1 ? '' : 's'} ${unprobed.join(', ')} no longer ha${unprobed.length === 1 ? 's' : 've'} a health probe: a load balancer that cannot tell a dead VM from a live one is no fix`,
    );
  const platform = platformSettingsOf(student).filter((setting) => !platformSettingsOf(start).includes(setting));
  if (platform.length > 0)
    changed.push(`${platform.join(', ')}: a platform behaviour, not something an Azure customer can set`);
  return changed;
}
