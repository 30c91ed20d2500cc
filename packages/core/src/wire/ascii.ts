/**
 * Application bytes of packet records: ASCII text followed by zero fill
 * (see `TcpSegment.data` in core/net).
 */

/** Writes `data` then zeros into `out[offset, offset + length)`. */
export function writePayload(out: Uint8Array, offset: number, length: number, data: string): void {
  const textLength = Math.min(data.length, length);
  for (let i = 0; i < textLength; i++) out[offset + i] = data.charCodeAt(i) & 0x7f;
  // Uint8Array is zero-initialised, so the fill is already in place.
}

/** Reads the ASCII text at the start of `bytes[offset, offset + length)`, up to the first NUL. */
export function readPayloadText(bytes: Uint8Array, offset: number, length: number): string {
  let end = offset;
  const limit = offset + length;
  while (end < limit && bytes[end] !== 0) end++;
  let text = '';
  for (let i = offset; i < end; i++) text += String.fromCharCode(bytes[i] as number);
  return text;
}
