/**
 * An HTTP responder: answers GET requests with a status code per path, an optional delay and
 * a zero-filled body, and keeps the connection open until the client closes (HTTP/1.1
 * persistent connections, RFC 9112 §9.3) — or, configured so, closes it first after each
 * answer (`Connection: close`, RFC 9112 §9.6), which puts the server side in TIME-WAIT.
 */
import type { ScheduledEvent } from '../sim/event-queue.ts';
import type { Kernel } from '../sim/kernel.ts';
import type { TcpListener } from './endpoint.ts';
import { formatHttpResponse, type HttpResponseBytes, parseHttpRequestPath } from './http-message.ts';
import type { TcpConnection } from './tcp-connection.ts';
import type { TcpConnectionHandlers } from './tcp-state.ts';

/** How one path is answered. */
export interface HttpRoute {
  readonly status: number;
  /** Body length in bytes. */
  readonly bodyBytes: number;
  /** Time to answer, ns. */
  readonly delayNs: number;
}

/** Configuration of an {@link HttpServer}. */
export interface HttpServerConfig {
  /** Answers by exact path. */
  readonly routes: ReadonlyMap<string, HttpRoute>;
  /** Answer for paths not in `routes`. */
  readonly fallback: HttpRoute;
  /** Close the connection after each answer, server first (default false). */
  readonly closeAfterResponse?: boolean;
  /**
   * Close a connection, server first, once nothing has arrived on it for this long, ns (0 or
   * absent: never). Web servers have such timeouts (Apache's `KeepAliveTimeout` and
   * `RequestReadTimeout`, nginx's `client_header_timeout` and `keepalive_timeout`); closing first
   * puts the server side in TIME-WAIT, which is what `tcp_tw_recycle` remembers peers by.
   */
  readonly idleTimeoutNs?: number;
}

/** The default: every path answers 200 with a 512-byte body at once. */
export const defaultHttpServerConfig: HttpServerConfig = {
  routes: new Map(),
  fallback: { status: 200, bodyBytes: 512, delayNs: 0 },
};

/** A listener that runs the HTTP responder on each connection. */
export class HttpServer implements TcpListener {
  /** Requests answered, by status code. */
  readonly answered = new Map<number, number>();
  /** Each route's response, formatted once: a request costs no string building. */
  private readonly responses = new Map<HttpRoute, HttpResponseBytes>();

  constructor(
    /** The kernel that times delayed answers and idle timeouts. */
    readonly kernel: Kernel,
    /** How each path is answered, and when connections close. */
    readonly config: HttpServerConfig,
  ) {}

  accept(connection: TcpConnection): TcpConnectionHandlers<TcpConnection> {
    return new HttpServerConnection(this, connection);
  }

  /** The response to a request for `path`, counted in {@link answered}. */
  respond(path: string): { readonly route: HttpRoute; readonly response: HttpResponseBytes } {
    const route = this.config.routes.get(path) ?? this.config.fallback;
    let response = this.responses.get(route);
    if (response === undefined) {
      response = formatHttpResponse(route.status, route.bodyBytes, this.config.closeAfterResponse === true);
      this.responses.set(route, response);
    }
    this.answered.set(route.status, (this.answered.get(route.status) ?? 0) + 1);
    return { route, response };
  }
}

/** One connection of an {@link HttpServer}: its request buffer and idle timer, and its handlers. */
class HttpServerConnection implements TcpConnectionHandlers<TcpConnection> {
  private buffered = '';
  private idleTimer: ScheduledEvent | undefined;
  private readonly idleNs: number;

  constructor(
    private readonly server: HttpServer,
    private readonly connection: TcpConnection,
  ) {
    this.idleNs = server.config.idleTimeoutNs ?? 0;
    this.rearm();
  }

  onData(connection: TcpConnection, text: string): void {
    this.rearm();
    this.buffered += text;
    const path = parseHttpRequestPath(this.buffered);
    if (path === undefined) return;
    this.buffered = '';
    const { route, response } = this.server.respond(path);
    if (route.delayNs === 0) answer(this, connection, response);
    else this.server.kernel.afterCall(route.delayNs, answer, this, connection, response);
  }

  onPeerClose(connection: TcpConnection): void {
    connection.close();
  }

  onClose(): void {
    if (this.idleTimer !== undefined) this.server.kernel.cancel(this.idleTimer);
    this.idleTimer = undefined;
  }

  /** Sends an answer and, configured so, closes first. */
  send(connection: TcpConnection, response: HttpResponseBytes): void {
    connection.write(response.text, response.length);
    if (this.server.config.closeAfterResponse === true) connection.close();
  }

  /** The idle timer ran out: close first. */
  closeIdle(): void {
    this.idleTimer = undefined;
    this.connection.close();
  }

  private rearm(): void {
    if (this.idleNs === 0) return;
    const kernel = this.server.kernel;
    if (this.idleTimer !== undefined) kernel.cancel(this.idleTimer);
    this.idleTimer = kernel.afterCall(this.idleNs, closeIdle, this, undefined, undefined);
  }
}

/** The scheduled (or immediate) answer to a request: no closure per request. */
function answer(handler: HttpServerConnection, connection: TcpConnection, response: HttpResponseBytes): void {
  handler.send(connection, response);
}

/** The scheduled end of an idle connection. */
function closeIdle(handler: HttpServerConnection, _a: undefined, _b: undefined): void {
  handler.closeIdle();
}
