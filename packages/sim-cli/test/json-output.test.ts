/**
 * `lbsim run --json`: one JSON object per line, trace lines first and the summary last, every
 * field documented in docs/json-output.md, the same bytes on every run, and the same packets
 * as the text trace.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { lbsim } from './in-process.ts';

const root = join(import.meta.dirname, '../../..');
const files = [
  join(root, 'scenarios/basic-public-lb.yaml'),
  join(root, 'scenarios/udp-fragmentation/broken.yaml'),
  join(root, 'scenarios/floating-ip-no-loopback/broken.yaml'),
  join(root, 'scenarios/snat-exhaustion/broken.yaml'),
];

type Line = Record<string, unknown>;

function parseLines(stdout: string): Line[] {
  return stdout
    .trimEnd()
    .split('\n')
    .map((line) => JSON.parse(line) as Line);
}

/** Fields whose values are maps (keys are data, not field names). */
const mapFields = new Set(['outcomes', 'dips', 'dipsRefused', 'dipsUnanswered', 'muxes', 'dipNames']);

/** Every field path of a line: `packet.tcp.flags`, `drops[].reason`; IP-in-IP's inner packet as `packet`. */
function fieldPaths(value: unknown, prefix: string, into: Set<string>): void {
  if (Array.isArray(value)) {
    for (const element of value)
      if (typeof element === 'object' && element !== null) fieldPaths(element, `${prefix}[]`, into);
    return;
  }
  if (typeof value !== 'object' || value === null) return;
  for (const [key, child] of Object.entries(value)) {
    const path = prefix === '' ? key : `${prefix}.${key}`;
    into.add(path);
    if (key === 'inner') fieldPaths(child, 'packet', into);
    else if (!mapFields.has(key)) fieldPaths(child, path, into);
  }
}

