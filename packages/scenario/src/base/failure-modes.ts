/**
 * The failure modes of the catalogue (docs/architecture.md#the-failure-mode-catalogue), by the id that names their folder under
 * scenarios/: what explanations name when a failure is one of them.
 */

/** Catalogue id → what the failure mode is, in a few words. */
export const failureModes = {
  'all-probed-down': 'every DIP is probed down, so new flows have nowhere to go',
  'dip-removal': 'a DIP leaves the pool and hashing moves flows that had no state to keep them',
  'encap-mtu': 'full-size segments no longer fit the fabric MTU after IP-in-IP encapsulation',
  'five-tuple-multi-session': "a protocol's second connection is hashed independently of its first",
  'guest-firewall-blocks-probe':
    'the firewall inside the VMs blocks the health probes from 168.63.129.16, though the NSG allows them',
  'floating-ip-no-loopback':
    'floating IP and the guests disagree: the frontend IP reaches guests that do not own it, or a service bound to it gets the DIP',
  'http-probe-non-200': 'the HTTP probe gets a status other than 200',
  'idle-timeout': 'a silent flow outlives the idle timeout and the load balancer forgets it',
  'ilb-self-mapping': 'a backend reaches its own internal load balancer and is mapped back to itself',
  'multi-nic-route': 'replies leave a multi-NIC VM by the wrong NIC',
  'mux-failure': 'a Mux dies: its flows are black-holed, then rehashed to Muxes without their state',
  'not-listening': "the rule's backend port has no listener while the probe checks another port",
  'nsg-blocks-client': 'a network security group denies the clients',
  'nsg-blocks-probe': 'a network security group denies the health probes from 168.63.129.16',
  'pmtud-icmp': 'ICMP "fragmentation needed" reaches the wrong VM: a path-MTU black hole',
  'probe-hides-dead-service': 'the probe checks something other than the service, which died',
  'probe-wrong-port': 'the probe checks a port nothing listens on',
  'role-instance-not-ready':
    'Cloud Services (classic) role instances report Busy, and the guest agent probe takes them out of rotation',
  'rule-wrong-port': 'the rule takes a port one typo away from the one clients use, so nothing takes theirs',
  'same-vm-hairpin': 'a VM reaches its own load-balancer frontend over the NIC in the pool',
  'snat-exhaustion': 'a VM runs out of SNAT ports for one destination, so new outbound connections fail',
  'tw-recycle': 'Linux tcp_tw_recycle drops probe SYNs whose timestamps go backwards',
  'udp-fragmentation': 'load-balancing rules drop IP fragments, so large UDP datagrams are lost',
} as const satisfies Record<string, string>;

/** A catalogue id. */
export type FailureModeId = keyof typeof failureModes;

/** Every catalogue id, sorted. */
export const failureModeIds: readonly FailureModeId[] = (Object.keys(failureModes) as FailureModeId[]).sort();
