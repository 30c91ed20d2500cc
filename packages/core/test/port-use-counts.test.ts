import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { PortUseCounts } from '../src/stack/port-use-counts.ts';
import { propertyTimeoutMs } from '../src/testing/index.ts';

describe('PortUseCounts', () => {
  it('counts uses per port as a Map from port to count would', { timeout: propertyTimeoutMs() }, () => {
    const port = fc.oneof(fc.constantFrom(0, 255, 256, 1024, 32768, 65535), fc.integer({ min: 0, max: 65535 }));
    const operation = fc.record({ add: fc.boolean(), port });
    fc.assert(
      fc.property(fc.array(operation, { maxLength: 300 }), (operations) => {
        const counts = new PortUseCounts();
        const model = new Map<number, number>();
        for (const { add, port: p } of operations) {
          const uses = model.get(p) ?? 0;
          if (add) {
            counts.add(p);
            model.set(p, uses + 1);
          } else {
            counts.remove(p);
            if (uses > 0) model.set(p, uses - 1);
          }
          expect(counts.usesOf(p)).toBe(model.get(p) ?? 0);
        }
        for (const [p, uses] of model) expect(counts.usesOf(p)).toBe(uses);
      }),
      { numRuns: 100 },
    );
  });
});
