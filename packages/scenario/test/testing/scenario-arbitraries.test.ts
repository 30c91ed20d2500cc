import { propertyTimeoutMs, scaledRuns } from '@lbsim/core/testing';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { parseScenarioText } from '../../src/index.ts';
import { arbitraryScenario } from '../../src/testing/index.ts';

describe('arbitraryScenario', () => {
  it('makes scenarios that load as written, without warnings, and keep to the constraints', {
    timeout: propertyTimeoutMs(),
  }, () => {
    fc.assert(
      fc.property(
        arbitraryScenario({ maxHosts: 2, maxVmsPerHost: 1, maxRules: 2, maxConnections: 3, types: ['internal'] }),
        ({ document, scenario }) => {
          const loaded = parseScenarioText(stringify(document), 'generated.yaml');
          expect(loaded.ok && loaded.warnings).toEqual([]);
          expect(loaded.ok && loaded.scenario).toEqual(scenario);
          const backendHosts = scenario.hosts.filter((host) => host.name !== 'client-host');
          expect(backendHosts.length).toBeLessThanOrEqual(2);
          for (const host of backendHosts) expect(host.vms).toHaveLength(1);
          for (const lb of scenario.loadBalancers) {
            expect(lb.type).toBe('internal');
            expect(lb.rules.length).toBeLessThanOrEqual(2);
          }
          for (const item of scenario.traffic) {
            expect(item.connections).toBeLessThanOrEqual(3);
            expect(item.from).toMatch(/^client-vm-\d$/);
          }
        },
      ),
      { numRuns: scaledRuns(50) },
    );
  });

  it('gives every floating-IP backend its frontend on loopback and a listener on each backend port', {
    timeout: propertyTimeoutMs(),
  }, () => {
    fc.assert(
      fc.property(arbitraryScenario({ missingListeners: false }), ({ scenario }) => {
        const vms = new Map(scenario.hosts.flatMap((host) => host.vms.map((vm) => [vm.name, vm] as const)));
        for (const lb of scenario.loadBalancers) {
          for (const rule of lb.rules) {
            for (const member of lb.backendPools[0]?.members ?? []) {
              const vm = vms.get(typeof member === 'string' ? member : member.name);
              expect(vm?.listeners.some((l) => l.protocol === rule.protocol && l.port === rule.backendPort)).toBe(true);
              if (rule.enableFloatingIP) expect(vm?.loopbacks).toContain(lb.frontends[0]?.ip);
            }
          }
        }
      }),
      { numRuns: scaledRuns(50) },
    );
  });

  it('prints a counterexample as the YAML file it is', () => {
    const [generated] = fc.sample(arbitraryScenario(), { numRuns: 1, seed: 1 });
    const printed = fc.stringify(generated);
    expect(printed.startsWith('\nname: generated\n')).toBe(true);
    expect(parseScenarioText(printed, 'printed.yaml').ok).toBe(true);
  });

  it('refuses impossible constraints with a message naming them', () => {
    expect(() => arbitraryScenario({ maxRules: 0 })).toThrow('arbitraryScenario: maxRules must be at least 1');
    expect(() => arbitraryScenario({ protocols: [] })).toThrow('arbitraryScenario: protocols must not be empty');
  });
});
