/**
 * FlowMap: a Map from 5-tuples to values over the numeric flow index, in a Map's insertion
 * order (the NAT and SNAT tombstones forget the oldest first, and SNAT lists flows in creation
 * order), with addresses read as unsigned 32-bit values.
 */
import { describe, expect, it } from 'vitest';
import { FlowMap } from '../src/index.ts';

describe('FlowMap', () => {
  it('keeps the order a Map keeps: set keeps a present key in place, delete and set moves it to the back', () => {
    const map = new FlowMap<string>();
    const reference = new Map<string, string>();
    const steps: Array<[op: 'set' | 'delete', port: number, value: string]> = [
      ['set', 1, 'a'],
      ['set', 2, 'b'],
      ['set', 3, 'c'],
      ['set', 1, 'A'],
      ['delete', 2, ''],
      ['set', 2, 'B'],
      ['set', 4, 'd'],
    ];
    for (const [op, port, value] of steps) {
      if (op === 'set') {
        map.set(17, 0xc6120001, port, 0x34aa0a14, 7, value);
        reference.set(`${port}`, value);
      } else {
        expect(map.delete(17, 0xc6120001, port, 0x34aa0a14, 7)).toBe(reference.delete(`${port}`));
      }
    }
    expect([...map.values()]).toEqual([...reference.values()]);
    map.deleteOldest();
    expect([...map.values()]).toEqual(['c', 'B', 'd']);
    expect(map.size).toBe(3);
  });

  it('tells the fields of a 5-tuple apart and reads addresses as unsigned', () => {
    const map = new FlowMap<number>();
    map.setTuple({ protocol: 6, srcAddress: -1, srcPort: 80, dstAddress: 1, dstPort: 443 }, 1);
    expect(map.get(6, 0xffffffff, 80, 1, 443)).toBe(1);
    expect(map.get(17, 0xffffffff, 80, 1, 443)).toBeUndefined();
    expect(map.get(6, 1, 443, 0xffffffff, 80)).toBeUndefined();
    expect(map.get(6, 0xffffffff, 443, 1, 80)).toBeUndefined();
    for (let port = 0; port < 1000; port++) map.set(6, 0x0a000001, port, 0x0a000002, 80, port);
    for (let port = 0; port < 1000; port++) expect(map.get(6, 0x0a000001, port, 0x0a000002, 80)).toBe(port);
    expect(map.size).toBe(1001);
  });
});
