/**
 * `lbsim import` on templates derived from Azure's quickstarts (test/fixtures/azure, each
 * folder's SOURCE.md says where it came from), on az CLI JSON and on `terraform show -json`:
 * the scenario is written, validates and runs, and its numbers equal the input's.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { importAzure } from '@lbsim/azure-import';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { lbsim } from './in-process.ts';

const fixtures = join(dirname(fileURLToPath(import.meta.url)), '../../../test/fixtures/azure');
const temporary = mkdtempSync(join(tmpdir(), 'lbsim-import-'));

// biome-ignore lint/suspicious/noExplicitAny: the test walks JSON of many shapes
type Json = Record<string, any>;
const readJson = (file: string): Json => JSON.parse(readFileSync(file, 'utf8')) as Json;

async function importFixture(
  folder: string,
  extra: string[] = [],
): Promise<{ file: string; scenario: Json; stderr: string }> {
  const out = join(temporary, `${folder}.yaml`);
  const template = join(fixtures, folder, 'azuredeploy.json');
  const parameters = join(fixtures, folder, 'azuredeploy.parameters.json');
  const args = ['import', template, '-o', out, ...extra];
  try {
    readFileSync(parameters);
    args.push('--parameters', parameters);
  } catch {}
  const outcome = await lbsim(...args);
  expect(outcome.stderr).toContain('it validates');
  expect(outcome.code).toBe(0);
  return { file: out, scenario: parse(readFileSync(out, 'utf8')) as Json, stderr: outcome.stderr };
}

/** The template's load balancer resource (literal parts only: the numbers are literals). */
function templateLoadBalancer(folder: string): Json {
  const template = readJson(join(fixtures, folder, 'azuredeploy.json'));
  return (template['resources'] as Json[]).find((r) => r['type'] === 'Microsoft.Network/loadBalancers') as Json;
}

/** The numbers of the template's probes and rules equal the scenario's. */
function expectSameNumbers(folder: string, scenario: Json): void {
  const armLb = templateLoadBalancer(folder)['properties'] as Json;
  const lb = (scenario['loadBalancers'] as Json[])[0] as Json;
  for (const [i, probe] of ((armLb['probes'] ?? []) as Json[]).entries()) {
    const mapped = (lb['probes'] as Json[])[i] as Json;
    for (const key of ['protocol', 'port', 'intervalInSeconds', 'numberOfProbes', 'probeThreshold', 'requestPath']) {
      expect(mapped[key], `probe ${key}`).toEqual(probe['properties'][key]);
    }
  }
  for (const [i, rule] of ((armLb['loadBalancingRules'] ?? []) as Json[]).entries()) {
    const mapped = (lb['rules'] as Json[])[i] as Json;
    for (const key of [
      'protocol',
      'frontendPort',
      'backendPort',
      'idleTimeoutInMinutes',
      'enableTcpReset',
      'disableOutboundSnat',
    ]) {
      expect(mapped[key], `rule ${key}`).toEqual(rule['properties'][key]);
    }
    expect(mapped['enableFloatingIP'] ?? false).toBe(rule['properties']['enableFloatingIP'] ?? false);
    expect(mapped['loadDistribution'] ?? 'Default').toBe(rule['properties']['loadDistribution'] ?? 'Default');
  }
  for (const [i, nat] of ((armLb['inboundNatRules'] ?? []) as Json[]).entries()) {
    const mapped = (lb['inboundNatRules'] as Json[])[i] as Json;
    for (const key of ['protocol', 'frontendPort', 'backendPort']) expect(mapped[key]).toEqual(nat['properties'][key]);
  }
  for (const [i, outbound] of ((armLb['outboundRules'] ?? []) as Json[]).entries()) {
    const mapped = (lb['outboundRules'] as Json[])[i] as Json;
    for (const key of ['protocol', 'allocatedOutboundPorts', 'idleTimeoutInMinutes', 'enableTcpReset']) {
      expect(mapped[key]).toEqual(outbound['properties'][key]);
    }
  }
}

