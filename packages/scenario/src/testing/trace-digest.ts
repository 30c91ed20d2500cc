/**
 * A digest of a run's whole trace, for determinism checks (docs/architecture.md#determinism-and-accounting: the same scenario and
 * seed give the same trace, event for event). Every field of every event goes in — time, node,
 * kind, the packet record with all its headers and payload, packet and connection ids, note,
 * drop reason — so two runs with the same digest printed the same trace.
 *
 * Two lanes of MurmurHash3-style mixing (x86_32 body, different seeds) over the fields as
 * 32-bit words make a 64-bit digest: not a cryptographic hash, but a difference between two
 * runs changes it with overwhelming probability; it needs nothing from the platform and costs
 * well under a microsecond per event.
 */
import type { TraceEvent, TraceSink } from '@lbsim/core';

const seedA = 0x6c62736d; // "lbsm"
const seedB = 0x74726163; // "trac"
const twoTo32 = 4_294_967_296;

/** A trace sink that folds every event into a 64-bit digest. */
export class TraceDigest implements TraceSink {
  private a = seedA;
  private b = seedB;
  private words = 0;
  private count = 0;

  record(event: TraceEvent): void {
    this.number(event.atNs);
    this.text(event.node);
    this.text(event.kind);
    this.number(event.meta.packetId);
    this.number(event.meta.connectionId);
    this.number(event.meta.createdAtNs);
    this.text(event.note);
    this.text(event.reason ?? '');
    this.value(event.packet);
    this.count++;
  }

  /** Events folded in so far. */
  get events(): number {
    return this.count;
  }

  /** The digest so far: 16 hex digits, a slash and the number of events (`3f2a…9c01/5123`). */
  get digest(): string {
    const hex = (h: number) => (finalize(h, this.words) >>> 0).toString(16).padStart(8, '0');
    return `${hex(this.a)}${hex(this.b)}/${this.count}`;
  }

  /** Any field of a packet record: numbers, text, booleans, nested records, lists. */
  private value(value: unknown): void {
    switch (typeof value) {
      case 'number':
        this.number(value);
        return;
      case 'string':
        this.text(value);
        return;
      case 'boolean':
        this.word(value ? 0x7472 : 0x6661);
        return;
      case 'object': {
        if (value === null) {
          this.word(0x6e75);
          return;
        }
        // Values in key order with the key count: records are built with fixed key orders.
        const record = value as Record<string, unknown>;
        let keys = 0;
        for (const key in record) {
          this.value(record[key]);
          keys++;
        }
        this.word(0x7b000000 | keys);
        return;
      }
      default:
        this.word(0x756e);
    }
  }

  private number(value: number): void {
    if (Number.isSafeInteger(value)) {
      this.word(value >>> 0);
      this.word(Math.floor(value / twoTo32));
    } else {
      this.text(String(value));
    }
  }

  private text(value: string): void {
    this.word(value.length);
    for (let i = 0; i < value.length; i++) this.word(value.charCodeAt(i));
  }

  private word(word: number): void {
    this.a = mix(this.a, word);
    this.b = mix(this.b, word ^ 0x5bd1e995);
    this.words++;
  }
}

/** One block of MurmurHash3_x86_32. */
function mix(h: number, word: number): number {
  let k = Math.imul(word, 0xcc9e2d51);
  k = (k << 15) | (k >>> 17);
  k = Math.imul(k, 0x1b873593);
  let x = h ^ k;
  x = (x << 13) | (x >>> 19);
  return (Math.imul(x, 5) + 0xe6546b64) | 0;
}

/** MurmurHash3's finalizer over `words` 4-byte blocks. */
function finalize(h: number, words: number): number {
  let x = h ^ (words * 4);
  x ^= x >>> 16;
  x = Math.imul(x, 0x85ebca6b);
  x ^= x >>> 13;
  x = Math.imul(x, 0xc2b2ae35);
  x ^= x >>> 16;
  return x;
}
