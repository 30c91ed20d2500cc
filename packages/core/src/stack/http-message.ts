/**
 * The few bytes of HTTP/1.1 (RFC 9112) lbsim's apps and HTTP probes exchange: a GET request
 * line with a Host header, and a status line with Content-Length. Bodies are zero fill.
 */

/** Reason phrases for the status codes scenarios use (RFC 9110 §15). */
const reasonPhrases: Readonly<Record<number, string>> = {
  200: 'OK',
  204: 'No Content',
  301: 'Moved Permanently',
  302: 'Found',
  400: 'Bad Request',
  403: 'Forbidden',
  404: 'Not Found',
  500: 'Internal Server Error',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
  504: 'Gateway Timeout',
};

/** The text of a GET request for `path`. */
export function formatHttpRequest(path: string, host: string): string {
  return `GET ${path} HTTP/1.1\r\nHost: ${host}\r\n\r\n`;
}

/** The path of a complete GET request, or `undefined` while the header is incomplete. */
export function parseHttpRequestPath(text: string): string | undefined {
  if (!text.includes('\r\n\r\n')) return undefined;
  const match = /^[A-Z]+ (\S+) HTTP\/1\.[01]\r\n/.exec(text);
  return match === null ? '' : (match[1] as string);
}

/** A response: the header text and the total length in bytes (header plus zero-fill body). */
export interface HttpResponseBytes {
  readonly text: string;
  readonly length: number;
}

/** The bytes of a response with `status` and a body of `bodyBytes` bytes. */
export function formatHttpResponse(status: number, bodyBytes: number, connectionClose = false): HttpResponseBytes {
  const close = connectionClose ? 'Connection: close\r\n' : '';
  const text = `HTTP/1.1 ${status} ${reasonPhrases[status] ?? 'Status'}\r\nContent-Length: ${bodyBytes}\r\n${close}\r\n`;
  return { text, length: text.length + bodyBytes };
}

/** Reads a response as it arrives, byte count and text separately (text is the header). */
export class HttpResponseReader {
  private text = '';
  private bytes = 0;
  private expected: number | undefined;
  /** Status code, once the status line has arrived. */
  status: number | undefined;

  /** Adds a received chunk; returns true once the whole response (header and body) is in. */
  add(text: string, bytes: number): boolean {
    this.text += text;
    this.bytes += bytes;
    if (this.expected === undefined) {
      const end = this.text.indexOf('\r\n\r\n');
      if (end === -1) return false;
      const status = /^HTTP\/1\.[01] (\d{3})/.exec(this.text);
      const length = /\r\ncontent-length: *(\d+)/i.exec(this.text);
      this.status = status === null ? 0 : Number(status[1]);
      this.expected = end + 4 + (length === null ? 0 : Number(length[1]));
    }
    return this.bytes >= this.expected;
  }
}