describe('lbsim import of quickstart templates', () => {
  it('internal-loadbalancer-create: dynamic NICs get .4 and .5, the rule and probe keep their numbers, the caller is served', async () => {
    const { file, scenario, stderr } = await importFixture('internal-loadbalancer-create');
    expectSameNumbers('internal-loadbalancer-create', scenario);
    const ips = (scenario['vms'] as Json[]).map((vm) => [vm['name'], vm['nics'][0]['ip']]);
    expect(ips).toContainEqual(['BackendVM0', '10.0.0.4']);
    expect(ips).toContainEqual(['BackendVM1', '10.0.0.5']);
    expect(stderr).toContain('Dynamic private IP → 10.0.0.4');
    expect(stderr).toMatch(/natGateways lb-nat-gateway: NAT gateway/);
    expect((await lbsim('validate', file)).code).toBe(0);
    const run = await lbsim('run', file);
    expect(run.stdout).toContain('All expectations met');
    expect(run.code).toBe(0);
  });

  it('load-balancer-standard-create: NSG, outbound rule, TCP reset and SNAT settings are imported and the clients are served', async () => {
    const { file, scenario } = await importFixture('load-balancer-standard-create');
    expectSameNumbers('load-balancer-standard-create', scenario);
    const nsg = (scenario['networkSecurityGroups'] as Json[])[0] as Json;
    expect(nsg['name']).toBe('demo-nsg');
    expect(nsg['securityRules'][0]).toMatchObject({
      name: 'AllowHTTPInbound',
      priority: 100,
      access: 'Allow',
      direction: 'Inbound',
      sourceAddressPrefix: 'Internet',
      destinationPortRange: '80',
    });
    const run = await lbsim('run', file);
    expect(run.stdout).toContain('All expectations met');
  });

  it.each(['2-vms-loadbalancer-lbrules', 'loadbalancer-with-nat-rule'])(
    '%s: a template without sku imports as Basic, retired and how to upgrade said; open without an NSG, the clients reach both backends',
    async (folder) => {
      const { file, scenario, stderr } = await importFixture(folder);
      expectSameNumbers(folder, scenario);
      expect((scenario['loadBalancers'] as Json[])[0]?.['sku']).toBe('Basic');
      expect(scenario['networkSecurityGroups'] ?? []).toEqual([]);
      expect(stderr).toContain("Basic, Azure's default");
      expect(stderr).toContain('retired on 30 September 2025');
      expect(stderr).toContain('load-balancer-basic-upgrade-guidance');
      const run = await lbsim('run', file, '--json');
      expect(run.code).toBe(0);
      const lines = run.stdout
        .trim()
        .split('\n')
        .map((line) => JSON.parse(line) as Json);
      const summary = lines.find((line) => line['type'] === 'summary') as Json;
      expect(summary['expectationsMet']).toBe(true);
      expect(summary['drops']).toEqual([]);
      // Every VM of the template serves: the rule's connections, or each VM's own NAT rule.
      const connections = lines.filter((line) => line['type'] === 'connection');
      expect(connections.every((c) => c['outcome'] === 'completed')).toBe(true);
      const served = new Set(connections.flatMap((c) => c['servedBy'] as string[]));
      const dips = (scenario['vms'] as Json[]).map((vm) => vm['nics'][0]['ip'] as string);
      expect([...served].sort()).toEqual([...dips].sort());
    },
  );

  it('the same quickstart as Standard without an NSG: closed, the clients never reach the backends', async () => {
    const { file } = await importFixture('2-vms-loadbalancer-lbrules', ['--force']);
    const text = readFileSync(file, 'utf8').replace(/^(\s+)sku: Basic$/m, '$1sku: Standard');
    const standard = join(temporary, 'standard-without-nsg.yaml');
    writeFileSync(standard, text);
    const run = await lbsim('run', standard);
    expect(run.code).toBe(1);
    expect(run.stdout).toContain('standard-lb-closed');
  });

  it('reports an unevaluable expression by its path and a missing parameter by name', async () => {
    const template = readJson(join(fixtures, '2-vms-loadbalancer-lbrules', 'azuredeploy.json'));
    template['resources'][4]['properties']['probes'][0]['properties']['port'] = "[listKeys('x', '2020-01-01').port]";
    const result = importAzure([{ file: 't.json', text: JSON.stringify(template) }]);
    expect(result.problems).toContainEqual({
      path: 't.json:resources[4].properties.probes[0].properties.port',
      message: "cannot evaluate: function 'listKeys' is not supported by lbsim import",
    });
  });

  it('never overwrites an existing file without --force', async () => {
    const out = join(temporary, 'existing.yaml');
    writeFileSync(out, 'mine\n');
    const template = join(fixtures, 'loadbalancer-with-nat-rule', 'azuredeploy.json');
    const refused = await lbsim('import', template, '-o', out);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('--force');
    expect(readFileSync(out, 'utf8')).toBe('mine\n');
    const forced = await lbsim('import', template, '-o', out, '--force');
    expect(forced.code).toBe(0);
    expect(readFileSync(out, 'utf8')).toContain('loadBalancer1');
  });
});

