/**
 * 168.63.129.16, Azure's platform address (docs/mechanics.md §2.3, [AZ-168]): the source of every
 * IPv4 health probe and the address of the platform's DNS, DHCP and WireServer. Only the host
 * answers it; it is not on the Internet and cannot be assigned to a VM.
 */
import type { Ipv4Address } from './ipv4-address.ts';

/** 168.63.129.16 as a uint32. */
export const azurePlatformAddress: Ipv4Address = 0xa83f8110;
