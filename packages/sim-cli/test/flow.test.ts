/**
 * `lbsim flow` answers from a run: on the catalogue's broken scenarios its verdict for a client's
 * connection is the failure mode `lbsim explain` gives that client's traffic, in text and JSON;
 * and it works on an Azure template imported in memory.
 */
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { NsgFlowVerdict } from '@lbsim/scenario';
import { describe, expect, it } from 'vitest';
import { lbsim } from './in-process.ts';

const fixtures = join(dirname(fileURLToPath(import.meta.url)), '../../../test/fixtures/azure');

/** The failure mode of the first connection explanation `lbsim explain` prints. */
async function explainedMode(id: string): Promise<string> {
  const explained = await lbsim('explain', id);
  const mode = /^E\d+ .*connections? .* → ([a-z0-9-]+)$/m.exec(explained.stdout)?.[1];
  expect(mode, explained.stdout).toBeDefined();
  return mode as string;
}

describe('lbsim flow agrees with lbsim explain', () => {
  it.each([
    ['nsg-blocks-client', '203.0.113.7', '52.170.10.20:80', 'timed-out'],
    ['probe-wrong-port', '203.0.113.7', '52.170.10.20:443', 'timed-out'],
    ['not-listening', '203.0.113.7', '52.170.10.20:80', 'refused'],
    ['same-vm-hairpin', '10.1.0.4', '52.170.10.20:80', 'timed-out'],
  ])('%s: the same failure mode, in text and JSON', async (id, from, to, outcome) => {
    const mode = await explainedMode(id);
    expect(mode).toBe(id);
    const text = await lbsim('flow', id, '--from', from, '--to', to);
    expect(text.code).toBe(1);
    expect(text.stdout).toMatch(new RegExp(`^verdict: .* → ${mode}$`, 'm'));
    expect(text.stdout).toMatch(new RegExp(`^outcome: ${outcome}`, 'm'));
    const json = await lbsim('flow', id, '--from', from, '--to', to, '--json');
    const report = JSON.parse(json.stdout) as { outcome: string; verdict: { failureMode: string }; hops: unknown[] };
    expect(report.verdict.failureMode).toBe(mode);
    expect(report.outcome).toBe(outcome);
    expect(report.hops.length).toBeGreaterThan(0);
  });

  it('nsg-blocks-client: the NSG verdict names the group, the denying rule, its priority and direction, as the Host Agent traced it', async () => {
    const json = await lbsim('flow', 'nsg-blocks-client', '--from', '203.0.113.7', '--to', '52.170.10.20:80', '--json');
    const report = JSON.parse(json.stdout) as {
      nsgVerdicts: NsgFlowVerdict[];
      firstDrop: { note: string };
    };
    expect(report.nsgVerdicts).toEqual([
      {
        atNs: expect.any(Number),
        vm: 'web-1',
        nic: 'web-1-nic0',
        direction: 'Inbound',
        flow: expect.stringMatching(/^TCP 203\.0\.113\.7:\d+ → 10\.1\.0\.4:80$/),
        access: 'Deny',
        groups: [
          {
            scope: 'subnet web',
            group: 'web-nsg',
            rule: 'DenyAllInBound',
            priority: 65500,
            defaultRule: true,
            access: 'Deny',
          },
        ],
      },
    ]);
    expect(report.firstDrop.note).toMatch(
      /^NSG web-nsg \(subnet web\): Inbound rule DenyAllInBound \(priority 65500, default rule\) denies/,
    );
    const text = await lbsim('flow', 'nsg-blocks-client', '--from', '203.0.113.7', '--to', '52.170.10.20:80');
    expect(text.stdout).toMatch(
      /^ {2}nsg: web-1 web-1-nic0 Inbound TCP 203\.0\.113\.7:\d+ → 10\.1\.0\.4:80: Deny \(subnet web: web-nsg rule DenyAllInBound, priority 65500 \(default rule\), Deny\)$/m,
    );
  });

  it('nsg-blocks-client/fixed: the allow is structured too, naming the rule that allowed it, in text and JSON', async () => {
    const args = ['flow', 'nsg-blocks-client/fixed', '--from', '203.0.113.7', '--to', '52.170.10.20:80'];
    const report = JSON.parse((await lbsim(...args, '--json')).stdout) as { nsgVerdicts: NsgFlowVerdict[] };
    expect(report.nsgVerdicts).toHaveLength(1);
    expect(report.nsgVerdicts[0]).toMatchObject({
      vm: expect.stringMatching(/^web-[12]$/),
      direction: 'Inbound',
      access: 'Allow',
      groups: [
        {
          scope: 'subnet web',
          group: 'web-nsg',
          rule: 'allow-partner-http',
          priority: 110,
          defaultRule: false,
          access: 'Allow',
        },
      ],
    });
    const text = await lbsim(...args);
    expect(text.stdout).toMatch(
      /^ {2}nsg: web-[12] web-[12]-nic0 Inbound TCP 203\.0\.113\.7:\d+ → 10\.1\.0\.[45]:80: Allow \(subnet web: web-nsg rule allow-partner-http, priority 110, Allow\)$/m,
    );
  });

  it('a VM as the source: its outbound verdict at its own NIC is reported beside the inbound one at the backend', async () => {
    const report = JSON.parse(
      (await lbsim('flow', 'nsg-blocks-client/fixed', '--from', '10.1.0.5', '--to', '52.170.10.20:80', '--json'))
        .stdout,
    ) as { nsgVerdicts: NsgFlowVerdict[] };
    expect(report.nsgVerdicts[0]).toMatchObject({
      vm: 'web-2',
      direction: 'Outbound',
      access: 'Allow',
      groups: [{ scope: 'subnet web', rule: 'AllowInternetOutBound', priority: 65001, defaultRule: true }],
    });
    // The backend's NSG judges the call as it arrives, SNATed from the frontend: the verdict and
    // the fix name that address, not the VM's own.
    expect(report.nsgVerdicts.find((verdict) => verdict.direction === 'Inbound')).toMatchObject({
      access: 'Deny',
      flow: expect.stringMatching(/^TCP 52\.170\.10\.20:\d+ → 10\.1\.0\.[45]:80$/),
    });
    const text = await lbsim('flow', 'nsg-blocks-client/fixed', '--from', '10.1.0.5', '--to', '52.170.10.20:80');
    expect(text.stdout).toContain("allows 52.170.10.20 (10.1.0.5's calls arrive SNATed from it) to Tcp port 80");
    expect(text.stdout).toMatch(
      /^fix: add an inbound rule to NSG web-nsg allowing Tcp from 52\.170\.10\.20 \(or its range\)/m,
    );
  });

  it('the fixed variant completes, exit 0, with no verdict', async () => {
    const text = await lbsim('flow', 'nsg-blocks-client/fixed', '--from', '203.0.113.7', '--to', '52.170.10.20:80');
    expect(text.stdout).toMatch(/^outcome: completed$/m);
    expect(text.stdout).not.toContain('verdict:');
    expect(text.code).toBe(0);
  });

  it('works on a template imported in memory: the quickstart internal load balancer serves a VM of its network', async () => {
    const template = join(fixtures, 'internal-loadbalancer-create', 'azuredeploy.json');
    const text = await lbsim('flow', template, '--from', '10.0.0.7', '--to', '10.0.0.6:80');
    expect(text.stdout).toContain('rule: internal-lb/LoadBalancerFrontend load-balancing rule lbrule (Tcp 80 → 80)');
    expect(text.stdout).toMatch(/probe internal-lb\/lbprobe: BackendVM0 10\.0\.0\.4 up/);
    expect(text.stdout).toMatch(/^outcome: completed$/m);
  });

  it('names a near miss when the port matches no rule', async () => {
    const text = await lbsim('flow', 'nsg-blocks-client/fixed', '--from', '203.0.113.7', '--to', '52.170.10.20:8080');
    expect(text.stdout).toContain('near miss: web-lb/fe load-balancing rule http: port 80, not 8080');
  });

  it.each([
    [['--from', 'nope', '--to', '52.170.10.20:80'], /--from takes ip or ip:port/],
    [['--from', '203.0.113.7', '--to', '52.170.10.20'], /--to takes ip:port/],
    [['--from', '203.0.113.7', '--to', '52.170.10.20:80', '--at', 'soon'], /startAt/],
  ])('bad input %j: exit 2 with one clear line', async (args, message) => {
    const outcome = await lbsim('flow', 'nsg-blocks-client', ...args);
    expect(outcome.code).toBe(2);
    expect(outcome.stderr).toMatch(message);
  });
});