/** Field names documented per line type: the first column of each table, by section. */
function documentedFields(): Map<string, Set<string>> {
  const doc = readFileSync(join(root, 'docs/json-output.md'), 'utf8');
  const sections = new Map<string, Set<string>>();
  let current = 'every';
  for (const line of doc.split('\n')) {
    const heading = /^##+ (?:`(\w+)`|Fields of every line)/.exec(line);
    if (heading !== null) {
      current = heading[1] === 'packet' ? 'trace' : (heading[1] ?? 'every');
      if (!sections.has(current)) sections.set(current, new Set());
    }
    const row = /^\| `([^`]+)` +\|/.exec(line);
    if (row !== null) sections.get(current)?.add(row[1] as string);
  }
  return sections;
}

describe('lbsim run --json', () => {
  it('prints trace lines, then connection, traffic, expectation lines, then one summary line', async () => {
    const { code, stdout, stderr } = await lbsim('run', files[0] as string, '--json');
    expect(code).toBe(0);
    expect(stderr).toBe('');
    const lines = parseLines(stdout);
    const order = [
      'trace',
      'connection',
      'traffic',
      'expectation',
      'metrics',
      'metric',
      'metricNotDefined',
      'nsgFlowLog',
      'summary',
    ];
    const types = lines.map((line) => line['type'] as string);
    expect([...new Set(types)]).toEqual(order);
    for (let i = 1; i < types.length; i++) {
      expect(order.indexOf(types[i] as string)).toBeGreaterThanOrEqual(order.indexOf(types[i - 1] as string));
    }
    expect(types.filter((type) => type === 'summary')).toHaveLength(1);
    const summary = lines.at(-1) as Line;
    expect(summary).toMatchObject({ type: 'summary', name: 'basic-public-lb', seed: 7, expectationsMet: true });
    for (const line of lines) {
      expect(Object.keys(line).slice(0, 3)).toEqual(['level', 'atNs', 'type']);
      expect(line).not.toHaveProperty('pid');
      expect(line).not.toHaveProperty('hostname');
      expect(line).not.toHaveProperty('time');
    }
  });

  it('trace lines are the events of the text trace, in order, with virtual time', async () => {
    const json = parseLines((await lbsim('run', files[0] as string, '--json', '--connection', '5')).stdout).filter(
      (line) => line['type'] === 'trace',
    );
    const table = (await lbsim('run', files[0] as string, '--trace', '--connection', '5')).stdout
      .split('\n')
      .filter((line) => /^\d+\.\d{9} /.test(line));
    expect(json.length).toBe(table.length);
    expect(json.length).toBeGreaterThan(20);
    json.forEach((line, i) => {
      const [time, node] = (table[i] as string).split(/\s+/);
      const atNs = line['atNs'] as number;
      expect(`${Math.floor(atNs / 1e9)}.${String(atNs % 1e9).padStart(9, '0')}`).toBe(time);
      expect(line['node']).toBe(node);
      expect(line['connectionId']).toBe(5);
    });
  });

  it('drops are warn lines with a reason; IP-in-IP carries its inner packet; fragments say so', async () => {
    const lines = parseLines((await lbsim('run', files[1] as string, '--json')).stdout);
    const drops = lines.filter((line) => line['event'] === 'drop');
    expect(drops.length).toBeGreaterThan(0);
    for (const drop of drops) expect(drop).toMatchObject({ level: 'warn', reason: 'fragment-on-lb-rule' });
    // The 1500-byte datagrams no longer fit once encapsulated: the Mux sends the IP-in-IP packet
    // as outer fragments, and the line that ends it carries the whole tunnel.
    const tunnelled = lines.find((line) => (line['packet'] as Line | undefined)?.['protocol'] === 'IPIP');
    expect(tunnelled?.['packet']).toMatchObject({
      protocol: 'IPIP',
      inner: { protocol: 'UDP', udp: { dstPort: 5060 } },
    });
    const fragment = lines.find((line) => (line['packet'] as Line | undefined)?.['moreFragments'] === true);
    expect(fragment?.['packet']).toMatchObject({ fragment: { payloadBytes: 1480 } });
  });

  it('every field it writes is documented in docs/json-output.md', async () => {
    const documented = documentedFields();
    const every = documented.get('every') ?? new Set();
    for (const file of files) {
      for (const line of parseLines((await lbsim('run', file, '--json')).stdout)) {
        const type = line['type'] as string;
        const paths = new Set<string>();
        fieldPaths(line, '', paths);
        for (const path of paths) {
          const known = every.has(path) || path === 'note' || documented.get(type)?.has(path);
          expect(known, `${type} line field "${path}" is not in docs/json-output.md`).toBe(true);
        }
      }
    }
  });

  it('writes a snat line per VM NIC that made outbound flows, between traffic and explanation lines', async () => {
    const lines = parseLines((await lbsim('run', files[3] as string, '--json')).stdout);
    const types = lines.map((line) => line['type'] as string);
    expect([...new Set(types)]).toEqual([
      'trace',
      'connection',
      'traffic',
      'snat',
      'explanation',
      'expectation',
      'metrics',
      'metric',
      'metricNotDefined',
      'summary',
    ]);
    const snat = lines.filter((line) => line['type'] === 'snat');
    expect(snat).toHaveLength(1);
    expect(snat[0]).toMatchObject({
      vm: 'app-1',
      dip: '10.1.0.4',
      protocol: 'Tcp',
      policy: 'egress-lb/workers-out',
      frontends: ['52.170.20.30'],
      portLimit: 64,
      peakUsedPorts: 64,
      peakAllocatedPorts: 64,
    });
    const samples = snat[0]?.['samples'] as Line[];
    expect(samples.length).toBeGreaterThan(10);
    expect(samples.every((sample) => (sample['usedPorts'] as number) <= 64)).toBe(true);
    expect(snat[0]?.['firstFailureAtNs']).toBe(
      samples.find((sample) => (sample['failedAllocations'] as number) > 0)?.['atNs'],
    );
  });

  it('is byte-identical run after run', async () => {
    const a = await lbsim('run', files[2] as string, '--json');
    const b = await lbsim('run', files[2] as string, '--json');
    expect(a.stdout).toBe(b.stdout);
    expect(a.code).toBe(0);
  });
});
