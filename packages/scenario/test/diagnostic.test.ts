import { describe, expect, it } from 'vitest';
import { formatDiagnostic, formatDocumentPath, printable, quoted } from '../src/index.ts';

describe('diagnostics stay one printable line', () => {
  it('printable escapes controls and line separators and elides the middle of long text', () => {
    expect(printable('a\nb\tc\r\u0000\u001b[2J\u2028')).toBe('a\\nb\\tc\\r\\u0000\\u001b[2J\\u2028');
    expect(printable('ünïcødé ✓')).toBe('ünïcødé ✓');
    expect(printable('abcdefghij', 5)).toBe('ab…ij');
    expect(printable('x'.repeat(100_000), 60)).toHaveLength(60);
  });

  it('quoted quotes at most 60 characters', () => {
    expect(quoted('web-1')).toBe('"web-1"');
    expect(quoted('w'.repeat(1000))).toBe(`"${'w'.repeat(30)}…${'w'.repeat(29)}"`);
  });

  it('formatDiagnostic makes file, path and message printable', () => {
    const line = formatDiagnostic({
      severity: 'error',
      file: 'odd\nname.yaml',
      line: 2,
      column: 1,
      path: formatDocumentPath(['hosts', 0, 'evil\u001bkey']),
      message: 'unknown key "evil\u001bkey"',
    });
    expect(line).toBe('odd\\nname.yaml:2:1  hosts[0].evil\\u001bkey  unknown key "evil\\u001bkey"');
  });
});
