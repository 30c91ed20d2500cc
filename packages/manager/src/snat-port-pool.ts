/**
 * The SNAT ports of one frontend IP and protocol, as the manager hands them out
 * (docs/mechanics.md §1.5, §2.8; [ANANTA §3.5.1], [AZ-OUT-2022, AZ-OUTRULES]).
 *
 * The ports come in ranges of 8, aligned to 8, from port 1024 up. A frontend IP offers 64,000
 * SNAT ports, and every load-balancing or inbound NAT rule port on it consumes the range of 8
 * it falls in (two rule ports in the same range consume it once): so the pool holds at most
 * 8000 ranges less one per rule range, and never hands out a range that holds a rule port —
 * return traffic to a SNAT port must never be mistaken for a new flow to a rule.
 */
import { firstSnatPort, snatPortsPerFrontend, snatPortsPerRange, snatRangeStart } from '@lbsim/core';

/** Ranges a frontend IP offers before rules take theirs: 64,000 / 8. */
export const snatRangesPerFrontend = snatPortsPerFrontend / snatPortsPerRange;

/** Ranges between {@link firstSnatPort} and 65535 where SNAT ranges may lie. */
const rangeSlots = (65536 - firstSnatPort) / snatPortsPerRange;

/**
 * How many of a frontend's 64,000 SNAT ports its rules leave: 8 fewer per distinct range of 8
 * that holds a rule's frontend port (docs/mechanics.md §2.8).
 * @param rulePorts frontend ports of the load-balancing and inbound NAT rules on the frontend
 *   (port 0, an HA-ports rule, takes none: such rules exist only on internal load balancers,
 *   which have no SNAT)
 */
export function snatPortsLeftByRules(rulePorts: Iterable<number>): number {
  return snatPortsPerFrontend - snatPortsPerRange * ruleRangesOf(rulePorts).size;
}

/** The distinct range starts that hold rule ports (port 0 excluded). */
function ruleRangesOf(rulePorts: Iterable<number>): Set<number> {
  const ranges = new Set<number>();
  for (const port of rulePorts) if (port > 0) ranges.add(snatRangeStart(port));
  return ranges;
}

/** The free ranges of one (frontend IP, protocol). */
export class SnatPortPool {
  /** Whether each slot (range from 1024 up) is taken by a grant or a rule. */
  private readonly taken: boolean[] = new Array<boolean>(rangeSlots).fill(false);
  /** Slots that hold a rule port: never handed out, never given back. */
  private readonly reservedSlots = new Set<number>();
  /** Most ranges the pool may have out at once. */
  readonly capacityRanges: number;
  private outstanding = 0;
  /** No free slot lies below this one. */
  private lowestFree = 0;

  /** @param rulePorts frontend ports of the rules on this frontend and protocol */
  constructor(rulePorts: Iterable<number>) {
    const reserved = ruleRangesOf(rulePorts);
    this.capacityRanges = snatRangesPerFrontend - reserved.size;
    for (const start of reserved) {
      if (start < firstSnatPort) continue;
      const slot = (start - firstSnatPort) / snatPortsPerRange;
      this.taken[slot] = true;
      this.reservedSlots.add(slot);
    }
  }

  /** Ranges handed out and not yet given back. */
  get rangesOut(): number {
    return this.outstanding;
  }

  /** Ranges that can still be handed out. */
  get rangesFree(): number {
    return this.capacityRanges - this.outstanding;
  }

  /**
   * Takes the lowest free range.
   * @returns its first port, or `undefined` when the pool's capacity is used up
   */
  take(): number | undefined {
    if (this.outstanding >= this.capacityRanges) return undefined;
    for (let slot = this.lowestFree; slot < rangeSlots; slot++) {
      if (this.taken[slot] === true) continue;
      this.taken[slot] = true;
      this.outstanding++;
      this.lowestFree = slot + 1;
      return firstSnatPort + slot * snatPortsPerRange;
    }
    return undefined;
  }

  /** Gives back a range taken earlier (no effect for a range that is not out). */
  give(firstPort: number): void {
    const slot = (firstPort - firstSnatPort) / snatPortsPerRange;
    if (!Number.isInteger(slot) || this.taken[slot] !== true || this.reservedSlots.has(slot)) return;
    this.taken[slot] = false;
    this.outstanding--;
    this.lowestFree = Math.min(this.lowestFree, slot);
  }
}
