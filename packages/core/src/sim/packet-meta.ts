/**
 * Simulation-only data that travels beside a packet, never inside its headers (ns-3 "tags").
 */

/** What the simulation knows about a packet that its headers do not say. */
export interface PacketMeta {
  /**
   * Identity of the packet from its origin to its end. Rewrites (NAT) and encapsulation keep
   * it: it is the same packet, changed. A packet a node originates in response (a SYN-ACK, an
   * RST, an ICMP error) gets a new id.
   */
  readonly packetId: number;
  /**
   * The connection or pseudo-connection this packet belongs to, as the traffic that started it
   * numbered it (0: none). Both directions and both ends share it, so a trace can be filtered
   * to one connection.
   */
  readonly connectionId: number;
  /** Virtual time the packet was originated, in ns. */
  readonly createdAtNs: number;
}
