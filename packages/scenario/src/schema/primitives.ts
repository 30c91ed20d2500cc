/**
 * Building blocks of the scenario schema: names, addresses, ports, durations.
 */
import * as z from 'zod';
import { describeValue, unlessMissing } from './issue-messages.ts';

/** A name of a host, VM, load balancer, rule…: letters, digits, `.`, `_`, `-`; up to 80. */
export const nameSchema = z
  .string({ error: unlessMissing('expected a name') })
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,79}$/, {
    error: 'a name starts with a letter or digit and has only letters, digits, ".", "_" and "-" (up to 80)',
  });

/** A dotted-quad IPv4 address. */
export const ipAddressSchema = z.ipv4({
  error: unlessMissing((issue) => `expected an IPv4 address such as 10.1.0.4, got ${describeValue(issue.input)}`),
});

/** An IPv4 prefix in CIDR notation. */
export const prefixSchema = z.cidrv4({
  error: unlessMissing((issue) => `expected an IPv4 prefix such as 10.0.0.0/24, got ${describeValue(issue.input)}`),
});

/** A TCP or UDP port, 0..65535. */
const portRange = unlessMissing((issue) => `a port is 0..65535, got ${describeValue(issue.input)}`);
export const portSchema = z
  .number({ error: portRange })
  .int({ error: portRange })
  .min(0, { error: portRange })
  .max(65535, { error: portRange });

/** A port a listener or client can use, 1..65535. */
export const nonZeroPortSchema = portSchema.min(1, {
  error: (issue) => `a port is 1..65535 here, got ${describeValue(issue.input)}`,
});

const durationPattern = /^(\d+(?:\.\d+)?)(ns|us|µs|ms|s|min|h)$/;
const unitNs: Readonly<Record<string, number>> = {
  ns: 1,
  us: 1e3,
  µs: 1e3,
  ms: 1e6,
  s: 1e9,
  min: 60e9,
  h: 3600e9,
};

/** Parses a duration such as `120s`, `1.5ms`, `4min` into whole nanoseconds, or `undefined`. */
export function parseDurationNs(text: string): number | undefined {
  const match = durationPattern.exec(text);
  if (match === null) return undefined;
  const value = Math.round(Number(match[1]) * (unitNs[match[2] as string] as number));
  return Number.isSafeInteger(value) ? value : undefined;
}

/**
 * A duration with a unit (`ns`, `us`, `ms`, `s`, `min`, `h`), e.g. `120s` or `250ms`; parsed
 * to integer nanoseconds. A bare number is refused: units must be explicit.
 */
export const durationSchema = z
  .string({ error: unlessMissing('expected a duration with a unit, such as 30s, 250ms or 4min') })
  .regex(durationPattern, { error: 'expected a duration with a unit, such as 30s, 250ms or 4min' })
  .transform((text, context) => {
    const ns = parseDurationNs(text);
    if (ns === undefined) {
      context.addIssue({ code: 'custom', message: `duration ${text} is too long` });
      return z.NEVER;
    }
    return ns;
  });

/** A range for expectations: `{ min, max }`, both optional. */
export function rangeSchema(description: string) {
  return z
    .strictObject({
      min: z.number().min(0).optional().describe('least value that passes (inclusive); no lower bound when absent'),
      max: z.number().min(0).optional().describe('greatest value that passes (inclusive); no upper bound when absent'),
    })
    .describe(description)
    .refine((range) => range.min === undefined || range.max === undefined || range.min <= range.max, {
      error: 'min must not exceed max',
    });
}
