/**
 * `hosts`: physical hosts, their VMs, NICs, loopback addresses, listeners and OS settings.
 */
import { parseIpv4Prefix } from '@lbsim/core';
import { z } from 'zod';
import { durationSchema, ipAddressSchema, nameSchema, nonZeroPortSchema } from './primitives.ts';

/** An address (a /32) or a prefix with no host bits set, as a route takes it. */
const routePrefixSchema = z.string().refine((text) => parseIpv4Prefix(text) !== undefined, {
  error: (issue) =>
    `expected an IPv4 address or prefix such as 10.1.1.4 or 10.1.1.0/24 (no host bits set), got ${JSON.stringify(issue.input)}`,
});

/** A NIC. Its IP is a DIP when the NIC is in a backend pool. */
export const nicSchema = z.strictObject({
  name: nameSchema.optional().describe('defaults to <vm>-nic<index>'),
  ip: ipAddressSchema,
  subnet: nameSchema
    .optional()
    .describe('subnet of the virtual network the IP lies in; by default the subnet whose prefix holds it'),
  networkSecurityGroup: nameSchema.optional().describe('NSG associated with the NIC'),
});

/**
 * A route added in the guest OS (docs/mechanics.md §2.3, multi-NIC). Without `source` it joins the
 * main table; with `source` it is a policy route (Linux `ip rule add from <source>` with a
 * table holding `<destination> dev <nic>`), the usual fix for replies that must leave by a
 * secondary NIC.
 */
export const guestRouteSchema = z.strictObject({
  destination: routePrefixSchema.default('0.0.0.0/0').describe('destinations it covers; default 0.0.0.0/0'),
  source: routePrefixSchema.optional().describe('only for packets from these source addresses (a policy route)'),
  nic: nameSchema.describe('the NIC packets leave by'),
});

/** An HTTP route of an `http` listener. */
export const httpResponseSchema = z.strictObject({
  path: z.string().startsWith('/', { error: 'an HTTP path starts with /' }),
  status: z.number().int().min(100).max(599),
  bodyBytes: z.number().int().min(0).max(10_000_000).optional(),
  delay: durationSchema.optional(),
});

/** Settings of an `http` listener. */
export const httpAppSchema = z.strictObject({
  responses: z.array(httpResponseSchema).default([]),
  defaultStatus: z.number().int().min(100).max(599).default(200),
  bodyBytes: z.number().int().min(0).max(10_000_000).default(512),
  closeAfterResponse: z
    .boolean()
    .default(false)
    .describe('close each connection after answering (Connection: close), so the server side enters TIME-WAIT'),
});

/** Settings of an `ftp` listener (passive mode, RFC 959). */
export const ftpAppSchema = z.strictObject({
  passiveAddress: ipAddressSchema.describe('address advertised in PASV replies: the frontend IP clients use'),
  passivePorts: z
    .strictObject({ from: nonZeroPortSchema, to: nonZeroPortSchema })
    .refine((range) => range.from <= range.to, { error: 'from must not exceed to' })
    .describe('passive data ports; each needs its own load-balancing rule'),
  fileBytes: z.number().int().min(1).max(100_000_000).default(100_000).describe('size of every file served'),
});

/** An application listening on the VM. */
export const listenerSchema = z.strictObject({
  protocol: z.enum(['Tcp', 'Udp']).default('Tcp'),
  port: nonZeroPortSchema,
  address: ipAddressSchema.optional().describe('bind to one local address; all by default'),
  app: z.enum(['http', 'echo', 'ftp']).optional().describe('default: http for Tcp, echo for Udp (the only UDP app)'),
  http: httpAppSchema.optional(),
  ftp: ftpAppSchema.optional(),
});

/**
 * A server on an Internet host: HTTP or TCP echo, or UDP echo. VMs reach it through outbound
 * SNAT (docs/mechanics.md §2.8), so its replies go to a frontend IP and SNAT port.
 */
