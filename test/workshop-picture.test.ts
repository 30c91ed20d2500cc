/**
 * docs/workshop-from-zero.svg is what `pnpm run workshop-picture` draws from the run of
 * basic-public-lb's connection 7 now, so the workshop's opening picture never drifts from what
 * lbsim does; and the guide shows it.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { workshopPicturePath, workshopPictureSvg } from '../scripts/workshop-picture.ts';
import { repositoryRoot } from './support.ts';

describe('the workshop picture', () => {
  it('is what the run draws now (run pnpm run workshop-picture after a change to the run)', async () => {
    const committed = readFileSync(join(repositoryRoot, workshopPicturePath), 'utf8');
    expect(committed === (await workshopPictureSvg(repositoryRoot))).toBe(true);
  }, 180_000);

  it('draws the path of the run: ECMP, the Mux, the tunnel, the NAT and the direct server return', () => {
    const svg = readFileSync(join(repositoryRoot, workshopPicturePath), 'utf8').replace(/&#(\d+);/g, (_, code) =>
      String.fromCharCode(Number(code)),
    );
    for (const text of [
      'ECMP over 4 Muxes → mux-2',
      'IP-in-IP 100.127.0.2 → 10.1.0.4',
      'NAT 52.170.10.20:80 → 10.1.0.4:80',
      'reverse NAT → 52.170.10.20:80, direct server return',
    ])
      expect(svg).toContain(text);
  });

  it('is shown in docs/workshop.md', () => {
    expect(readFileSync(join(repositoryRoot, 'docs/workshop.md'), 'utf8')).toContain('](workshop-from-zero.svg)');
  });
});
