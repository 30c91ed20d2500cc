/**
 * Scenario bytes to text: UTF-8 (YAML 1.2 §5.2), and nothing else read silently.
 *
 * `Buffer.toString('utf8')` turns every invalid byte into U+FFFD, so a file saved as Latin-1
 * loaded with its "é" quietly replaced. Here invalid UTF-8 is an error at the line and column
 * of the first bad byte.
 */

/** The text of a file, or where its first byte that is not UTF-8 is. */
export type DecodeResult =
  | { readonly ok: true; readonly text: string }
  | {
      readonly ok: false;
      /** 1-based line and column (in characters) of the first invalid byte. */
      readonly line: number;
      readonly column: number;
      /** The byte, for the message. */
      readonly byte: number;
    };

const strictDecoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
const lenientDecoder = new TextDecoder('utf-8', { ignoreBOM: true });

/** Decodes `bytes` as UTF-8 (a byte-order mark kept: YAML allows one). */
export function decodeScenarioText(bytes: Uint8Array): DecodeResult {
  try {
    return { ok: true, text: strictDecoder.decode(bytes) };
  } catch {
    const offset = firstInvalidOffset(bytes);
    const lineStart = bytes.lastIndexOf(0x0a, offset - 1) + 1;
    let line = 1;
    for (let i = 0; i < lineStart; i++) if (bytes[i] === 0x0a) line++;
    const column = lenientDecoder.decode(bytes.subarray(lineStart, offset)).length + 1;
    return { ok: false, line, column, byte: bytes[offset] ?? 0 };
  }
}

/** Offset of the first byte that does not start or continue a valid UTF-8 sequence (RFC 3629 §4). */
function firstInvalidOffset(bytes: Uint8Array): number {
  let i = 0;
  while (i < bytes.length) {
    const length = sequenceLength(bytes, i);
    if (length === 0) return i;
    i += length;
  }
  return bytes.length;
}

/** Length of the valid UTF-8 sequence at `i`, or 0 when none starts there. */
function sequenceLength(bytes: Uint8Array, i: number): number {
  const first = bytes[i] as number;
  if (first < 0x80) return 1;
  const [length, low, high] =
    first >= 0xc2 && first <= 0xdf
      ? [2, 0x80, 0xbf]
      : first === 0xe0
        ? [3, 0xa0, 0xbf]
        : first === 0xed
          ? [3, 0x80, 0x9f]
          : first >= 0xe1 && first <= 0xef
            ? [3, 0x80, 0xbf]
            : first === 0xf0
              ? [4, 0x90, 0xbf]
              : first >= 0xf1 && first <= 0xf3
                ? [4, 0x80, 0xbf]
                : first === 0xf4
                  ? [4, 0x80, 0x8f]
                  : [0, 0, 0];
  if (length === 0 || i + length > bytes.length) return 0;
  const second = bytes[i + 1] as number;
  if (second < low || second > high) return 0;
  for (let k = 2; k < length; k++) {
    const next = bytes[i + k] as number;
    if (next < 0x80 || next > 0xbf) return 0;
  }
  return length;
}
