/**
 * The scale scenario (issue 11): loads, holds a million connections, and is what its
 * generator writes. Running it takes minutes, so the run itself is left to `lbsim run` and
 * docs/performance.md records it; this checks only that the file stays runnable and current.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadScenarioFile } from '@lbsim/scenario';
import { describe, expect, it } from 'vitest';
import { endToEndScenarioText } from '../bench/workloads/end-to-end.ts';
import { repositoryRoot } from './support.ts';

const file = join(repositoryRoot, 'scenarios/scale/million-connections.yaml');

describe('scenarios/scale/million-connections.yaml', () => {
  it('loads and opens 1,000,000 connections from 100 clients to 100 DIPs through 8 Muxes', () => {
    const loaded = loadScenarioFile(file);
    expect(loaded.ok).toBe(true);
    if (!loaded.ok) return;
    const scenario = loaded.scenario;
    expect(scenario.traffic.reduce((sum, item) => sum + item.connections, 0)).toBe(1_000_000);
    expect(scenario.clients).toHaveLength(100);
    expect(scenario.network.muxes).toBe(8);
    expect(scenario.hosts.flatMap((host) => host.vms)).toHaveLength(100);
    // Every connection has started by the end, with 9 s left for the last ones to finish.
    const lastStartNs = Math.max(...scenario.traffic.map((item) => item.startAt + (item.connections - 1) * item.every));
    expect(scenario.duration - lastStartNs).toBeGreaterThanOrEqual(9e9);
  });

  it('is what bench/workloads/write-scale-scenario.ts writes', () => {
    const body = endToEndScenarioText(
      { connections: 1_000_000, clients: 100, muxes: 8, dips: 100 },
      { exchange: 'http-get', everyMs: 100, name: 'million-connections' },
    );
    const text = readFileSync(file, 'utf8');
    expect(text.slice(text.indexOf('name: million-connections'))).toBe(
      body.replace(/^description: .*$/m, (line) => `${line}; a scale run, not a failure mode`),
    );
  });
});
