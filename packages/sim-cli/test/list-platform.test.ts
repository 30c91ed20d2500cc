/**
 * `lbsim list` marks a variant whose change is a platform setting, so the label survives the
 * cut to one line (issue 15: never offer a platform knob without saying so).
 */
import { describe, expect, it } from 'vitest';
import { descriptionCell, platformMark } from '../src/commands/list.ts';
import { lbsim } from './in-process.ts';

describe('lbsim list and platform settings', () => {
  it('marks a description that names a platform behaviour beyond its first line', () => {
    const description =
      'Muxes that pick DIPs by modulo.\nHow Muxes pick a DIP is a platform behaviour, not something you can set.';
    expect(descriptionCell(description)).toBe(`${platformMark}Muxes that pick DIPs by modulo.`);
    expect(descriptionCell('Four web VMs behind a public load balancer.')).toBe(
      'Four web VMs behind a public load balancer.',
    );
    expect(descriptionCell('A platform behaviour, not a fix: three-tuple fragments.')).toBe(
      'A platform behaviour, not a fix: three-tuple fragments.',
    );
  });

  it('marks the catalogue variants that turn a platform setting, and not the customer fixes', async () => {
    const { code, stdout } = await lbsim('list');
    expect(code).toBe(0);
    const marked = stdout.split('\n').filter((line) => line.includes(platformMark));
    expect(marked.some((line) => /^udp-fragmentation\s+what-if-three-tuple\s/.test(line))).toBe(true);
    expect(marked.some((line) => /^encap-mtu\s+fixed\s/.test(line))).toBe(true);
    expect(marked.some((line) => /^probe-wrong-port\s/.test(line))).toBe(false);
    expect(marked.some((line) => /^udp-fragmentation\s+fixed\s/.test(line))).toBe(false);
  });
});
