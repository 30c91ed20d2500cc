/**
 * The general cause and fix of every drop reason, for failures that are none of the
 * catalogue's failure modes: what the drop means (core/sim/drop-reason.ts) and the change that
 * usually cures it. Specific diagnoses (drop-diagnoses.ts) override these when the context
 * identifies a catalogue failure mode.
 */
import { type DropReason, describeDropReason } from '@lbsim/core';
import { platformLabel } from '../schema/platform.ts';
import type { Finding } from './drop-situation.ts';

/** Reason → the general fix, in the scenario's vocabulary. */
export const generalFixes: Readonly<Record<DropReason, string>> = {
  'no-route': "send to an address that exists: a frontend IP, a VM's NIC or a client (check the traffic's `to`)",
  'ttl-expired': 'break the routing loop: check frontend, NIC and loopback addresses for overlaps',
  'mtu-exceeded': `keep packets within the path MTU: a smaller MSS or MTU in the guest; in the platform, network.mssClamp: true (the Host Agent clamps the MSS to 1440), a larger network.fabricMtu, or network.icmpFragmentationNeeded: true so path-MTU discovery can work (each ${platformLabel})`,
  'mux-down': `nothing saves packets sent to a dead Mux before its BGP hold timer expires: clients retry; a shorter network.bgpHoldTime shortens the black hole (${platformLabel})`,
  'fragment-before-first': `keep datagrams within the MTU (UDP payload at most MTU − 28 bytes), or send large ones outside the load balancer; network.fragmentPolicy: three-tuple is a what-if (${platformLabel})`,
  'no-vip-endpoint': 'add a load-balancing rule (or an inbound NAT rule) for this frontend IP, protocol and port',
  'no-healthy-dip':
    'give the rule an eligible DIP: pool members whose probe passes, adminState None or Up, a weight above 0',
  'fragment-on-lb-rule': `keep datagrams within the MTU (UDP payload at most MTU − 28 bytes), or send large ones outside the load balancer; network.fragmentPolicy: three-tuple is a what-if (${platformLabel})`,
  'idle-timeout':
    'send keepalives more often than the idle timeout (traffic keepalive), or raise idleTimeoutInMinutes on the rule',
  'no-nat-rule':
    'a DIP got a flow its Host Agent has no rule for, usually one removed from the pool while flows to it lived: drain it (drain-backend) before removing it',
  'unknown-dip': "check the backend pool's members: the DIP belongs to no VM on that host",
  'not-local-address':
    "send to an address the VM has: with enableFloatingIP the frontend IP must be in the VM's loopbacks",
  'vm-stopped': 'start the VM (start-vm); with a health probe, new flows leave it once it is probed down',
  'guest-firewall':
    "allow the connection in the VM's firewall (firewall.rules): a rule for the port and source, or defaultAction: Allow; a probe needs 168.63.129.16 allowed",
  'no-listener': 'make an application listen on that port (listeners), or send to the port one listens on',
  'fragment-out-of-order': `keep datagrams within the MTU; outOfOrderFragments: reassemble is a what-if (${platformLabel}: Azure's hosts drop fragments that arrive out of order)`,
  'reassembly-timeout': 'keep datagrams within the MTU: a fragment that never arrives loses the whole datagram',
  'reassembly-failed': 'keep datagrams within the MTU so they are never fragmented',
  'tcp-out-of-order': 'a consequence of an earlier loss in the same connection: fix that one',
  'tcp-bad-ack': 'a segment that does not fit the connection: usually a flow moved to another VM; fix what moved it',
  'tcp-no-connection': `a consequence of a flow moved to another VM: drain a backend (drain-backend) before removing it; consistent hashing (network.backendSelection: maglev) and flow state (room in network.flowTable) are each ${platformLabel}`,
  'icmp-unhandled': 'harmless by itself: an ICMP error about a connection the VM does not have',
  'hairpin-same-nic': 'call the frontend from a VM (or a NIC) outside the backend pool',
  'martian-source': 'call the internal frontend from outside the backend pool, or use a floating-IP rule',
  'strong-host-receive': 'enable the weak host model on the VM: weakHostReceive: true',
  'strong-host-send': 'enable the weak host model on the VM: weakHostSend: true',
  'asymmetric-nic': "add a policy route so replies from a NIC's address leave by that NIC (routes: [{ source, nic }])",
  'spoofed-source':
    'send outbound flows from the DIP, not from an address the NIC does not own (a floating-IP frontend is not SNATed)',
  'nsg-denied': 'add a network security group rule that allows this traffic, ahead of the rule that denies it',
  'standard-lb-closed':
    "associate a network security group that allows the clients with the backends' NICs or their subnet",
  'tw-recycle-paws': 'turn net.ipv4.tcp_tw_recycle off in the guest (tcp: { twRecycle: false })',
  'snat-ports-exhausted':
    'reuse connections, or give the VM more SNAT ports (allocatedOutboundPorts) or more frontend IPs',
  'no-outbound-connectivity':
    'give the pool outbound connectivity: an outbound rule on a public load balancer for this protocol (an internal load balancer gives none)',
  'snat-no-flow':
    'keep outbound flows alive within their idle timeout (keepalives), or raise the outbound rule idleTimeoutInMinutes',
  'snat-fragment': 'keep outbound datagrams within the MTU (1472-byte UDP payloads) so they are not fragmented',
};

/** The general diagnosis of a drop: what it means and the usual fix; no catalogue failure mode. */
export function diagnoseGenerally(reason: DropReason): Finding {
  return { failureMode: undefined, cause: capitalize(describeDropReason(reason)), fix: generalFixes[reason] };
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
