/**
 * The Mux's stateless SNAT entries (docs/mechanics.md §1.3, §1.4, §7.4; [ANANTA §3.3.3, §3.5.1]):
 * `(VIP, protocol, range start) → DIP`. Ranges are 8 ports aligned to 8, so a packet's range is
 * found from its destination port alone, and return traffic of any SNATed flow goes to the DIP
 * that owns the range without the Mux keeping state per flow.
 */
import { type SnatPortRange, type SnatRangeOwner, snatRangeKey, snatRangeStart } from '@lbsim/core';

/** The SNAT entries of one Mux. */
export class SnatRangeMap {
  private readonly owners = new Map<string, number>();
  private readonly rangesPerVip = new Map<number, number>();

  /** Number of ranges known. */
  get size(): number {
    return this.owners.size;
  }

  /** Adds (or moves) a range's entry. */
  add(owner: SnatRangeOwner): void {
    const { vip, protocol, firstPort } = owner.range;
    const key = snatRangeKey(vip, protocol, firstPort);
    if (!this.owners.has(key)) this.rangesPerVip.set(vip, (this.rangesPerVip.get(vip) ?? 0) + 1);
    this.owners.set(key, owner.dip);
  }

  /** Removes a range's entry (no effect if absent). */
  remove(range: SnatPortRange): void {
    const key = snatRangeKey(range.vip, range.protocol, range.firstPort);
    if (!this.owners.delete(key)) return;
    const left = (this.rangesPerVip.get(range.vip) ?? 1) - 1;
    if (left === 0) this.rangesPerVip.delete(range.vip);
    else this.rangesPerVip.set(range.vip, left);
  }

  /** Forgets every entry. */
  clear(): void {
    this.owners.clear();
    this.rangesPerVip.clear();
  }

  /** The DIP that owns the range of (`vip`, `protocol`, `port`), or `undefined`. */
  lookup(vip: number, protocol: number, port: number): number | undefined {
    return this.owners.get(snatRangeKey(vip, protocol, snatRangeStart(port)));
  }

  /** VIPs with at least one range: a Mux announces them like the VIPs of its rules. */
  vips(): number[] {
    return [...this.rangesPerVip.keys()];
  }
}
