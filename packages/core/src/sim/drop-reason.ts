/**
 * The closed set of reasons a packet can be dropped for. Every drop in a run carries one of
 * these and the node that dropped it; nothing disappears silently (docs/architecture.md#determinism-and-accounting).
 *
 * Each reason maps to the sentence explanations and summaries use.
 */
export const dropReasons = {
  'no-route': 'no route to the destination address',
  'ttl-expired': 'TTL reached zero',
  'mtu-exceeded': 'larger than the link MTU with DF set',
  'mux-down': 'the Mux is down; the router sends it traffic until its BGP hold timer expires',
  'fragment-before-first': 'a non-first fragment reached the Mux before the first one, so its ports are unknown',
  'no-vip-endpoint': 'no load-balancing rule for this VIP, protocol and port',
  'no-healthy-dip': 'no healthy DIP behind the rule',
  'fragment-on-lb-rule': 'IP fragment on a load-balancing rule: a non-first fragment has no ports to hash',
  'idle-timeout': 'the flow was idle longer than its idle timeout, so the load balancer forgot it',
  'no-nat-rule': 'the Host Agent has no NAT rule for this VIP endpoint and DIP',
  'unknown-dip': 'the Host Agent has no VM with this DIP',
  'not-local-address': 'the destination is not an address of this VM',
  'vm-stopped': 'the VM is stopped',
  'no-listener': 'nothing listens on this port (the stack answers TCP with RST, UDP with ICMP)',
  'fragment-out-of-order': 'a fragment arrived out of order and the receiver reassembles only in order',
  'reassembly-timeout': 'the other fragments of the datagram did not arrive in time',
  'reassembly-failed': 'the fragments did not reassemble into a valid datagram',
  'tcp-out-of-order': 'TCP segment beyond the next expected sequence number',
  'tcp-bad-ack': 'TCP segment acknowledges data never sent',
  'tcp-no-connection': 'TCP RST or ACK for a connection that does not exist',
  'icmp-unhandled': 'ICMP message nobody was waiting for',
  'hairpin-same-nic':
    'a VM reached its own load-balancer frontend and the flow was mapped back to the NIC it came from: unsupported, the Host Agent drops it',
  'martian-source':
    "one of the VM's own addresses is the source of a packet from the network: the guest OS drops it (Linux martian source; the inbound leg of an internal-LB flow mapped back to its sender)",
  'strong-host-receive':
    'the destination is an address of another interface of this Windows VM and weak host receive is off (strong host model)',
  'strong-host-send':
    'the source is not an address of the interface the packet leaves by and weak host send is off (Windows strong host model)',
  'asymmetric-nic':
    "the VM sent the packet out of a NIC that does not own its source address (the guest's route chose another NIC); the virtual switch drops it",
  'spoofed-source':
    'the source is no address of the NIC and belongs to no flow the Host Agent translated (e.g. an outbound flow from a floating-IP frontend): the virtual switch drops it',
  'nsg-denied': 'a network security group rule denied it',
  'guest-firewall':
    'the firewall inside the VM (Windows Firewall, iptables) blocked a new inbound connection, after the NSGs had allowed it',
  'standard-lb-closed':
    'inbound through a Standard public load balancer to a NIC with no network security group: closed until an NSG allows it',
  'tw-recycle-paws':
    'SYN whose TCP timestamp is older than the one remembered from this peer when a connection went through TIME-WAIT (Linux tcp_tw_recycle): dropped silently',
  'snat-ports-exhausted':
    "no SNAT port was free for a new outbound connection to this destination: every port of the VM's allocation already carries a flow to it (in use, or held 240 s after FIN, 15 s after RST); the client retries until ports are released",
  'no-outbound-connectivity':
    'the VM is behind a Standard load balancer that gives it no outbound SNAT for this protocol (internal load balancer, no rule of the protocol, or disableOutboundSnat without an outbound rule)',
  'snat-no-flow':
    'a packet of an outbound flow the Host Agent has no SNAT state for: return traffic to a SNAT port that no live flow to that remote address and port uses, or a VM packet other than a SYN whose flow was released',
  'snat-fragment':
    'IP fragment of an outbound flow that needs SNAT: Azure drops fragmented outbound packets unless the VM has its own public IP',
} as const;

/** One of the reasons in {@link dropReasons}. */
export type DropReason = keyof typeof dropReasons;

/** The sentence for a drop reason. */
export function describeDropReason(reason: DropReason): string {
  return dropReasons[reason];
}