export const internetListenerSchema = z.strictObject({
  protocol: z.enum(['Tcp', 'Udp']).default('Tcp'),
  port: nonZeroPortSchema,
  address: ipAddressSchema.optional().describe("the host's own address (it has only one); optional"),
  app: z.enum(['http', 'echo']).optional().describe('default: http for Tcp, echo for Udp (the only UDP app)'),
  http: httpAppSchema.optional(),
});

/** TCP settings of the guest OS (defaults in core/stack/tcp-config.ts). */
export const tcpSettingsSchema = z.strictObject({
  timestamps: z.boolean().optional().describe('TCP timestamps option; default: on for linux, off for windows'),
  synRetries: z.number().int().min(0).max(10).optional(),
  initialRto: durationSchema.optional(),
  twRecycle: z
    .boolean()
    .optional()
    .describe(
      'Linux net.ipv4.tcp_tw_recycle (removed in Linux 4.12): with timestamps, drop older SYNs from a peer for 60 s after TIME-WAIT',
    ),
});

/** A VM. */
export const vmSchema = z.strictObject({
  name: nameSchema,
  os: z.enum(['linux', 'windows']).default('linux'),
  nics: z.array(nicSchema).min(1, { error: 'a VM needs at least one NIC' }),
  loopbacks: z.array(ipAddressSchema).default([]).describe('addresses on loopback, e.g. a floating-IP frontend'),
  routes: z
    .array(guestRouteSchema)
    .default([])
    .describe('routes added in the guest; the default route is always via the primary (first) NIC'),
  weakHostReceive: z
    .boolean()
    .optional()
    .describe(
      'Windows: netsh weakhostreceive=enabled on the NICs (accept packets for the loopback or another NIC); Linux always does',
    ),
  weakHostSend: z
    .boolean()
    .optional()
    .describe('Windows: netsh weakhostsend=enabled (send from the loopback or another NIC address); Linux always does'),
  listeners: z.array(listenerSchema).default([]),
  tcp: tcpSettingsSchema.optional(),
  outOfOrderFragments: z
    .enum(['drop', 'reassemble'])
    .default('drop')
    .describe('Azure VMs drop fragments that arrive out of order by default'),
  fragmentOrder: z
    .enum(['forward', 'reverse'])
    .default('forward')
    .describe("order the VM sends a datagram's fragments in"),
});

/** A physical host with one Host Agent. */
export const hostSchema = z.strictObject({
  name: nameSchema,
  vms: z.array(vmSchema).min(1, { error: 'a host needs at least one VM' }),
});

/**
 * A host on the Internet: the source of traffic items, and with `listeners` a server that VMs
 * reach through outbound SNAT (docs/mechanics.md §2.8).
 */
export const clientSchema = z.strictObject({
  name: nameSchema,
  ip: ipAddressSchema,
  listeners: z
    .array(internetListenerSchema)
    .default([])
    .describe('servers on this Internet host that VMs connect to; their replies come back through SNAT'),
  tcp: tcpSettingsSchema.optional(),
  mtu: z
    .number()
    .int()
    .min(576)
    .max(9216)
    .optional()
    .describe("the client's interface MTU (its TCP MSS is MTU − 40); defaults to network.mtu"),
  linkMtu: z
    .number()
    .int()
    .min(576)
    .max(9216)
    .optional()
    .describe("MTU of the client's path to the datacenter (a tunnel or PPPoE link); defaults to the interface MTU"),
  fragmentOrder: z
    .enum(['forward', 'reverse'])
    .default('forward')
    .describe("order the client sends a datagram's fragments in"),
});

/** The app a listener runs: as given, else http for TCP and echo for UDP. */
export function listenerApp(listener: {
  readonly protocol: 'Tcp' | 'Udp';
  readonly app?: 'http' | 'echo' | 'ftp' | undefined;
}): 'http' | 'echo' | 'ftp' {
  return listener.app ?? (listener.protocol === 'Udp' ? 'echo' : 'http');
}
