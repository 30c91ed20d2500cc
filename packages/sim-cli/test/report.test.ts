/**
 * `lbsim run --report`: the page's sections, its escaping of scenario strings, the sequence
 * diagrams of failed connections with their drops, the probe and SNAT sections (empty now,
 * ready for data), determinism, and what it refuses to overwrite.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { renderProbeTimelineSvg, stateIntervals } from '../src/report/probe-timeline-svg.ts';
import { selectConnections } from '../src/report/select-connections.ts';
import { renderSnatChartSvg } from '../src/report/snat-chart-svg.ts';
import { crosses } from './geometry.ts';
import { lbsim } from './in-process.ts';

const root = join(import.meta.dirname, '../../..');
const floating = join(root, 'scenarios/floating-ip-no-loopback/broken.yaml');
const quickstart = join(root, 'scenarios/azure-quickstart-internal-lb.yaml');
const muxFailure = join(root, 'scenarios/mux-failure/broken.yaml');
const allProbedDown = join(root, 'scenarios/all-probed-down/broken.yaml');

function scratch(): string {
  return mkdtempSync(join(tmpdir(), 'lbsim-report-'));
}

async function report(file: string, ...more: string[]): Promise<string> {
  const out = join(scratch(), 'report.html');
  const { code, stderr } = await lbsim('run', file, '--report', out, ...more);
  expect(code, stderr).not.toBe(2);
  expect(stderr).toContain(`wrote report ${out}`);
  return readFileSync(out, 'utf8');
}

describe('the traffic section of the report', () => {
  it('counts a DIP as serving only when its guest accepted the connection, as the text summary does', async () => {
    const page = await report(floating);
    expect(page).toContain('DIPs served: <span class="empty">none</span>');
    expect(page).toMatch(
      /DIPs unanswered \(a Mux sent them there; the guest sent nothing back\): .*10\.1\.0\.4 \(web-1\) ×6/,
    );
  });
});

describe('lbsim run --report', () => {
  it('writes one self-contained page: no scripts, no remote loads, every section', async () => {
    const page = await report(quickstart);
    expect(page.startsWith('<!doctype html>')).toBe(true);
    expect(page).not.toMatch(/<script|src=|href="http|@import|url\((?!#)/i);
    for (const id of [
      'verdict',
      'expectations',
      'topology',
      'traffic',
      'explanations',
      'sequences',
      'probes',
      'snat',
      'counters',
    ]) {
      expect(page).toContain(`id="${id}"`);
    }
    expect(page).toContain('<svg class="topology"');
    expect(page).toMatch(/<span class="verdict met" id="verdict">(All \d+ expectations met|The expectation is met)</);
    expect(page).toMatch(/<span class="verdict met" id="connections-verdict">All \d+ connections succeeded</);
  });

  it('keeps the failing steps of a long connection and elides its quiet middle, saying how many steps', async () => {
    const page = await report(muxFailure);
    const article = /<article class="connection failed" id="connection-5"[\s\S]*?<\/article>/.exec(page)?.[0] ?? '';
    const diagram = /<svg class="sequence"[\s\S]*?<\/svg>/.exec(article)?.[0] ?? '';
    const drops = [...diagram.matchAll(/<g class="drop"><title>#\d+ dropped at ([\w-]+): ([\w-]+)/g)].map(
      (m) => `${m[1]} ${m[2]}`,
    );
    expect(drops.filter((drop) => drop === 'mux-2 mux-down').length).toBeGreaterThanOrEqual(5);
    expect(drops).toContain('web-2 tcp-no-connection');
    expect(diagram).toMatch(/<g class="message failing"><title>#\d+ [^<]*\[RST\][^<]*<\/title>/);
    expect(diagram).toContain('<g class="lane mux failed"><title>mux-2: failed at 20s, down at the end</title>');
    expect(diagram).toMatch(/<text class="lane-kind" x="[\d.]+" y="34">Mux, failed at 20s<\/text>/);
    expect(diagram).toMatch(/<g class="elided">[\s\S]*?>\d+ steps elided: no drop, RST or ICMP among them</);
    expect(article).toMatch(/\d+ of \d+ steps shown: the first, every drop, RST and ICMP message/);
    // The step numbers count every step, shown or not: after the gap they go on from where the elided ones end.
    const numbers = [...diagram.matchAll(/<title>#(\d+) /g)].map((m) => Number(m[1]));
    expect(numbers).toEqual([...numbers].sort((a, b) => a - b));
    expect(Math.max(...numbers)).toBeGreaterThan(80);
  });

  it('leads a broken scenario with why it failed, then the connections and the expectations as two facts', async () => {
    const page = await report(muxFailure);
    const why = page.indexOf('<section id="explanations"><h2>Why it failed</h2>');
    const connections = page.indexOf('id="connections-verdict"');
    const expectations = page.indexOf('id="verdict"');
    expect(why).toBeGreaterThan(0);
    expect(why).toBeLessThan(connections);
    expect(why).toBeLessThan(expectations);
    expect(page).toContain(
      '<span class="verdict not-met" id="connections-verdict">11 of 80 connections failed: 11 reset (13.8%)</span>',
    );
    expect(page).toContain('<span class="verdict met" id="verdict">All 3 expectations met</span>');
    // A healthy run keeps the verdicts first.
    const healthy = await report(quickstart);
    expect(healthy.indexOf('id="verdict"')).toBeLessThan(healthy.indexOf('id="explanations"'));
  });

  it("draws the load balancer's frontends, rules, pools and probes, the NSGs, and marks a failed Mux", async () => {
    const page = await report(muxFailure);
    const topology = /<svg class="topology"[\s\S]*?<\/svg>/.exec(page)?.[0] ?? '';
    expect(topology).toContain('<g class="lb" data-lb="lb:web-lb">');
    for (const node of ['frontend:web-lb/fe', 'rule:web-lb/http', 'pool:web-lb/web', 'nsg:web-nsg', 'vm:web-4']) {
      expect(topology).toContain(`data-node="${node}"`);
    }
    expect(topology).toMatch(
      /<g class="node mux failed" data-node="mux:mux-2"><title>mux-2: failed at 20s, down at the end<\/title>/,
    );
    expect(topology).toMatch(/<g class="node mux" data-node="mux:mux-1">/);
    expect(topology).toContain('<path class="config" data-from="pool:web-lb/web" data-to="vm:web-4"');
    // The router's links go to the Muxes and the hosts directly, none through a Mux.
    expect(topology).toContain('<path class="link" data-from="router:router" data-to="host:host-a"');
    // As drawn: no line passes through a box it does not join.
    const boxes = [
      ...topology.matchAll(
        /<g class="node [^"]*" data-node="([^"]+)">(?:<title>[^<]*<\/title>)?<rect x="([\d.]+)" y="([\d.]+)" width="([\d.]+)" height="([\d.]+)"/g,
      ),
    ].map((m) => ({ id: m[1] as string, x: Number(m[2]), y: Number(m[3]), width: Number(m[4]), height: Number(m[5]) }));
    const lines = [
      ...topology.matchAll(/<path class="(?:link|config)" data-from="([^"]+)" data-to="([^"]+)" d="([^"]+)"/g),
    ];
    expect(boxes.length).toBe(19);
    expect(lines.length).toBeGreaterThan(20);
    const crossings = lines.flatMap(([, from, to, d]) => {
      const points = [...(d as string).matchAll(/[ML]([\d.]+),([\d.]+)/g)].map(
        (m) => [Number(m[1]), Number(m[2])] as const,
      );
      return boxes
        .filter((box) => box.id !== from && box.id !== to)
        .filter((box) =>
          points.slice(1).some((point, i) => crosses(points[i] as readonly [number, number], point, box)),
        )
        .map((box) => `${from} → ${to} crosses ${box.id}`);
    });
    expect(crossings).toEqual([]);
    const probes = await report(quickstart);
    expect(probes).toContain('data-node="probe:internal-lb/lbprobe"');
    expect(probes).toContain('<path class="config" data-from="probe:internal-lb/lbprobe" data-to="rule:internal-lb/');
  });

  it('folds long tables into <details> and keeps names on one line', async () => {
    const page = await report(muxFailure);
    const article = /<article class="connection failed" id="connection-5"[\s\S]*?<\/article>/.exec(page)?.[0] ?? '';
    expect(article).toMatch(
      /<details><summary>The \d+ steps shown, packet by packet \(\d+ rows\)<\/summary><table class="steps">/,
    );
    expect(page).toMatch(
      /<details><summary>Events per node and kind \(\d+ rows\)<\/summary><table id="node-counters">/,
    );
    expect(page).toContain('<td class="name">mux-2</td>');
    expect(page).toContain('td.name, th { white-space: nowrap; }');
  });

  it('gives the time axes tick labels and marks the scenario events on them', async () => {
    const page = await report(allProbedDown);
    const timeline = /<svg class="probe-timeline"[\s\S]*?<\/svg>/.exec(page)?.[0] ?? '';
    const ticks = [...timeline.matchAll(/<g class="tick">.*?<text [^>]*>([^<]+)<\/text><\/g>/g)].map((m) => m[1]);
    expect(ticks.slice(0, 3)).toEqual(['0', '10 s', '20 s']);
    expect(timeline).toMatch(/<g class="event-marker"><title>10 s stop-listener web-1 Tcp<\/title>/);
  });

  it('lists the configured probes and draws the probe states of each DIP; shows "no SNAT" without outbound flows', async () => {
    const page = await report(quickstart);
    expect(page).toContain('lbprobe of internal-lb: <span class="mono">Tcp:80 every 15 s</span>');
    expect(page).not.toContain('id="no-probes"');
    const timeline = /<svg class="probe-timeline"[\s\S]*?<\/svg>/.exec(page)?.[0] ?? '';
    expect(timeline.match(/<g class="dip-row">/g)).toHaveLength(2);
    expect(timeline).toMatch(/<rect class="state unknown"[^>]*><title>10\.0\.0\.4 unknown from 0\.0+ s to 0\.\d+ s/);
    expect(timeline).toMatch(/<rect class="state up"[^>]*><title>10\.0\.0\.4 up from 0\.\d+ s to 60\.0+ s/);
    expect(page).toContain('id="no-snat"');
    expect(page).not.toContain('class="snat-chart"');
  });

  it('says so when no rule uses a probe', async () => {
    const page = await report(
      floating.replace('floating-ip-no-loopback/broken.yaml', 'five-tuple-multi-session/broken.yaml'),
    );
    expect(page).toContain('id="no-probes"');
  });

  it('draws a failed connection with its drops where they happened', async () => {
    const page = await report(floating);
    const article = /<article class="connection failed" id="connection-1"[\s\S]*?<\/article>/.exec(page)?.[0] ?? '';
    expect(article).toContain('timed-out');
    expect(article).toContain('<svg class="sequence"');
    expect(article).toMatch(/<g class="drop"><title>#\d+ dropped at web-\d: not-local-address/);
    expect(article).toMatch(/class="lane-name" x="[\d.]+" y="20">client-1</);
    expect(article).toContain('<tr class="drop">');
  });

  it('--connection picks the connections it draws', async () => {
    const page = await report(quickstart, '--connection', '3', '--connection', '9');
    expect([...page.matchAll(/<article class="connection \w+" id="connection-(\d+)"/g)].map((m) => m[1])).toEqual([
      '3',
      '9',
    ]);
  });

  it('escapes every string that came from the scenario', async () => {
    const hostile = readFileSync(floating, 'utf8')
      .replace(
        /^description: >\n( {2}.*\n)+/m,
        `description: "<script>alert('x')</script> & <img src=x onerror=alert(1)>"\n`,
      )
      .replace(
        /^expect:\n/m,
        'expect:\n  - { traffic: web, outcome: completed, description: "<b onmouseover=alert(2)>hi</b>" }\n',
      );
    const file = join(scratch(), 'hostile.yaml');
    writeFileSync(file, hostile);
    const page = await report(file);
    expect(page).not.toContain('<script');
    expect(page).not.toContain('<img');
    expect(page).not.toContain('<b onmouseover');
    expect(page).toContain('&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &lt;img src=x onerror=alert(1)&gt;');
    expect(page).toContain('&lt;b onmouseover=alert(2)&gt;hi&lt;/b&gt;');
  });

  it('is byte-identical run after run', async () => {
    expect(await report(floating)).toBe(await report(floating));
    expect(await report(muxFailure)).toBe(await report(muxFailure));
  });

  it('replaces an earlier report but never another file, and says why', async () => {
    const directory = scratch();
    const out = join(directory, 'r.html');
    expect((await lbsim('run', floating, '--report', out)).code).toBe(0);
    expect((await lbsim('run', floating, '--report', out)).code).toBe(0);
    const notes = join(directory, 'notes.html');
    writeFileSync(notes, '<p>my notes</p>');
    const refused = await lbsim('run', floating, '--report', notes);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain(`${notes} exists and is not an lbsim report: lbsim does not overwrite it`);
    expect(readFileSync(notes, 'utf8')).toBe('<p>my notes</p>');
    const scenarioCopy = join(directory, 'scenario.yaml');
    writeFileSync(scenarioCopy, readFileSync(floating));
    expect((await lbsim('run', scenarioCopy, '--report', scenarioCopy)).code).toBe(2);
    expect(readFileSync(scenarioCopy, 'utf8')).toBe(readFileSync(floating, 'utf8'));
    const missing = await lbsim('run', floating, '--report', join(directory, 'no/such/dir/r.html'));
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/directory .*no\/such\/dir does not exist/);
    expect((await lbsim('run', floating, '--report', directory)).stderr).toContain('is a directory');
  });
});

describe('report parts', () => {
  it('probe timeline: unknown until the first change, then the states in turn', () => {
    const changes = [
      { atNs: 10, dip: '10.1.0.4', probe: 'p', state: 'up' as const, reason: 'ok' },
      { atNs: 40, dip: '10.1.0.4', probe: 'p', state: 'down' as const, reason: '2 timeouts' },
    ];
    expect(stateIntervals(changes, 100)).toEqual([
      { fromNs: 0, toNs: 10, state: 'unknown' },
      { fromNs: 10, toNs: 40, state: 'up' },
      { fromNs: 40, toNs: 100, state: 'down' },
    ]);
    const svg = renderProbeTimelineSvg(['10.1.0.4'], changes, 100);
    expect(svg.match(/<rect class="state (\w+)"/g)).toEqual([
      '<rect class="state unknown"',
      '<rect class="state up"',
      '<rect class="state down"',
    ]);
  });

  it('SNAT chart: step lines of ports used and granted, the limit, and the first failure', () => {
    const sample = (atNs: number, usedPorts: number, failedAllocations = 0) => ({
      atNs,
      allocatedPorts: 8,
      usedPorts,
      connections: usedPorts,
      failedAllocations,
    });
    const snat = {
      vm: 'app-1',
      dip: '10.1.0.4',
      protocol: 'Tcp',
      policy: 'lb/out',
      frontends: ['52.170.20.30'],
      portLimit: 8,
      flows: 8,
      failedAllocations: 1,
      requests: 0,
      grants: 0,
      refusals: 0,
      releasedRanges: 0,
      peakAllocatedPorts: 8,
      peakUsedPorts: 8,
      peakConnections: 8,
      firstFailure: { atNs: 75, note: 'no SNAT port free' },
      samples: [sample(0, 0), sample(50, 8), sample(75, 8, 1)],
    } as const;
    const svg = renderSnatChartSvg(snat, 100);
    expect(svg).toContain('<path class="used" d="M48,142 L368,142 L368,22 L688,22"/>');
    expect(svg).toContain('<path class="allocated" d="M48,22 L688,22"/>');
    expect(svg).toContain('<line class="limit" x1="48" y1="22" x2="688" y2="22"/>');
    expect(svg).toMatch(
      /<line class="failure" x1="528" y1="22" x2="528" y2="142"><title>first failure at 0\.000000075 s: no SNAT port free<\/title>/,
    );
  });

  it('selects per traffic item the first connection of each failing outcome, then the first success', () => {
    const connection = (id: number, traffic: number, outcome: string) =>
      ({ id, traffic, outcome }) as unknown as Parameters<typeof selectConnections>[0]['connections'][number];
    const result = {
      traffic: [{ index: 0 }, { index: 1 }],
      connections: [
        connection(1, 0, 'completed'),
        connection(2, 0, 'timed-out'),
        connection(3, 0, 'timed-out'),
        connection(4, 0, 'refused'),
        connection(5, 1, 'answered'),
      ],
    } as unknown as Parameters<typeof selectConnections>[0];
    expect(selectConnections(result)).toEqual([2, 4, 1, 5]);
  });
});
