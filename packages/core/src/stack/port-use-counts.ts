/**
 * How many connections use each local port of an endpoint (TCP connections and TIME-WAIT
 * records): counted in typed-array pages of 256 ports, a page made when one of its ports is
 * first used. A `Map` from port to count cost a hash and, on deletion, table upkeep on every
 * connection's open and close (issue 20); one array of all 65,536 ports cost 256 KiB for each
 * of a run's endpoints, most of which use a handful of ports.
 */
export class PortUseCounts {
  private readonly pages: Array<Uint32Array | undefined> = new Array<Uint32Array | undefined>(256).fill(undefined);

  /** Connections using `port` (0..65535; 0 for any other number). */
  usesOf(port: number): number {
    return this.pages[port >>> 8]?.[port & 0xff] ?? 0;
  }

  /** One connection more uses `port` (0..65535; other numbers are ignored). */
  add(port: number): void {
    const index = port >>> 8;
    if (index >= 256) return;
    let page = this.pages[index];
    if (page === undefined) {
      page = new Uint32Array(256);
      this.pages[index] = page;
    }
    page[port & 0xff] = (page[port & 0xff] ?? 0) + 1;
  }

  /** One connection less uses `port`; no effect when none did. */
  remove(port: number): void {
    const page = this.pages[port >>> 8];
    const uses = page?.[port & 0xff] ?? 0;
    if (page !== undefined && uses > 0) page[port & 0xff] = uses - 1;
  }
}
