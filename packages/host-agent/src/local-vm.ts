/**
 * The Host Agent's view of the VMs on its host (docs/mechanics.md §1.4): each VM's NICs with their
 * addresses and NSGs, and the host's own services that VMs reach by address (the health prober
 * at 168.63.129.16).
 */
import type { Ipv4Address, Ipv4Packet, PacketMeta } from '@lbsim/core';
import type { NicSecurity } from './nic-security.ts';

/** A NIC of a local VM, as the Host Agent sees it. */
export interface LocalNic {
  readonly name: string;
  readonly address: Ipv4Address;
  /** The NSGs guarding the NIC and its flow records. */
  readonly security: NicSecurity;
}

/** A VM on this host, as the Host Agent sees it. */
export interface LocalVm {
  /** Node name of the VM. */
  readonly name: string;
  /** Its NICs, primary first. */
  readonly nics: readonly LocalNic[];
}

/**
 * A service of the host itself that VMs talk to by address — the health prober, which owns
 * 168.63.129.16 on every host (docs/mechanics.md §2.3: "the health probe traffic is directly between
 * the infrastructure component which generates the health probe and the customer VM").
 */
export interface HostService {
  /** Name for the trace (`probe@host-a`). */
  readonly name: string;
  /** Takes a packet a VM sent to the service's address. */
  receive(packet: Ipv4Packet, meta: PacketMeta): void;
}
