/**
 * A passive-mode FTP client session (RFC 959): log in on the control connection, ask for
 * PASV, open the data connection to the address and port the server gave, RETR a file, read
 * it to the end, QUIT. Both connections carry the same simulation connection id, so the trace
 * and the summary show the session as one — and show when its two connections reached two DIPs
 * (docs/mechanics.md §2.13).
 */
import { type Ipv4Address, parseIpv4Address } from '../net/ipv4-address.ts';
import type { Endpoint } from './endpoint.ts';
import { closeOutcomes, type ExchangeOutcome, type ExchangeResult } from './exchange-outcome.ts';
import { LineReader } from './line-reader.ts';
import type { TcpConnection } from './tcp-connection.ts';

/** Parameters of {@link startFtpExchange}. */
export interface FtpExchangeOptions {
  readonly endpoint: Endpoint;
  readonly localAddress: Ipv4Address;
  readonly remoteAddress: Ipv4Address;
  /** Control port (21). */
  readonly remotePort: number;
  readonly connectionId: number;
  /** File to retrieve. */
  readonly file: string;
  readonly onResult: (result: ExchangeResult) => void;
}

/** Parses `227 Entering Passive Mode (h1,h2,h3,h4,p1,p2)` into an address and port. */
export function parsePassiveReply(line: string): { readonly address: Ipv4Address; readonly port: number } | undefined {
  const match = /\((\d+),(\d+),(\d+),(\d+),(\d+),(\d+)\)/.exec(line);
  if (match === null) return undefined;
  const address = parseIpv4Address(`${match[1]}.${match[2]}.${match[3]}.${match[4]}`);
  const port = Number(match[5]) * 256 + Number(match[6]);
  return address === undefined || port > 65535 ? undefined : { address, port };
}

/** Starts a session now; returns a function giving the result so far. */
export function startFtpExchange(options: FtpExchangeOptions): () => ExchangeResult {
  const { endpoint } = options;
  const kernel = endpoint.kernel;
  const lines = new LineReader();
  let final: ExchangeResult | undefined;
  let establishedAtNs: number | undefined;
  let transferred = 0;
  let transferDone = false;
  let control: TcpConnection | undefined;

  const finish = (outcome: ExchangeOutcome): void => {
    if (final !== undefined) return;
    final = { outcome, endedAtNs: kernel.nowNs, establishedAtNs, httpStatus: undefined, localPort: control?.localPort };
    options.onResult(final);
  };
  const send = (text: string) => control?.write(`${text}\r\n`);

  const openData = (address: Ipv4Address, port: number) => {
    const data = endpoint.connect({
      localAddress: options.localAddress,
      remoteAddress: address,
      remotePort: port,
      connectionId: options.connectionId,
      handlers: {
        onEstablished: () => send(`RETR ${options.file}`),
        onData: (_c, _text, bytes) => {
          transferred += bytes;
        },
        onPeerClose: (c) => {
          transferDone = true;
          c.close();
        },
        onClose: (_c, reason) => {
          if (!transferDone) {
            finish(closeOutcomes[reason]);
            send('QUIT');
          }
        },
      },
    });
    if (data === undefined) finish('no-port');
  };

  control = endpoint.connect({
    localAddress: options.localAddress,
    remoteAddress: options.remoteAddress,
    remotePort: options.remotePort,
    connectionId: options.connectionId,
    handlers: {
      onEstablished: () => {
        establishedAtNs = kernel.nowNs;
      },
      onData: (_c, text) => {
        for (const line of lines.add(text)) {
          const code = line.slice(0, 3);
          if (code === '220') send('USER anonymous');
          else if (code === '331') send('PASS lbsim');
          else if (code === '230') send('PASV');
          else if (code === '227') {
            const target = parsePassiveReply(line);
            if (target === undefined) finish('incomplete');
            else openData(target.address, target.port);
          } else if (code === '226') {
            if (transferred > 0) finish('completed');
            send('QUIT');
          } else if (code === '221') control?.close();
          else if (code.startsWith('4') || code.startsWith('5')) {
            finish('incomplete');
            send('QUIT');
          }
        }
      },
      onPeerClose: (c) => c.close(),
      onClose: (_c, reason) => finish(closeOutcomes[reason]),
    },
  });
  if (control === undefined) finish('no-port');

  return () =>
    final ?? {
      outcome: establishedAtNs === undefined ? 'pending' : 'established',
      endedAtNs: kernel.nowNs,
      establishedAtNs,
      httpStatus: undefined,
      localPort: control?.localPort,
    };
}
