/**
 * The failure modes of the Host Agent and the guest (issue 5): each catalogue entry's broken
 * variant fails the way the troubleshooting guides describe and its summary names the failure
 * in words; each fixed variant runs clean. Through the CLI, as a user sees it.
 */
import { main } from '@lbsim/sim-cli';
import { describe, expect, it } from 'vitest';
import { catalogueFile, loadCatalogueScenario, runWithTrace } from './support.ts';

async function summaryOf(name: string): Promise<{ code: number; stdout: string }> {
  let stdout = '';
  const code = await main(['run', catalogueFile(name)], {
    stdout: (text) => (stdout += text),
    stderr: () => {},
    stderrIsTty: false,
  });
  return { code, stdout };
}

/** The Failures section of a summary ('' when there is none). */
function failuresOf(summary: string): string {
  const start = summary.indexOf('\nFailures\n');
  return start === -1 ? '' : summary.slice(start, summary.indexOf('\nDrops\n'));
}

const broken: ReadonlyArray<readonly [string, RegExp]> = [
  ['not-listening/broken', /refused: 1 packet dropped, .* by web-\d \(no-listener\): nothing listens on TCP port 8080/],
  [
    'nsg-blocks-client/broken',
    /timed-out: 4 packets dropped, .* by host-[ab] \(nsg-denied\): NSG web-nsg \(subnet web\): Inbound rule DenyAllInBound \(priority 65500, default rule\) denies TCP 203\.0\.113\.7:\d+ → 10\.1\.0\.[45]:80/,
  ],
  [
    'nsg-blocks-client/broken-no-nsg',
    /\(standard-lb-closed\): web-\d-nic0 and its subnet have no NSG: a Standard public load balancer's frontend 52\.170\.10\.20 is closed/,
  ],
  [
    'same-vm-hairpin/broken',
    /timed-out, mapped back to its source: 4 packets dropped, .* by host-a \(hairpin-same-nic\): TCP 10\.1\.0\.4:\d+ → 52\.170\.10\.20:80 came back to web-1-nic0/,
  ],
  [
    'ilb-self-mapping/broken',
    /timed-out, mapped back to its source: 4 packets dropped, .* by web-1 \(martian-source\): 10\.1\.0\.4 → 10\.1\.0\.4: the source is web-1's own address/,
  ],
  ['ilb-self-mapping/broken-source-ip', /timed-out, mapped back to its source: .* by web-2 \(martian-source\)/],
  [
    'floating-ip-no-loopback/broken',
    /timed-out: 4 packets dropped, .* by web-\d \(not-local-address\): destination 52\.170\.10\.20 is not an address of web-\d \(on no NIC and no loopback; with floating IP the frontend IP must be on loopback\)/,
  ],
  [
    'floating-ip-no-loopback/broken-windows-strong-host',
    /\(strong-host-receive\): 52\.170\.10\.20 is on web-\d's loopback, but the packet arrived on web-\d-nic0/,
  ],
  ['multi-nic-route/broken', /timed-out: .* by mux-\d \(no-healthy-dip\): rule web-lb\/http has no DIP/],
];

const fixed = [
  'not-listening/fixed',
  'nsg-blocks-client/fixed',
  'same-vm-hairpin/fixed',
  'same-vm-hairpin/fixed-second-nic',
  'ilb-self-mapping/fixed',
  'ilb-self-mapping/fixed-floating-ip',
  'floating-ip-no-loopback/fixed',
  'floating-ip-no-loopback/fixed-loopback',
  'ilb-self-mapping/fixed-proxy',
  'rule-wrong-port/fixed',
  'floating-ip-no-loopback/fixed-windows-weak-host',
  'multi-nic-route/fixed',
];

