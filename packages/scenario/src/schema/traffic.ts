/**
 * `traffic`: who connects to what, how often.
 */
import * as z from 'zod';
import { durationSchema, nameSchema } from './primitives.ts';

const targetPattern = /^(\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}):(\d{1,5})$/;

/** One traffic item: `connections` exchanges from `from` to `to`, one every `every`. */
export const trafficSchema = z.strictObject({
  name: nameSchema.optional().describe('defaults to traffic-<index>'),
  from: nameSchema.describe('an Internet client or a VM'),
  to: z
    .string()
    .regex(targetPattern, { error: 'expected address:port, such as 10.1.0.100:80' })
    .describe('destination address:port, usually a frontend'),
  protocol: z.enum(['Tcp', 'Udp']).default('Tcp').describe('transport of each exchange'),
  connections: z
    .number()
    .int()
    .min(1)
    .max(10_000_000)
    .default(1)
    .describe('how many connections (UDP: exchanges) to open, one every `every`'),
  startAt: durationSchema.prefault('1s').describe('virtual time the first connection opens'),
  every: durationSchema.prefault('100ms').describe('interval between connection openings'),
  app: z
    .enum(['http', 'echo', 'ftp', 'rd-gateway'])
    .default('http')
    .describe(
      'TCP: an HTTP GET of path, echo of requestBytes, a passive FTP download of path, or a Remote Desktop Gateway session (two linked connections, out then in, to the same port)',
    ),
  path: z
    .string()
    .startsWith('/', { error: 'a path starts with /' })
    .default('/')
    .describe('http: the path requested; ftp: the file downloaded'),
  requestBytes: z.number().int().min(0).max(65_507).default(100).describe('echo request or UDP payload size, bytes'),
  timeout: durationSchema.prefault('5s').describe('UDP: how long to wait for a reply'),
  requests: z
    .number()
    .int()
    .min(1)
    .max(100_000)
    .default(1)
    .describe('TCP: requests sent one after another on each connection'),
  idleBetween: durationSchema.prefault('0s').describe('TCP: pause after each response before the next request'),
  keepalive: durationSchema
    .optional()
    .describe('TCP: keepalive interval; the client probes an idle connection this often'),
});

/** Splits a validated `address:port` target. */
export function splitTarget(target: string): { readonly address: string; readonly port: number } {
  const match = targetPattern.exec(target) as RegExpExecArray;
  return { address: match[1] as string, port: Number(match[2]) };
}

/** The pattern of a target, for semantic validation. */
export const trafficTargetPattern = targetPattern;
