/**
 * What `lbsim validate` says of addresses Azure refuses, overlapping subnets, misspelt event
 * actions, missing keys, keys pasted from ARM templates and numbers past two maxima: each
 * problem once, located, in lbsim's words (never zod's).
 */
import { describe, expect, it } from 'vitest';
import * as z from 'zod';
import { type Diagnostic, formatDiagnostic, parseScenarioText } from '../src/index.ts';
import { scenarioIssueMessage } from '../src/schema/issue-messages.ts';

const base = `name: t
virtualNetwork:
  name: vnet
  addressSpace: [10.1.0.0/16]
  subnets:
    - { name: front, addressPrefix: 10.1.0.0/24 }
hosts:
  - name: host-a
    vms:
      - name: web-1
        nics: [{ ip: 10.1.0.4 }]
        listeners: [{ port: 80 }]
clients:
  - { name: c, ip: 203.0.113.7 }
loadBalancers:
  - name: lb
    frontends: [{ name: fe, ip: 52.0.0.1 }]
    backendPools: [{ name: web, members: [web-1] }]
    rules:
      - { name: r, frontend: fe, backendPool: web, protocol: Tcp, frontendPort: 80, backendPort: 80 }
traffic:
  - { from: c, to: 52.0.0.1:80 }
`;

function load(text: string): { readonly errors: string[]; readonly warnings: string[] } {
  const result = parseScenarioText(text, 'x.yaml');
  const lines = (diagnostics: readonly Diagnostic[]) => diagnostics.map(formatDiagnostic);
  return { errors: result.ok ? [] : lines(result.errors), warnings: lines(result.warnings) };
}

function replaced(from: string, to: string): string {
  expect(base).toContain(from);
  return base.replace(from, to);
}

