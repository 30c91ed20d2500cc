import { describe, expect, it, vi } from 'vitest';
import { Parser, parseDocument } from 'yaml';
import { parseScenarioText } from '../src/index.ts';
import { readYamlDocument } from '../src/load/yaml-document.ts';

const options = { uniqueKeys: false, logLevel: 'error' } as const;

describe('readYamlDocument', () => {
  it('makes the document yaml’s parseDocument makes, errors included', () => {
    for (const text of ['a: 1\nb: [x, y]\n', '', 'a: [1\n', 'a: 1\n---\nb: 2\n---\nc: 3\n', 'a: &x 1\nb: *x\n']) {
      const reading = readYamlDocument(text, options);
      if (!reading.ok) throw new Error('not too deep');
      const expected = parseDocument(text, options);
      expect(reading.document.toJS()).toEqual(expected.toJS());
      expect(reading.document.errors.map((error) => [error.code, error.pos])).toEqual(
        expected.errors.map((error) => [error.code, error.pos]),
      );
    }
  });

  it('places the first collection nested too deeply instead of composing it', () => {
    expect(readYamlDocument('a: { b: [1] }\n', options, 2)).toEqual({ ok: false, tooDeep: { line: 1, column: 9 } });
  });

  it('parses a scenario’s text once: the depth check and the document share one pass of the parser', () => {
    const parse = vi.spyOn(Parser.prototype, 'parse');
    try {
      parseScenarioText('name: t\nvms: [{ name: web-1, nics: [{ ip: 10.1.0.4 }] }]\n', 'x.yaml');
      expect(parse).toHaveBeenCalledTimes(1);
    } finally {
      parse.mockRestore();
    }
  });
});
