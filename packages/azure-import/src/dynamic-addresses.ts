/**
 * Addresses for private IPs given as `Dynamic`: Azure hands out the first free address of the
 * subnet, starting at .4 because it keeps the network address, .1 (gateway), .2 and .3 (DNS)
 * and the broadcast address
 * (https://learn.microsoft.com/azure/virtual-network/virtual-networks-faq#are-there-any-restrictions-on-using-ip-addresses-within-these-subnets).
 * Requests are served in the order given (lbsim import uses the order of the resources in the
 * input), after every static address of the subnet has been taken.
 */
import { formatIpv4Address, parseIpv4Address, parseIpv4Prefix } from '@lbsim/core';

/** Hands out free addresses per subnet prefix. */
export class DynamicAddressPool {
  private readonly taken = new Set<number>();

  /** Records a static address so no dynamic one collides with it. */
  reserve(address: string): void {
    const parsed = parseIpv4Address(address);
    if (parsed !== undefined) this.taken.add(parsed);
  }

  /** The first free address of `prefix` from its .4, or `undefined` when it is full or no prefix. */
  allocate(prefix: string): string | undefined {
    const parsed = parseIpv4Prefix(prefix);
    if (parsed === undefined || parsed.length > 29) return undefined;
    const size = 2 ** (32 - parsed.length);
    for (let offset = 4; offset < size - 1; offset += 1) {
      const address = (parsed.network + offset) >>> 0;
      if (!this.taken.has(address)) {
        this.taken.add(address);
        return formatIpv4Address(address);
      }
    }
    return undefined;
  }
}
