/**
 * Top-level `vms:` (one host per VM) beside or instead of `hosts:`, and ARM's key names
 * explained in validation errors with the lbsim key to use.
 */
import { describe, expect, it } from 'vitest';
import { parseScenarioText, runScenario } from '../src/index.ts';

const base = `
name: t
duration: 10s
loadBalancers:
  - name: lb
    frontends: [{ name: fe, ip: 52.170.10.20 }]
    backendPools: [{ name: pool, members: [web-1, web-2] }]
    rules: [{ name: http, frontend: fe, backendPool: pool, protocol: Tcp, frontendPort: 80, backendPort: 80 }]
clients: [{ name: c, ip: 203.0.113.7 }]
traffic: [{ from: c, to: 52.170.10.20:80, connections: 4 }]
networkSecurityGroups:
  - name: nsg
    securityRules: [{ name: http, priority: 100, direction: Inbound, access: Allow, protocol: Tcp, destinationPortRange: 80 }]
`;
const vm = (name: string, ip: string) =>
  `  - name: ${name}\n    nics: [{ ip: ${ip}, networkSecurityGroup: nsg }]\n    listeners: [{ port: 80 }]\n`;

describe('top-level vms', () => {
  it('each VM gets a host of its own, and the run serves through them', () => {
    const loaded = parseScenarioText(`${base}vms:\n${vm('web-1', '10.1.0.4')}${vm('web-2', '10.1.0.5')}`, 'x.yaml');
    expect(loaded.ok).toBe(true);
    if (!loaded.ok) return;
    expect(loaded.scenario.hosts.map((host) => [host.name, host.vms.map((v) => v.name)])).toEqual([
      ['host-web-1', ['web-1']],
      ['host-web-2', ['web-2']],
    ]);
    const result = runScenario(loaded.scenario);
    expect(result.connections.every((connection) => connection.outcome === 'completed')).toBe(true);
    expect(new Set(result.connections.flatMap((connection) => connection.servedBy)).size).toBe(2);
  });

  it('beside hosts: both kinds are in the run', () => {
    const text = `${base}hosts:\n  - name: h\n    vms:\n  ${vm('web-1', '10.1.0.4').replace(/\n {4}/g, '\n      ')}vms:\n${vm('web-2', '10.1.0.5')}`;
    const loaded = parseScenarioText(text, 'x.yaml');
    expect(loaded.ok ? loaded.scenario.hosts.map((host) => host.name) : loaded.errors).toEqual(['h', 'host-web-2']);
  });

  it('an error about a top-level VM points at its place under vms', () => {
    const loaded = parseScenarioText(`${base}vms:\n${vm('web-1', '10.1.0.4')}${vm('web-2', '10.1.0.4')}`, 'x.yaml');
    expect(loaded.ok).toBe(false);
    if (loaded.ok) return;
    expect(loaded.errors.some((error) => error.path.startsWith('vms[1]') && error.line !== undefined)).toBe(true);
  });

  it('no hosts and no vms: one clear error', () => {
    const loaded = parseScenarioText('name: t\n', 'x.yaml');
    expect(loaded.ok ? [] : loaded.errors.map((error) => error.message)).toEqual([
      'a scenario needs at least one VM: give vms (or hosts with their vms)',
    ]);
  });
});

describe('ARM key names in a load balancer', () => {
  it.each([
    ['frontendIPConfigurations', 'frontends'],
    ['backendAddressPools', 'backendPools'],
    ['loadBalancingRules', 'rules'],
  ])('%s is explained with %s', (armKey, key) => {
    const text = `name: t\nvms:\n${vm('web-1', '10.1.0.4')}loadBalancers:\n  - name: lb\n    frontends: [{ name: fe, ip: 52.170.10.20 }]\n    ${armKey}: []\n`;
    const loaded = parseScenarioText(text, 'x.yaml');
    expect(loaded.ok).toBe(false);
    if (loaded.ok) return;
    expect(loaded.errors.map((error) => error.message).join('\n')).toContain(key);
  });
});