describe('addresses Azure refuses', () => {
  it('the base scenario is valid', () => {
    expect(load(base)).toEqual({ errors: [], warnings: [] });
  });

  it('a loopback client address', () => {
    expect(load(replaced('ip: 203.0.113.7', 'ip: 127.0.0.1')).errors).toContain(
      'x.yaml:14:20  clients[0].ip  127.0.0.1 is a loopback address (127.0.0.0/8); an Internet client needs an address the Internet routes',
    );
  });

  it('0.0.0.0 for a NIC', () => {
    expect(load(replaced('ip: 10.1.0.4', 'ip: 0.0.0.0')).errors).toContain(
      'x.yaml:11:22  hosts[0].vms[0].nics[0].ip  0.0.0.0 is a "this network" address (0.0.0.0/8); Azure refuses it as a NIC address',
    );
  });

  it('multicast and broadcast frontend IPs', () => {
    const multicast = replaced('ip: 52.0.0.1 }', 'ip: 224.0.0.1 }').replace('to: 52.0.0.1:80', 'to: 224.0.0.1:80');
    expect(load(multicast).errors).toEqual([
      'x.yaml:17:33  loadBalancers[0].frontends[0].ip  224.0.0.1 is a multicast address (224.0.0.0/4); Azure refuses it as a frontend IP',
    ]);
    const broadcast = replaced('ip: 52.0.0.1 }', 'ip: 255.255.255.255 }').replace(
      'to: 52.0.0.1:80',
      'to: 255.255.255.255:80',
    );
    expect(load(broadcast).errors).toEqual([
      'x.yaml:17:33  loadBalancers[0].frontends[0].ip  255.255.255.255 is the broadcast address (255.255.255.255/32); Azure refuses it as a frontend IP',
    ]);
  });

  it('link-local and reserved (240.0.0.0/4) addresses', () => {
    expect(load(replaced('ip: 203.0.113.7', 'ip: 169.254.1.1')).errors[0]).toContain('a link-local address');
    expect(load(replaced('ip: 203.0.113.7', 'ip: 240.0.0.9')).errors[0]).toContain('a reserved address (240.0.0.0/4)');
  });

  it('the five addresses Azure keeps in each subnet', () => {
    for (const [ip, what] of [
      ['10.1.0.0', 'the network address'],
      ['10.1.0.1', 'the default gateway'],
      ['10.1.0.2', 'Azure DNS'],
      ['10.1.0.3', 'Azure DNS'],
      ['10.1.0.255', 'the broadcast address'],
    ] as const) {
      expect(load(replaced('ip: 10.1.0.4', `ip: ${ip}`)).errors).toEqual([
        `x.yaml:11:22  hosts[0].vms[0].nics[0].ip  ${ip} is ${what} of subnet "front" (10.1.0.0/24); Azure keeps the first four addresses and the last of each subnet`,
      ]);
    }
  });

  it('overlapping subnets, and subnets smaller than a /29', () => {
    const overlapping = replaced(
      '    - { name: front, addressPrefix: 10.1.0.0/24 }\n',
      '    - { name: front, addressPrefix: 10.1.0.0/24 }\n    - { name: back, addressPrefix: 10.1.0.128/25 }\n',
    );
    expect(load(overlapping).errors).toEqual([
      'x.yaml:7:36  virtualNetwork.subnets[1].addressPrefix  10.1.0.128/25 overlaps subnet "front" (10.1.0.0/24); Azure refuses overlapping subnets',
    ]);
    const tiny = replaced(
      '    - { name: front, addressPrefix: 10.1.0.0/24 }\n',
      '    - { name: front, addressPrefix: 10.1.0.0/24 }\n    - { name: tiny, addressPrefix: 10.1.9.0/30 }\n',
    );
    expect(load(tiny).errors).toEqual([
      "x.yaml:7:36  virtualNetwork.subnets[1].addressPrefix  10.1.9.0/30 is smaller than Azure's smallest subnet, a /29 (Azure keeps 5 addresses of each subnet)",
    ]);
  });

  it('an address space over a reserved range is an error; one holding 168.63.129.16 a warning', () => {
    expect(load(replaced('addressSpace: [10.1.0.0/16]', 'addressSpace: [10.1.0.0/16, 169.254.0.0/16]')).errors).toEqual(
      [
        'x.yaml:4:31  virtualNetwork.addressSpace[1]  169.254.0.0/16 overlaps 169.254.0.0/16 (the link-local range); Azure refuses it in an address space',
      ],
    );
    expect(load(replaced('addressSpace: [10.1.0.0/16]', 'addressSpace: [10.1.0.0/16, 168.63.0.0/16]'))).toEqual({
      errors: [],
      warnings: [
        "x.yaml:4:31  virtualNetwork.addressSpace[1]  warning: 168.63.0.0/16 holds 168.63.129.16, Azure's platform address (health probes, DNS, DHCP); Azure advises not to use the range containing it (docs/mechanics.md §2.3)",
      ],
    });
  });

  it('an address space with host bits set gets one error, not "outside the virtual network ()"', () => {
    expect(load(replaced('addressSpace: [10.1.0.0/16]', 'addressSpace: [10.1.0.1/16]')).errors).toEqual([
      'x.yaml:4:18  virtualNetwork.addressSpace[0]  10.1.0.1/16 has host bits set',
    ]);
  });
});

