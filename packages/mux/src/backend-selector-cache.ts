/**
 * Backend selectors shared by the Muxes of a pool: each selector (a Maglev table above all) is
 * built once per distinct set of backends and handed to every Mux and rule that needs it.
 *
 * Ananta's Muxes each compute their own table from the same VIP map with the same function
 * (docs/mechanics.md §1.3), so the tables are equal; a simulation need not hold one copy per Mux.
 * With 64 Muxes and a 10,000,019-slot table (both within the scenario format's limits) that
 * was 2.6 GB and a minute of building per DIP list. Selectors are immutable, so sharing them
 * changes no result.
 *
 * A Maglev table is built when its selector first selects, not when the VIP map asks for it:
 * as DIPs come up or go down each step makes a new DIP list, and some lists no packet ever
 * meets (issue 20: scenarios/web-app-tiers.yaml built 5 tables and now 4,
 * all-probed-down/broken.yaml 4 and now 3). The table is a pure function of the list, so
 * building it later changes no result; inputs are still checked when the selector is asked for.
 */
import { type BackendSelector, type BackendSelectorOptions, createBackendSelector } from './backend-selector.ts';
import { checkMaglevInputs, type MaglevBackend } from './maglev.ts';

/** Default bound on the table slots kept for reuse: 2^25 (128 MiB of Maglev tables). */
export const defaultCachedSlots = 2 ** 25;

/** Selectors by backend set, least recently used first, evicted beyond a number of table slots. */
export class BackendSelectorCache {
  private readonly selectors = new Map<string, { readonly selector: BackendSelector; readonly slots: number }>();
  private cachedSlots = 0;
  private buildCount = 0;

  /**
   * @param options how every selector is built (algorithm, Maglev table size and permutation)
   * @param maxCachedSlots table slots kept for reuse; the most recent selector is always kept,
   *   and selectors in use by a VIP map live on regardless
   */
  constructor(
    readonly options: BackendSelectorOptions,
    private readonly maxCachedSlots: number = defaultCachedSlots,
  ) {}

  /**
   * Selectors built so far: one per distinct backend set while it stays cached, and for Maglev
   * only once the selector has selected.
   */
  get builds(): number {
    return this.buildCount;
  }

  /** The selector over `backends` (in any order), built once per distinct set of (DIP, weight). */
  selectorFor(backends: readonly MaglevBackend[]): BackendSelector {
    const key = backends
      .map((backend) => `${backend.dip >>> 0}:${backend.weight}`)
      .sort()
      .join(',');
    const cached = this.selectors.get(key);
    if (cached !== undefined) {
      this.selectors.delete(key);
      this.selectors.set(key, cached);
      return cached.selector;
    }
    const selector = this.deferredSelector(backends);
    // A modulo or rendezvous selector holds its DIP list and its key: about 64 bytes, 16 slots,
    // a DIP. Counting it as one slot let thousands of 2,000-DIP lists pile up in the cache.
    const slots =
      this.options.algorithm === 'maglev' && backends.length > 0
        ? this.options.maglevTableSize
        : Math.max(1, 16 * backends.length);
    this.selectors.set(key, { selector, slots });
    this.cachedSlots += slots;
    for (const [oldKey, old] of this.selectors) {
      if (this.cachedSlots <= this.maxCachedSlots || this.selectors.size <= 1) break;
      this.selectors.delete(oldKey);
      this.cachedSlots -= old.slots;
    }
    return selector;
  }

  /** A Maglev selector over a non-empty list that builds its table on its first selection; others built now. */
  private deferredSelector(backends: readonly MaglevBackend[]): BackendSelector {
    if (this.options.algorithm !== 'maglev' || backends.length === 0) return this.build(backends);
    checkMaglevInputs(backends, this.options.maglevTableSize);
    const list = backends.map(({ dip, weight }) => ({ dip, weight }));
    let built: BackendSelector | undefined;
    return {
      algorithm: 'maglev',
      select: (flowHash) => {
        built ??= this.build(list);
        return built.select(flowHash);
      },
    };
  }

  private build(backends: readonly MaglevBackend[]): BackendSelector {
    this.buildCount++;
    return createBackendSelector(backends, this.options);
  }
}
