/**
 * The playground's bundle imports no `node:` module: what the page bundles (the simulator,
 * the loader, the command line's portable writers) must run in a browser. esbuild, bundling
 * for the browser, fails on an import of a Node built-in; this reads the bundle it wrote for
 * any import or require of one that slipped through (marked external, or written as a bare
 * `fs`), and for the page's own files only: no URL to load anything from elsewhere.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildPlayground } from './web-page.ts';

describe('the playground bundle', () => {
  const folder = buildPlayground();
  const script = readFileSync(join(folder, 'playground.js'), 'utf8');

  it('is the page, its stylesheet and one script', () => {
    expect(readdirSync(folder).sort()).toEqual(['index.html', 'playground.css', 'playground.js']);
  });

  it('imports and requires no node: module nor any Node built-in', () => {
    const imports = [...script.matchAll(/(?:\bfrom\s*|\bimport\s*\(\s*|\brequire\s*\(\s*)["']([^"']+)["']/g)].map(
      (match) => match[1] as string,
    );
    const builtins = new Set(builtinModules);
    expect(imports.filter((specifier) => specifier.startsWith('node:') || builtins.has(specifier))).toEqual([]);
    expect(script).not.toMatch(/\brequire\s*\(\s*["']node:/);
  });

  it('loads nothing from elsewhere: the page names only its own files', () => {
    const page = readFileSync(join(folder, 'index.html'), 'utf8');
    const sources = [...page.matchAll(/\b(?:src|href)="([^"]+)"/g)].map((match) => match[1]);
    expect(sources.sort()).toEqual(['playground.css', 'playground.js']);
  });
});
