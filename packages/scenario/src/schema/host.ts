/**
 * `hosts`: physical hosts, their VMs, NICs, loopback addresses, listeners and OS settings.
 */
import { parseIpv4Prefix } from '@lbsim/core';
import * as z from 'zod';
import { guestFirewallSchema } from './guest-firewall.ts';
import { describeValue } from './issue-messages.ts';
import { platformSetting } from './platform.ts';
import { durationSchema, ipAddressSchema, nameSchema, nonZeroPortSchema } from './primitives.ts';

/** An address (a /32) or a prefix with no host bits set, as a route takes it. */
const routePrefixSchema = z.string().refine((text) => parseIpv4Prefix(text) !== undefined, {
  error: (issue) =>
    `expected an IPv4 address or prefix such as 10.1.1.4 or 10.1.1.0/24 (no host bits set), got ${describeValue(issue.input)}`,
});

/** A NIC. Its IP is a DIP when the NIC is in a backend pool. */
export const nicSchema = z.strictObject({
  name: nameSchema.optional().describe('defaults to <vm>-nic<index>'),
  ip: ipAddressSchema.describe(
    "the NIC's private IP address, its DIP in a backend pool (Azure: ipConfigurations[].properties.privateIPAddress)",
  ),
  subnet: nameSchema
    .optional()
    .describe(
      'subnet of the virtual network the IP lies in; by default the subnet whose prefix holds it (Azure: ipConfigurations[].properties.subnet)',
    ),
  networkSecurityGroup: nameSchema
    .optional()
    .describe('name of the NSG associated with the NIC (Azure: networkInterfaces properties.networkSecurityGroup)'),
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
  path: z
    .string()
    .startsWith('/', { error: 'an HTTP path starts with /' })
    .describe('request path this response answers, exactly'),
  status: z.number().int().min(100).max(599).describe('HTTP status code of the response'),
  bodyBytes: z
    .number()
    .int()
    .min(0)
    .max(10_000_000)
    .optional()
    .describe("response body size, bytes; defaults to the listener's bodyBytes"),
  delay: durationSchema.optional().describe('time the app takes before it answers; none by default'),
});

/** Settings of an `http` listener. */
export const httpAppSchema = z.strictObject({
  responses: z
    .array(httpResponseSchema)
    .default([])
    .describe('answers for particular paths; other paths get defaultStatus'),
  defaultStatus: z
    .number()
    .int()
    .min(100)
    .max(599)
    .default(200)
    .describe('HTTP status code for a path no response names'),
  bodyBytes: z.number().int().min(0).max(10_000_000).default(512).describe('response body size, bytes'),
  closeAfterResponse: z
    .boolean()
    .default(false)
    .describe('close each connection after answering (Connection: close), so the server side enters TIME-WAIT'),
  idleTimeout: durationSchema
    .optional()
    .describe(
      "close a connection, server first, after it has been idle this long (like Apache's KeepAliveTimeout or nginx's client_header_timeout), so the server side enters TIME-WAIT; never by default",
    ),
});

/** Settings of an `ftp` listener (passive mode, RFC 959). */
export const ftpAppSchema = z.strictObject({
  passiveAddress: ipAddressSchema.describe('address advertised in PASV replies: the frontend IP clients use'),
  passivePorts: z
    .strictObject({
      from: nonZeroPortSchema.describe('first passive data port'),
      to: nonZeroPortSchema.describe('last passive data port (inclusive)'),
    })
    .refine((range) => range.from <= range.to, { error: 'from must not exceed to' })
    .describe('passive data ports; each needs its own load-balancing rule'),
  fileBytes: z.number().int().min(1).max(100_000_000).default(100_000).describe('size of every file served, bytes'),
});

/** Settings of a `proxy` listener: a reverse proxy (nginx, HAProxy) in front of another tier. */
export const proxyAppSchema = z.strictObject({
  upstream: z
    .string()
    .regex(/^(\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}):(\d{1,5})$/, {
      error: 'expected address:port, such as 10.1.0.100:80',
    })
    .describe(
      "address:port each request is passed to over a connection of its own, from the VM's primary address: usually a frontend IP",
    ),
  bodyBytes: z.number().int().min(0).max(10_000_000).default(512).describe('body size of the answers it gives, bytes'),
});

/** An application listening on the VM. */
export const listenerSchema = z.strictObject({
  protocol: z.enum(['Tcp', 'Udp']).default('Tcp').describe('transport the app listens on'),
  port: nonZeroPortSchema.describe("port the app listens on, 1..65535 (a rule's backendPort reaches it)"),
  address: ipAddressSchema.optional().describe('bind to one local address; all by default'),
  app: z
    .enum(['http', 'echo', 'ftp', 'rd-gateway', 'proxy'])
    .optional()
    .describe(
      "default: http for Tcp, echo for Udp (the only UDP app); rd-gateway: a Remote Desktop Gateway joining each session's in and out channels; proxy: an HTTP reverse proxy to proxy.upstream",
    ),
  http: httpAppSchema.optional().describe('settings of an http app'),
  ftp: ftpAppSchema.optional().describe('settings of an ftp app (passive mode, RFC 959)'),
  proxy: proxyAppSchema.optional().describe('settings of a proxy app: where it passes requests'),
});

