/**
 * Platform settings: knobs lbsim has that no Azure customer can turn — how Muxes treat
 * fragments and ICMP errors, how they pick a DIP, how many there are and how big their flow
 * tables are, the Host Agent's MSS clamp, the fabric's MTU, the hash seed (docs/mechanics.md,
 * "Platform" in its reading notes). lbsim lets a scenario set them to show what they do; it
 * never offers one as a customer's fix without saying so.
 *
 * The schema marks each with the JSON Schema annotation `x-lbsim-platform: true` (a validator
 * in strict mode needs the keyword registered, e.g. Ajv's `addKeyword('x-lbsim-platform')`),
 * and explanations, the run summary, the report and the workshop carry {@link platformLabel}.
 */
/** The JSON Schema annotation that marks a platform setting. */
export const platformKeyword = 'x-lbsim-platform';

/** What lbsim says of a platform setting wherever it offers or reports one. */
export const platformLabel = 'a platform behaviour, not something you can set';

/** Metadata that marks a schema as a platform setting: `.meta(platformSetting)` (zod carries it into the JSON Schema). */
export const platformSetting: Readonly<Record<typeof platformKeyword, true>> = { [platformKeyword]: true };

/** A platform setting offered as a change, labelled: `network.mssClamp: true (a platform behaviour, …)`. */
export function offerPlatformSetting(setting: string): string {
  return `${setting} (${platformLabel})`;
}
