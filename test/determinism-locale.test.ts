/**
 * The same scenario and seed give byte-identical output whatever the locale and time zone of
 * the process (issue 16): the summary, the JSON lines and the report of `lbsim run`, in
 * processes started under `da_DK` and `en_US` (LANG, LC_ALL) and two time zones. Danish
 * collation sorts "aa" after "z" (as å); this scenario drops as many packets at host-aa as at
 * host-b, so a sort by the default locale orders its drops differently in the two processes.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { repositoryRoot } from './support.ts';

const tsx = join(repositoryRoot, 'node_modules/.bin/tsx');
const bin = join(repositoryRoot, 'packages/sim-cli/src/bin.ts');

/** Two Standard LBs with no NSG: each drops its one connection's packets at its own host. */
const scenario = `name: locale-order
duration: 30s
hosts:
  - name: host-b
    vms:
      - { name: b, nics: [{ ip: 10.1.0.5 }], listeners: [{ port: 80 }] }
  - name: host-aa
    vms:
      - { name: aa, nics: [{ ip: 10.1.0.4 }], listeners: [{ port: 80 }] }
clients:
  - { name: client-1, ip: 203.0.113.7 }
loadBalancers:
  - name: lb-b
    frontends: [{ name: fe, ip: 52.0.0.2 }]
    backendPools: [{ name: web, members: [b] }]
    rules:
      - { name: http, frontend: fe, backendPool: web, protocol: Tcp, frontendPort: 80, backendPort: 80 }
  - name: lb-aa
    frontends: [{ name: fe, ip: 52.0.0.1 }]
    backendPools: [{ name: web, members: [aa] }]
    rules:
      - { name: http, frontend: fe, backendPool: web, protocol: Tcp, frontendPort: 80, backendPort: 80 }
traffic:
  - { from: client-1, to: 52.0.0.2:80, connections: 1 }
  - { from: client-1, to: 52.0.0.1:80, connections: 1 }
`;

const environments = [
  { LANG: 'da_DK.UTF-8', LC_ALL: 'da_DK.UTF-8', TZ: 'Pacific/Chatham' },
  { LANG: 'en_US.UTF-8', LC_ALL: 'en_US.UTF-8', TZ: 'UTC' },
] as const;

/** What `lbsim run` prints (summary, and JSON lines) and the report it writes, under `locale`. */
function outputsUnder(locale: (typeof environments)[number]): { summary: string; json: string; report: string } {
  const directory = mkdtempSync(join(tmpdir(), 'lbsim-locale-'));
  writeFileSync(join(directory, 'scenario.yaml'), scenario);
  const run = (args: readonly string[]) =>
    execFileSync(tsx, [bin, 'run', 'scenario.yaml', ...args], {
      cwd: directory,
      encoding: 'utf8',
      env: { ...process.env, ...locale, NO_COLOR: '1' },
    });
  const summary = run(['--report', 'report.html']);
  return { summary, json: run(['--json']), report: readFileSync(join(directory, 'report.html'), 'utf8') };
}

describe('determinism across locales and time zones', () => {
  it('da_DK in one time zone and en_US in another print and write byte-identical output', () => {
    const [danish, american] = environments.map(outputsUnder);
    expect(danish?.summary).toContain('host-aa');
    expect(danish?.summary).toBe(american?.summary);
    expect(danish?.json).toBe(american?.json);
    expect(danish?.report).toBe(american?.report);
  });
});
