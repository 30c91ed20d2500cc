/**
 * docs/architecture.svg is what `pnpm run architecture` draws from the import graph now, so
 * the picture in docs/architecture.md never drifts from the code.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { architecturePicturePath, architectureSvg } from '../scripts/architecture.ts';
import { repositoryRoot } from './support.ts';

describe('the architecture picture', () => {
  it('is what the code draws now (run pnpm run architecture after changing imports)', async () => {
    const committed = readFileSync(join(repositoryRoot, architecturePicturePath), 'utf8');
    expect(committed === (await architectureSvg(repositoryRoot))).toBe(true);
  }, 180_000);

  it('is shown in docs/architecture.md', () => {
    expect(readFileSync(join(repositoryRoot, 'docs/architecture.md'), 'utf8')).toContain('](architecture.svg)');
  });
});