describe('lbsim import of az CLI and Terraform JSON', () => {
  it('az network lb/nic/nsg/vnet show output: the public IP, HTTP probe, SourceIP rule and NSG are imported and served', async () => {
    const out = join(temporary, 'az.yaml');
    const files = ['lb.json', 'nics.json', 'nsg.json', 'vnet.json', 'public-ip.json'].map((f) =>
      join(fixtures, 'az-cli', f),
    );
    const outcome = await lbsim('import', ...files, '-o', out);
    expect(outcome.code).toBe(0);
    const scenario = parse(readFileSync(out, 'utf8')) as Json;
    const lb = (scenario['loadBalancers'] as Json[])[0] as Json;
    expect(lb['frontends'][0]).toEqual({ name: 'fe', ip: '20.61.15.7' });
    expect(lb['backendPools'][0]).toEqual({ name: 'web-pool', members: ['web-1', 'web-2'] });
    expect(lb['probes'][0]).toMatchObject({
      protocol: 'Http',
      port: 80,
      requestPath: '/healthz',
      probeThreshold: 2,
      numberOfProbes: 1,
    });
    expect(lb['rules'][0]).toMatchObject({
      frontendPort: 443,
      backendPort: 8443,
      idleTimeoutInMinutes: 10,
      loadDistribution: 'SourceIP',
      enableTcpReset: true,
    });
    expect((await lbsim('run', out)).stdout).toContain('All expectations met');
  });

  it('az network lb show alone: imported with warnings, exit 0 is not claimed when nothing validates', async () => {
    const outcome = await lbsim('import', join(fixtures, 'az-cli', 'lb.json'), '-o', join(temporary, 'lb-only.yaml'));
    expect(outcome.code).toBe(0);
    expect(outcome.stderr).toContain('does not validate yet');
  });

  it('terraform show -json state: internal LB, pool associations, probe and NSG association are imported and served', async () => {
    const out = join(temporary, 'tf.yaml');
    const outcome = await lbsim('import', join(fixtures, 'terraform', 'show.json'), '-o', out);
    expect(outcome.code).toBe(0);
    expect(outcome.stderr).toContain('azurerm_storage_account.logs: azurerm_storage_account is not imported');
    const scenario = parse(readFileSync(out, 'utf8')) as Json;
    const lb = (scenario['loadBalancers'] as Json[])[0] as Json;
    expect(lb).toMatchObject({ name: 'app-ilb', type: 'internal' });
    expect(lb['probes'][0]).toMatchObject({ port: 8080, intervalInSeconds: 10, numberOfProbes: 3, probeThreshold: 2 });
    expect(lb['rules'][0]).toMatchObject({ idleTimeoutInMinutes: 30, loadDistribution: 'SourceIPProtocol' });
    expect(lb['backendPools'][0]['members']).toEqual(['app-1', 'app-2']);
    expect((scenario['virtualNetwork'] as Json)['subnets'][0]).toMatchObject({
      name: 'app',
      networkSecurityGroup: 'app-nsg',
    });
    expect((await lbsim('run', out)).stdout).toContain('All expectations met');
  });
});