describe('failure modes of the host and the guest', () => {
  for (const [name, failure] of broken) {
    it(`${name}: fails, and the summary says why`, async () => {
      const { code, stdout } = await summaryOf(name);
      expect(code).toBe(0);
      expect(failuresOf(stdout)).toMatch(failure);
    });
  }

  for (const name of fixed) {
    it(`${name}: every connection succeeds and nothing is dropped`, async () => {
      const { code, stdout } = await summaryOf(name);
      expect(code).toBe(0);
      expect(failuresOf(stdout)).toBe('');
      expect(stdout).toContain('Drops\n  none: every packet was delivered');
    });
  }
});

describe('ilb-self-mapping reports which connections failed and why', () => {
  it('under Default, the failed fraction is the share mapped back to the source, and the summary says so', async () => {
    const { result } = runWithTrace(loadCatalogueScenario('ilb-self-mapping/broken'));
    const mine = result.connections.filter((c) => c.traffic === 0);
    const failed = mine.filter((c) => c.outcome === 'timed-out');
    expect(failed.length).toBeGreaterThan(0);
    expect(failed.length).toBeLessThan(mine.length);
    // Failures are exactly the connections a Mux sent back to web-1's own DIP.
    expect(mine.map((c) => c.outcome === 'timed-out')).toEqual(mine.map((c) => c.mappedToSource));
    expect(mine.every((c) => c.mappedToSource === c.dips.includes('10.1.0.4'))).toBe(true);
    const { stdout } = await summaryOf('ilb-self-mapping/broken');
    const percent = `${Math.round((failed.length / mine.length) * 1000) / 10}%`;
    expect(stdout).toContain(`timed-out ${String(failed.length).padStart(8)}  ${percent}`);
    expect(stdout).toContain(
      `mapped back to web-1 itself: ${failed.length} of ${mine.length} (${percent}): timed-out ×${failed.length}`,
    );
  });

  it('under SourceIP, each backend fails always or never', () => {
    const { result } = runWithTrace(loadCatalogueScenario('ilb-self-mapping/broken-source-ip'));
    const outcomes = result.traffic.map((item) => item.outcomes.map(([outcome]) => outcome));
    expect(outcomes).toEqual([['completed'], ['timed-out'], ['completed']]);
    expect(result.traffic.map((item) => item.mappedToSource.count)).toEqual([0, 10, 0]);
  });
});

describe('ilb-self-mapping/broken-public-lb: the public load balancer, both halves', () => {
  it('no connection fails the internal way; the failures are the same VM and NIC and, under the burst, SNAT exhaustion', () => {
    const { result } = runWithTrace(loadCatalogueScenario('ilb-self-mapping/broken-public-lb'));
    const calls = result.connections.filter((c) => c.traffic === 0);
    // Calls that reach another backend complete: they left through SNAT and came back through the Muxes.
    expect(calls.filter((c) => !c.mappedToSource).every((c) => c.outcome === 'completed')).toBe(true);
    expect(result.drops.some((drop) => drop.reason === 'martian-source')).toBe(false);
    const reasons = new Set(
      result.connections.filter((c) => c.outcome !== 'completed').flatMap((c) => c.drops.map((d) => d.reason)),
    );
    expect([...reasons].sort()).toEqual(['hairpin-same-nic', 'snat-ports-exhausted']);
  });

  it('lbsim explain names both, each with its source', async () => {
    let stdout = '';
    await main(['explain', catalogueFile('ilb-self-mapping/broken-public-lb')], {
      stdout: (text) => (stdout += text),
      stderr: () => {},
      stderrIsTty: false,
    });
    expect(stdout).toMatch(/→ same-vm-hairpin\n/);
    expect(stdout).toMatch(/→ snat-exhaustion\n/);
    const flat = stdout.replace(/\s+/g, ' ');
    expect(flat).toContain('unsupported in Azure, and the Host Agent drops it (docs/mechanics.md §2.5)');
    expect(flat).toContain(
      '"prone to SNAT exhaustion" (docs/mechanics.md §2.5, https://learn.microsoft.com/azure/load-balancer/load-balancer-troubleshoot-backend-traffic)',
    );
  });
});
