/**
 * The platform settings a scenario changes from lbsim's defaults (schema/platform.ts): what the
 * run summary and the report list under "Platform settings", so a run that depends on a knob
 * no Azure customer can turn says so.
 */
import type * as z from 'zod';
import { networkSchema } from '../schema/network.ts';
import { platformKeyword } from '../schema/platform.ts';
import type { Scenario } from '../schema/scenario.ts';

const networkDefaults = networkSchema.parse({}) as Record<string, unknown>;

/** Whether a schema carries the platform mark. */
function isPlatformSetting(schema: z.ZodType): boolean {
  return (schema.meta() as Record<string, unknown> | undefined)?.[platformKeyword] === true;
}

/** A value as a scenario would write it, on one line. */
function formatValue(value: unknown): string {
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return String(value);
  return JSON.stringify(value);
}

/**
 * Each platform setting `scenario` sets to something else than lbsim's default, as
 * `network.fragmentPolicy: three-tuple` or `sip-1.outOfOrderFragments: reassemble`, in schema
 * order. The hash seed is left out: it only picks which of equivalent hashes a run uses.
 */
export function platformSettingsOf(scenario: Scenario): readonly string[] {
  const network = scenario.network as Record<string, unknown>;
  const changed = Object.entries(networkSchema.shape)
    .filter(([key, schema]) => key !== 'hashSeed' && isPlatformSetting(schema as z.ZodType))
    .filter(([key]) => JSON.stringify(network[key]) !== JSON.stringify(networkDefaults[key]))
    .map(([key]) => `network.${key}: ${formatValue(network[key])}`);
  const vms = scenario.hosts.flatMap((host) =>
    host.vms
      .filter((vm) => vm.outOfOrderFragments !== 'drop')
      .map((vm) => `${vm.name}.outOfOrderFragments: ${vm.outOfOrderFragments}`),
  );
  return [...changed, ...vms];
}