describe('terraform plan', () => {
  it('a saved plan has no ids yet: references are read from the configuration', async () => {
    const state = readJson(join(fixtures, 'terraform', 'show.json'));
    const strip = (values: Json) =>
      Object.fromEntries(
        Object.entries(values).filter(([key]) => key !== 'id' && !key.endsWith('_id') && !key.endsWith('_ids')),
      );
    const resources = (state['values']['root_module']['resources'] as Json[]).map((r) => ({
      ...r,
      values: strip(r['values']),
    }));
    // A plan's configuration names each resource once, without the count index, and so do its references.
    const all = state['values']['root_module']['resources'] as Json[];
    const bare = (address: string) => address.replace(/\[\d+\]$/, '');
    const references: Json[] = all.map((r) => {
      const expressions: Json = {};
      for (const [key, value] of Object.entries(r['values'] as Json)) {
        const id = Array.isArray(value) ? value[0] : value;
        if (typeof id !== 'string' || !(key.endsWith('_id') || key.endsWith('_ids'))) continue;
        const target = all.find((o) => o['values']['id'] === id);
        if (target !== undefined)
          expressions[key] = { references: [`${bare(target['address'])}.id`, bare(target['address'])] };
      }
      return { address: bare(r['address']), expressions };
    });
    const plan = {
      format_version: '1.2',
      planned_values: { root_module: { resources } },
      configuration: { root_module: { resources: references } },
    };
    const result = importAzure([{ file: 'plan.json', text: JSON.stringify(plan) }]);
    const lb = (result.scenario['loadBalancers'] as Json[])[0] as Json;
    expect(lb['rules'][0]).toMatchObject({ backendPool: 'app-pool', probe: 'app-probe', frontend: 'app-fe' });
    expect(lb['backendPools'][0]['members']).toEqual(['app-1', 'app-2']);
  });
});

describe('lbsim import on bad input', () => {
  it.each([
    ['not JSON', '{ nope'],
    ['JSON of something else', '{"hello": 1}'],
    [
      'an empty template',
      '{"$schema":"https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#","resources":[]}',
    ],
    [
      'a template of storage only',
      '{"contentVersion":"1.0.0.0","resources":[{"type":"Microsoft.Storage/storageAccounts","name":"x"}]}',
    ],
    ['a resource that is a number', '{"contentVersion":"1.0.0.0","resources":[3, {"type": 5, "name": ["x"]}]}'],
    [
      'a broken expression',
      '{"contentVersion":"1.0.0.0","resources":[{"type":"Microsoft.Network/loadBalancers","name":"[concat(\'a\']","properties":{}}]}',
    ],
    [
      'a huge copy count',
      '{"contentVersion":"1.0.0.0","resources":[{"type":"Microsoft.Network/networkInterfaces","name":"n","copy":{"name":"c","count":100000000}}]}',
    ],
  ])('%s: exit 0 or 2 with the problem by path, never a stack trace', async (_name, text) => {
    const file = join(temporary, 'bad.json');
    writeFileSync(file, text);
    const outcome = await lbsim('import', file, '-o', join(temporary, 'bad-out.yaml'), '--force');
    expect([0, 2]).toContain(outcome.code);
    expect(outcome.stderr).not.toMatch(/\n\s+at .*\(.*:\d+:\d+\)/);
    expect(outcome.stderr).toMatch(/bad\.json/);
  });

  it('a missing file is exit 2 with one line', async () => {
    const outcome = await lbsim('import', join(temporary, 'absent.json'));
    expect(outcome.code).toBe(2);
    expect(outcome.stderr).toMatch(/^lbsim: cannot read .*absent\.json: ENOENT/);
  });
});