describe('messages in lbsim words', () => {
  it('a misspelt event action gets a did-you-mean; a missing one names the key and the actions', () => {
    const typo = `${base}events:\n  - { at: 1s, action: stop-listner, vm: web-1, port: 80 }\n`;
    expect(load(typo).errors).toEqual([
      'x.yaml:24:23  events[0].action  unknown action "stop-listner" (did you mean "stop-listener"?)',
    ]);
    const missing = `${base}events:\n  - { at: 1s, vm: web-1, port: 80 }\n`;
    expect(load(missing).errors[0]).toMatch(
      /^x\.yaml:24:5 {2}events\[0\]\.action {2}missing required key "action" \(one of "stop-listener", "start-listener", .*"delete-security-rule"\)$/,
    );
  });

  it('a missing key reads "missing required key", whatever its type', () => {
    const noName = replaced('      - name: web-1\n        nics', '      - nics');
    expect(load(noName).errors).toContain('x.yaml:10:9  hosts[0].vms[0].name  missing required key "name"');
    const noIp = replaced('{ name: c, ip: 203.0.113.7 }', '{ name: c }');
    expect(load(noIp).errors).toEqual(['x.yaml:14:5  clients[0].ip  missing required key "ip"']);
  });

  it('keys pasted from an ARM template are told the lbsim key', () => {
    const arm = replaced(
      '    backendPools: [{ name: web, members: [web-1] }]\n    rules:\n',
      '    backendAddressPools: [{ name: web }]\n    loadBalancingRules:\n',
    )
      .replace('frontends: [{', 'frontendIPConfigurations: [{')
      .replace('addressSpace: [10.1.0.0/16]', 'addressPrefixes: [10.1.0.0/16]');
    const errors = load(arm).errors;
    for (const [azure, lbsim] of [
      ['backendAddressPools', 'backendPools'],
      ['loadBalancingRules', 'rules'],
      ['frontendIPConfigurations', 'frontends'],
      ['addressPrefixes', 'addressSpace'],
    ]) {
      expect(
        errors.some((line) => line.endsWith(`unknown key "${azure}" (lbsim's key for Azure's ${azure} is "${lbsim}")`)),
        azure,
      ).toBe(true);
    }
    const rule = replaced('frontend: fe, backendPool: web,', 'frontendIPConfiguration: fe, backendAddressPool: web,');
    expect(load(rule).errors).toEqual(
      expect.arrayContaining([
        expect.stringContaining(
          'unknown key "frontendIPConfiguration" (lbsim\'s key for Azure\'s frontendIPConfiguration is "frontend")',
        ),
        expect.stringContaining(
          'unknown key "backendAddressPool" (lbsim\'s key for Azure\'s backendAddressPool is "backendPool")',
        ),
      ]),
    );
    const properties = replaced('  - name: lb\n', '  - name: lb\n    properties: {}\n');
    expect(load(properties).errors).toEqual([
      'x.yaml:17:5  loadBalancers[0].properties  unknown key "properties" (lbsim has no ARM "properties" wrapper: give its keys here directly)',
    ]);
  });

  it('a path that does not start with / gets a sentence, never "starts_with"', () => {
    const traffic = replaced('{ from: c, to: 52.0.0.1:80 }', '{ from: c, to: 52.0.0.1:80, path: index.html }');
    expect(load(traffic).errors).toEqual(['x.yaml:22:39  traffic[0].path  a path starts with /']);
    const probe = replaced(
      '    rules:',
      '    probes: [{ name: p, protocol: Http, port: 80, requestPath: health }]\n    rules:',
    );
    expect(load(probe).errors).toEqual([
      'x.yaml:19:64  loadBalancers[0].probes[0].requestPath  a requestPath starts with /',
    ]);
    for (const line of [...load(traffic).errors, ...load(probe).errors]) expect(line).not.toContain('starts_with');
  });

  it('the error map words string formats itself: no zod format name reaches a user', () => {
    const message = (schema: z.ZodType, value: unknown) =>
      schema.safeParse(value, { error: scenarioIssueMessage }).error?.issues[0]?.message;
    expect(message(z.string().startsWith('/'), 'x')).toBe('must start with "/", got "x"');
    expect(message(z.string().endsWith('.yaml'), 'x')).toBe('must end with ".yaml", got "x"');
    expect(message(z.cidrv4(), '10.0.0.0')).toBe('expected an IPv4 prefix such as 10.0.0.0/24, got "10.0.0.0"');
  });

  it('a number past both its maximum and the largest safe integer gets one message', () => {
    const huge = replaced('{ from: c, to: 52.0.0.1:80 }', '{ from: c, to: 52.0.0.1:80, connections: 1e18 }');
    expect(load(huge).errors).toEqual([
      'x.yaml:22:46  traffic[0].connections  must be at most 10000000, got 1000000000000000000',
    ]);
  });
});
