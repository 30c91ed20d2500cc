/**
 * The scenario catalogue (docs/architecture.md#the-failure-mode-catalogue): every scenario meets its expectations — the broken
 * variants show their failure and the fixed ones the fix working; every failure mode of
 * docs/architecture.md#the-failure-mode-catalogue's table is there with a described broken and fixed variant; and `lbsim explain`
 * of each broken variant names its own failure mode.
 */

import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { failureModeIds, runScenario } from '@lbsim/scenario';
import { main } from '@lbsim/sim-cli';
import { describe, expect, it } from 'vitest';
import { catalogueScenarios, failureModeFolders, loadCatalogueScenario, repositoryRoot } from './support.ts';

/** The ids of docs/architecture.md#the-failure-mode-catalogue's table, in its order: the failure modes the catalogue must have. */
const designCatalogue = [
  'not-listening',
  'nsg-blocks-client',
  'nsg-blocks-probe',
  'probe-wrong-port',
  'rule-wrong-port',
  'http-probe-non-200',
  'tw-recycle',
  'multi-nic-route',
  'same-vm-hairpin',
  'ilb-self-mapping',
  'floating-ip-no-loopback',
  'five-tuple-multi-session',
  'idle-timeout',
  'udp-fragmentation',
  'encap-mtu',
  'snat-exhaustion',
  'mux-failure',
  'dip-removal',
  'all-probed-down',
] as const;

/** Entries of docs/architecture.md#the-failure-mode-catalogue being built elsewhere, with where. */
const pending: ReadonlyMap<string, string> = new Map();

const scenariosDirectory = join(repositoryRoot, 'scenarios');

describe('the scenario catalogue', () => {
  for (const name of catalogueScenarios()) {
    it(`${name} meets its expectations`, () => {
      const result = runScenario(loadCatalogueScenario(name));
      const unmet = result.expectations.filter((e) => !e.met).map((e) => `${e.description}: ${e.actual}`);
      expect(unmet).toEqual([]);
      expect(result.expectations.length).toBeGreaterThan(0);
      expect(result.status.kind).toBe('completed');
    });
  }
});

describe('the catalogue covers docs/architecture.md#the-failure-mode-catalogue', () => {
  for (const id of designCatalogue) {
    const why = pending.get(id);
    if (why !== undefined) {
      it.skip(`${id}: PENDING — ${why}`, () => {});
      continue;
    }
    it(`${id} has a broken and a fixed variant, each with a description`, () => {
      for (const variant of ['broken', 'fixed']) {
        expect(existsSync(join(scenariosDirectory, id, `${variant}.yaml`)), `${id}/${variant}.yaml`).toBe(true);
        expect(loadCatalogueScenario(`${id}/${variant}`).description.trim().length).toBeGreaterThan(40);
      }
    });
  }

  it('explanations know exactly the failure modes the catalogue has', () => {
    expect([...failureModeIds]).toEqual(failureModeFolders());
  });
});

describe('lbsim explain names the failure mode of each broken variant', () => {
  for (const id of failureModeFolders()) {
    it(`lbsim explain ${id} → ${id}`, async () => {
      let stdout = '';
      const code = await main(['explain', id, '--catalogue', scenariosDirectory], {
        stdout: (text) => (stdout += text),
        stderr: () => {},
        stderrIsTty: false,
      });
      expect(code).toBe(0);
      expect(stdout).toMatch(new RegExp(`^E\\d+ {2}.* → ${id}$`, 'm'));
    });
  }
});
