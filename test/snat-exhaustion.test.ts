/**
 * The snat-exhaustion catalogue entry (issue 7, docs/mechanics.md §2.8, §7.9 item 10), as a user
 * sees it through the CLI: the broken run fails the way Azure's guide describes — new
 * connections to one destination fail once every port carries a flow to it, and succeed again
 * as ports are released 240 s after FIN — and its summary says when and why; the fixes run
 * clean.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '@lbsim/sim-cli';
import { describe, expect, it } from 'vitest';
import { catalogueFile, loadCatalogueScenario, runWithTrace } from './support.ts';

async function lbsim(...argv: string[]): Promise<{ code: number; stdout: string }> {
  let stdout = '';
  const code = await main(argv, { stdout: (text) => (stdout += text), stderr: () => {}, stderrIsTty: false });
  return { code, stdout };
}

describe('snat-exhaustion', () => {
  it('broken: connections fail while all 64 ports are held, and succeed again once ports are released', () => {
    const { result, events } = runWithTrace(loadCatalogueScenario('snat-exhaustion/broken'));
    const calls = result.connections.filter((c) => c.traffic === 0);
    const ok = (c: (typeof calls)[number]) => c.outcome === 'completed';
    // The first 64 calls each take a port; every call started while all 64 are held fails.
    expect(calls.slice(0, 64).every(ok)).toBe(true);
    const held = calls.filter((c) => c.startedAtNs >= 65e9 && c.startedAtNs <= 225e9);
    expect(held.length).toBeGreaterThan(150);
    expect(held.every((c) => c.outcome === 'timed-out' && c.drops[0]?.reason === 'snat-ports-exhausted')).toBe(true);
    // After 240 s the first ports come free, one a second, and calls complete again. (Which of
    // the SYNs waiting at that moment wins a freed port — a new call's or a retransmission of an
    // older one — is a tie at the same nanosecond; the count, not the exact calls, is the point.)
    expect(calls.filter((c) => c.startedAtNs >= 241e9 && ok(c)).length).toBeGreaterThan(40);
    const snat = result.snat[0];
    expect(snat).toMatchObject({ vm: 'app-1', portLimit: 64, peakUsedPorts: 64, peakAllocatedPorts: 64 });
    expect(snat?.firstFailure?.atNs).toBe(65e9 + 10_000);
    // Released 240 s after the FIN of call 1 (at 1.0x s): its port takes a new flow right after.
    const firstPort = events.find((e) => e.kind === 'rewrite' && e.node === 'host-a' && e.note.includes('(new flow)'));
    expect(firstPort?.note).toMatch(/^SNAT 10\.1\.0\.4:\d+ → 52\.170\.20\.30:1024 \(new flow\)/);
    const reused = events.filter(
      (e) => e.kind === 'rewrite' && e.node === 'host-a' && e.note.includes('→ 52.170.20.30:1024 (new flow)'),
    );
    expect(reused).toHaveLength(2);
    expect(reused[1]?.atNs).toBeGreaterThan(241e9);
    expect(reused[1]?.atNs).toBeLessThan(243e9);
  });

  it('broken: the summary shows the port-use curve and says when and why connections began to fail', async () => {
    const { code, stdout } = await lbsim('run', catalogueFile('snat-exhaustion/broken'));
    expect(code).toBe(0);
    expect(stdout).toContain(
      'SNAT (outbound connections per VM NIC)\n  app-1 10.1.0.4 TCP via egress-lb/workers-out (52.170.20.30): ',
    );
    expect(stdout).toMatch(/\(52\.170\.20\.30\): 1[2-3]\d flows, up to 64 ports\n/);
    expect(stdout).toMatch(/ {4}ports in use │▁[▁-█]+█{40,}│ 0–320 s, █ = 64\n/);
    expect(stdout).toMatch(/ {4}no port {6}│·{12}[▁-█]/);
    expect(stdout).toContain(
      '    new connections began to fail at 65.000010000 s: no SNAT port free for TCP 10.1.0.4:',
    );
    expect(stdout).toMatch(
      /all 64 TCP ports app-1 may hold \(egress-lb\/workers-out\) carry a flow to 203\.0\.113\.50:80 — in use, or held 240 s after FIN \/ 15 s after RST/,
    );
    expect(stdout).toMatch(/found no free port \(snat-ports-exhausted\) from 65\.000010000 s until [23]\d\d\.\d+ s/);
    expect(stdout).toMatch(
      /connection 65 \(port \d+\) timed-out: 4 packets dropped, first at 65\.000010000 s by host-a \(snat-ports-exhausted\)/,
    );
  });

  for (const variant of ['fixed', 'fixed-more-ports']) {
    it(`${variant}: every call completes and every new flow finds a port`, async () => {
      const { code, stdout } = await lbsim('run', catalogueFile(`snat-exhaustion/${variant}`));
      expect(code).toBe(0);
      expect(stdout).toContain('    every new flow found a port');
      expect(stdout).toContain('Drops\n  none: every packet was delivered');
    });
  }

  it('reusing one connection needs one port; more ports leave room under the 240 s hold', () => {
    const reuse = runWithTrace(loadCatalogueScenario('snat-exhaustion/fixed')).result.snat[0];
    expect([reuse?.flows, reuse?.peakUsedPorts]).toEqual([1, 1]);
    const more = runWithTrace(loadCatalogueScenario('snat-exhaustion/fixed-more-ports')).result.snat[0];
    expect(more?.peakUsedPorts).toBeGreaterThan(230);
    expect(more?.peakUsedPorts).toBeLessThan(250);
  });

  it('the report draws the port use over time with the first failure marked', async () => {
    const page = join(mkdtempSync(join(tmpdir(), 'lbsim-snat-')), 'report.html');
    expect((await lbsim('run', catalogueFile('snat-exhaustion/broken'), '--report', page)).code).toBe(0);
    const html = readFileSync(page, 'utf8');
    expect(html).toContain('<h2>SNAT port use over time</h2>');
    expect(html).toContain('<svg class="snat-chart"');
    expect(html).toMatch(/<line class="failure" x1="[\d.]+"/);
    expect(html).not.toContain('id="no-snat"');
  });
});
