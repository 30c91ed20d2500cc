/**
 * Splits a TCP byte stream's text into CRLF-terminated lines, as line-based protocols (FTP,
 * RFC 959) read them.
 */

/** Accumulates text and hands out complete lines (without the CRLF). */
export class LineReader {
  private buffered = '';

  /** Adds received text; returns the lines it completed. */
  add(text: string): string[] {
    this.buffered += text;
    const lines = this.buffered.split('\r\n');
    this.buffered = lines.pop() ?? '';
    return lines;
  }
}
