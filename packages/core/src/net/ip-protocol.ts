/**
 * IP protocol numbers (IANA "Assigned Internet Protocol Numbers") that lbsim models.
 * IP-in-IP is protocol 4 (RFC 2003), the encapsulation Ananta's Mux uses toward DIPs
 * (docs/mechanics.md §1.2).
 */
export const IpProtocol = { Icmp: 1, IpIp: 4, Tcp: 6, Udp: 17 } as const;

/** One of the protocol numbers in {@link IpProtocol}. */
export type IpProtocol = (typeof IpProtocol)[keyof typeof IpProtocol];

/** The conventional name of a protocol number ("TCP", "UDP", "ICMP", "IPIP"), or its number. */
export function formatIpProtocol(protocol: number): string {
  switch (protocol) {
    case IpProtocol.Tcp:
      return 'TCP';
    case IpProtocol.Udp:
      return 'UDP';
    case IpProtocol.Icmp:
      return 'ICMP';
    case IpProtocol.IpIp:
      return 'IPIP';
    default:
      return String(protocol);
  }
}
