/**
 * A passive-mode FTP server (RFC 959): enough of the protocol to show why multi-connection
 * protocols break under 5-tuple load balancing (docs/mechanics.md §2.13).
 *
 * The control connection answers USER, PASS, TYPE, PASV, RETR and QUIT. PASV opens a listener
 * on the next port of the passive range — on this VM only — and answers with the advertised
 * address (the load balancer's frontend IP, as an FTP server behind a load balancer must) and
 * that port. The client's data connection to it crosses the load balancer as a new flow: under
 * `Default` distribution it is hashed independently and may land on another VM, which has no
 * listener there and answers RST.
 */
import { formatIpv4Address, type Ipv4Address } from '../net/ipv4-address.ts';
import type { ScheduledEvent } from '../sim/event-queue.ts';
import type { Kernel } from '../sim/kernel.ts';
import type { Endpoint, TcpListener } from './endpoint.ts';
import { LineReader } from './line-reader.ts';
import type { TcpConnection } from './tcp-connection.ts';
import type { TcpConnectionHandlers } from './tcp-state.ts';

/** Configuration of an {@link FtpServer}. */
export interface FtpServerConfig {
  /** Address advertised in PASV replies: the frontend IP clients reach the server by. */
  readonly passiveAddress: Ipv4Address;
  /** First and last port of the passive range (each needs a load-balancing rule). */
  readonly passivePortMin: number;
  readonly passivePortMax: number;
  /** Size of every file served, bytes. */
  readonly fileBytes: number;
  /** How long a PASV listener waits for the data connection, ns (vsftpd `accept_timeout`: 60 s). */
  readonly acceptTimeoutNs: number;
}

interface DataChannel {
  readonly port: number;
  connection: TcpConnection | undefined;
  retrieving: boolean;
  timer: ScheduledEvent | undefined;
}

/** A listener that runs the FTP server on each control connection. */
export class FtpServer implements TcpListener {
  private nextPassivePort: number;

  constructor(
    private readonly endpoint: Endpoint,
    private readonly kernel: Kernel,
    private readonly config: FtpServerConfig,
  ) {
    this.nextPassivePort = config.passivePortMin;
  }

  accept(_connection: TcpConnection): TcpConnectionHandlers<TcpConnection> {
    const lines = new LineReader();
    let data: DataChannel | undefined;
    const reply = (control: TcpConnection, text: string) => control.write(`${text}\r\n`);

    const startRetrieval = (control: TcpConnection, channel: DataChannel) => {
      const connection = channel.connection;
      if (connection === undefined || !channel.retrieving) return;
      reply(control, '150 Opening BINARY mode data connection');
      connection.write('', this.config.fileBytes);
      connection.handlers = {
        onClose: () => reply(control, '226 Transfer complete'),
      };
      connection.close();
    };

    const openPassive = (control: TcpConnection): DataChannel | undefined => {
      const port = this.takePassivePort();
      if (port === undefined) return undefined;
      const channel: DataChannel = { port, connection: undefined, retrieving: false, timer: undefined };
      this.endpoint.listen(port, undefined, {
        accept: (connection) => {
          this.endpoint.stopListening(port);
          if (channel.timer !== undefined) this.kernel.cancel(channel.timer);
          channel.connection = connection;
          return { onEstablished: () => startRetrieval(control, channel) };
        },
      });
      channel.timer = this.kernel.after(this.config.acceptTimeoutNs, () => {
        if (channel.connection !== undefined) return;
        this.endpoint.stopListening(port);
        reply(control, "425 Can't open data connection");
      });
      return channel;
    };

    // A passive listener lives no longer than its session, as in vsftpd and ProFTPD.
    const closePassive = () => {
      if (data === undefined || data.connection !== undefined) return;
      if (data.timer !== undefined) this.kernel.cancel(data.timer);
      this.endpoint.stopListening(data.port);
      data = undefined;
    };

    return {
      onEstablished: (control) => reply(control, '220 lbsim FTP server ready'),
      onClose: closePassive,
      onData: (control, text) => {
        for (const line of lines.add(text)) {
          const [command = '', ...rest] = line.split(' ');
          switch (command.toUpperCase()) {
            case 'USER':
              reply(control, `331 Password required for ${rest.join(' ')}`);
              break;
            case 'PASS':
              reply(control, '230 User logged in');
              break;
            case 'TYPE':
              reply(control, '200 Type set to I');
              break;
            case 'PASV': {
              closePassive();
              data = openPassive(control);
              if (data === undefined) {
                reply(control, '421 No passive port free');
                break;
              }
              const [a, b, c, d] = formatIpv4Address(this.config.passiveAddress).split('.');
              reply(control, `227 Entering Passive Mode (${a},${b},${c},${d},${data.port >> 8},${data.port & 0xff})`);
              break;
            }
            case 'RETR':
              if (data === undefined) {
                reply(control, '425 Use PASV first');
                break;
              }
              data.retrieving = true;
              startRetrieval(control, data);
              break;
            case 'QUIT':
              closePassive();
              reply(control, '221 Goodbye');
              control.close();
              break;
            default:
              reply(control, '502 Command not implemented');
          }
        }
      },
      onPeerClose: (control) => control.close(),
    };
  }

  /** The next passive port not already waiting for a connection, round robin. */
  private takePassivePort(): number | undefined {
    const { passivePortMin: min, passivePortMax: max } = this.config;
    for (let i = 0; i <= max - min; i++) {
      const port = this.nextPassivePort;
      this.nextPassivePort = port === max ? min : port + 1;
      if (!this.endpoint.isListeningOnPort(port)) return port;
    }
    return undefined;
  }
}
