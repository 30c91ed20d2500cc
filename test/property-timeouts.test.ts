/**
 * A property test is bounded by its case count, never by wall time (issue 14): fast-check's
 * time limits are not used, and every test that checks a property names a timeout far above
 * its normal run (`propertyTimeoutMs()`), instead of the suite's 60 s default that the
 * slowest properties came within a factor of two of, so a busy machine failed them.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { propertyTimeoutMs } from '@lbsim/core/testing';
import { describe, expect, it } from 'vitest';
import { repositoryRoot } from './support.ts';

/** Every `*.test.ts` under the cross-package suites and the packages' own tests. */
function testFiles(): string[] {
  const found: string[] = [];
  const walk = (directory: string) => {
    for (const name of readdirSync(directory)) {
      const path = join(directory, name);
      if (name === 'node_modules') continue;
      if (statSync(path).isDirectory()) walk(path);
      else if (name.endsWith('.test.ts') && path !== import.meta.filename) found.push(path);
    }
  };
  walk(join(repositoryRoot, 'test'));
  for (const name of readdirSync(join(repositoryRoot, 'packages'))) {
    const tests = join(repositoryRoot, 'packages', name, 'test');
    if (statSync(join(repositoryRoot, 'packages', name)).isDirectory() && safeIsDirectory(tests)) walk(tests);
  }
  return found.sort();
}

function safeIsDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

/** The header (`it(name, options,`) of each test whose body checks a property. */
function propertyTestHeaders(source: string): string[] {
  const headers: string[] = [];
  for (const match of source.matchAll(/^\s*it\(/gm)) {
    const start = match.index;
    const bodyStart = source.indexOf('=> {', start);
    const next = source.slice(bodyStart).search(/^\s*it\(/m);
    const body = next === -1 ? source.slice(bodyStart) : source.slice(bodyStart, bodyStart + next);
    if (/\bfc\.assert\(/.test(body)) headers.push(source.slice(start, bodyStart).trim());
  }
  return headers;
}

describe('property tests and time', () => {
  const files = testFiles().filter((file) => /\bfc\.assert\(/.test(readFileSync(file, 'utf8')));

  it('finds the property tests', () => {
    expect(files.length).toBeGreaterThan(10);
  });

  it('use no fast-check time limit: a property is bounded by its case count', () => {
    for (const file of files) {
      expect(readFileSync(file, 'utf8'), relative(repositoryRoot, file)).not.toMatch(
        /interruptAfterTimeLimit|skipAllAfterTimeLimit/,
      );
    }
  });

  it('each name the property timeout, far above the suite default of 60 s', () => {
    expect(propertyTimeoutMs()).toBeGreaterThanOrEqual(10 * 60_000);
    for (const file of files) {
      for (const header of propertyTestHeaders(readFileSync(file, 'utf8'))) {
        expect(header, relative(repositoryRoot, file)).toMatch(/timeout: propertyTimeout(Ms\(\))?[ ,]/);
      }
    }
  });
});