/**
 * A server on an Internet host: HTTP or TCP echo, or UDP echo. VMs reach it through outbound
 * SNAT (docs/mechanics.md §2.8), so its replies go to a frontend IP and SNAT port.
 */
export const internetListenerSchema = z.strictObject({
  protocol: z.enum(['Tcp', 'Udp']).default('Tcp').describe('transport the server listens on'),
  port: nonZeroPortSchema.describe('port the server listens on, 1..65535'),
  address: ipAddressSchema.optional().describe("the host's own address (it has only one); optional"),
  app: z.enum(['http', 'echo']).optional().describe('default: http for Tcp, echo for Udp (the only UDP app)'),
  http: httpAppSchema.optional().describe('settings of an http app'),
});

/** TCP settings of the guest OS (defaults in core/stack/tcp-config.ts). */
export const tcpSettingsSchema = z.strictObject({
  timestamps: z.boolean().optional().describe('TCP timestamps option; default: on for linux, off for windows'),
  synRetries: z
    .number()
    .int()
    .min(0)
    .max(10)
    .optional()
    .describe(
      'SYN retransmissions before a connect attempt fails, like Linux net.ipv4.tcp_syn_retries; default 3 (15 s with a 1 s RTO)',
    ),
  initialRto: durationSchema
    .optional()
    .describe('first retransmission timeout, doubling on each retry; default 1s (RFC 6298 §2.1)'),
  twRecycle: z
    .boolean()
    .optional()
    .describe(
      'Linux net.ipv4.tcp_tw_recycle (removed in Linux 4.12): with timestamps, drop older SYNs from a peer for 60 s after TIME-WAIT',
    ),
});

/** A VM. */
export const vmSchema = z.strictObject({
  name: nameSchema.describe('VM name, unique among hosts, VMs and clients'),
  os: z
    .enum(['linux', 'windows'])
    .default('linux')
    .describe('guest OS: sets TCP defaults and weak/strong host behaviour'),
  nics: z
    .array(nicSchema)
    .min(1, { error: 'a VM needs at least one NIC' })
    .describe('network interfaces; the first is the primary (Azure: networkProfile.networkInterfaces)'),
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
  listeners: z.array(listenerSchema).default([]).describe('apps listening on the VM'),
  tcp: tcpSettingsSchema.optional().describe("the guest's TCP settings; lbsim's defaults for its os when absent"),
  roleState: z
    .enum(['Ready', 'Busy', 'Recycling', 'Stopping'])
    .default('Ready')
    .describe(
      'Cloud Services (classic): the state the role instance reports through its guest agent; a GuestAgent probe passes only while it is Ready (docs/mechanics.md §2.3)',
    ),
  firewall: guestFirewallSchema
    .optional()
    .describe(
      'the firewall inside the guest (Windows Firewall, iptables), checked after the NSGs; none when absent (docs/mechanics.md §2.14)',
    ),
  outOfOrderFragments: z
    .enum(['drop', 'reassemble'])
    .default('drop')
    .describe(
      'Azure VMs drop fragments that arrive out of order by default; reassemble is a what-if: the host decides, not the customer',
    )
    .meta(platformSetting),
  fragmentOrder: z
    .enum(['forward', 'reverse'])
    .default('forward')
    .describe("order the VM sends a datagram's fragments in"),
});

/** A physical host with one Host Agent. */
export const hostSchema = z.strictObject({
  name: nameSchema.describe('host name, unique among hosts, VMs and clients'),
  vms: z
    .array(vmSchema)
    .min(1, { error: 'a host needs at least one VM' })
    .describe('VMs on this host, all served by its Host Agent'),
});

/**
 * A host on the Internet: the source of traffic items, and with `listeners` a server that VMs
 * reach through outbound SNAT (docs/mechanics.md §2.8).
 */
export const clientSchema = z.strictObject({
  name: nameSchema.describe('client name, unique among hosts, VMs and clients'),
  ip: ipAddressSchema.describe(
    'its public address, outside the virtual network; not loopback, multicast, reserved or link-local',
  ),
  listeners: z
    .array(internetListenerSchema)
    .default([])
    .describe('servers on this Internet host that VMs connect to; their replies come back through SNAT'),
  tcp: tcpSettingsSchema.optional().describe("the client's TCP settings; lbsim's defaults when absent"),
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
  readonly app?: 'http' | 'echo' | 'ftp' | 'rd-gateway' | 'proxy' | undefined;
}): 'http' | 'echo' | 'ftp' | 'rd-gateway' | 'proxy' {
  return listener.app ?? (listener.protocol === 'Udp' ? 'echo' : 'http');
}
