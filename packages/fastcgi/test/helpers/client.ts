/** A hand-driven FastCGI client for tests: raw records over a real socket, records back. */
import { connect, type Socket } from 'node:net';
import {
  FCGI_BEGIN_REQUEST,
  FCGI_END_REQUEST,
  FCGI_PARAMS,
  FCGI_RESPONDER,
  FCGI_STDIN,
  FCGI_STDOUT,
  RecordReader,
  encodeBeginRequest,
  encodePairs,
  encodeRecord,
  type FcgiRecord,
} from '../../src/records.js';

export class FcgiClient {
  readonly socket: Socket;
  readonly records: FcgiRecord[] = [];
  closed = false;
  #reader = new RecordReader();
  #waiters: Array<() => void> = [];

  private constructor(socket: Socket) {
    this.socket = socket;
    socket.on('data', (chunk: Buffer) => {
      for (const record of this.#reader.push(chunk)) this.records.push({ ...record, content: Buffer.from(record.content) });
      this.#wake();
    });
    socket.on('error', () => {});
    socket.on('close', () => {
      this.closed = true;
      this.#wake();
    });
  }

  static open(target: { port: number } | { path: string }): Promise<FcgiClient> {
    return new Promise((resolve, reject) => {
      const socket = 'port' in target ? connect(target.port, '127.0.0.1') : connect(target.path);
      socket.once('connect', () => resolve(new FcgiClient(socket)));
      socket.once('error', reject);
    });
  }

  #wake(): void {
    for (const wake of this.#waiters.splice(0)) wake();
  }

  /** Resolves once `done()` holds (checked on every record and on close). */
  async until(done: () => boolean): Promise<void> {
    while (!done()) {
      if (this.closed) throw new Error(`the connection closed first; records: ${this.records.map((r) => `${r.type}/${r.requestId}`).join(' ')}`);
      await new Promise<void>((resolve) => this.#waiters.push(resolve));
    }
  }

  untilClosed(): Promise<void> {
    return new Promise((resolve) => (this.closed ? resolve() : this.socket.once('close', () => resolve())));
  }

  write(...records: Buffer[]): void {
    this.socket.write(Buffer.concat(records));
  }

  ended(id: number): boolean {
    return this.records.some((r) => r.type === FCGI_END_REQUEST && r.requestId === id);
  }

  /** The STDOUT bytes of request `id` so far. */
  stdout(id: number): Buffer {
    return Buffer.concat(this.records.filter((r) => r.type === FCGI_STDOUT && r.requestId === id).map((r) => r.content));
  }

  close(): void {
    this.socket.destroy();
  }
}

export const defaultParams = (uri: string, extra: Record<string, string> = {}): Record<string, string> => ({
  REQUEST_METHOD: 'GET',
  REQUEST_URI: uri,
  HTTP_HOST: 'example.test',
  REMOTE_ADDR: '192.0.2.7',
  ...extra,
});

/** The records of one whole request: BEGIN_REQUEST, PARAMS, the empty PARAMS, STDIN, the empty STDIN. */
export function requestRecords(
  id: number,
  params: Record<string, string> | Array<[string, string]>,
  options: { keepConn?: boolean; stdin?: Buffer | string; role?: number } = {},
): Buffer {
  const pairs = encodePairs(Array.isArray(params) ? params : Object.entries(params));
  const parts = [encodeRecord(FCGI_BEGIN_REQUEST, id, encodeBeginRequest(options.role ?? FCGI_RESPONDER, options.keepConn ? 1 : 0))];
  for (let i = 0; i < pairs.length; i += 65535) parts.push(encodeRecord(FCGI_PARAMS, id, pairs.subarray(i, i + 65535)));
  parts.push(encodeRecord(FCGI_PARAMS, id));
  const stdin = options.stdin === undefined ? Buffer.alloc(0) : Buffer.from(options.stdin);
  for (let i = 0; i < stdin.length; i += 65535) parts.push(encodeRecord(FCGI_STDIN, id, stdin.subarray(i, i + 65535)));
  parts.push(encodeRecord(FCGI_STDIN, id));
  return Buffer.concat(parts);
}

/** A CGI response split into status, headers (in order) and body. */
export function parseCgi(bytes: Buffer): { status: string; headers: Array<[string, string]>; body: Buffer } {
  const end = bytes.indexOf('\r\n\r\n');
  if (end === -1) throw new Error(`no blank line after the head: ${JSON.stringify(bytes.toString('latin1').slice(0, 200))}`);
  const lines = bytes.subarray(0, end).toString('latin1').split('\r\n');
  const headers = lines.map((line) => [line.slice(0, line.indexOf(':')), line.slice(line.indexOf(':') + 2)] as [string, string]);
  const status = headers.find(([name]) => name === 'Status')?.[1] ?? '';
  return { status, headers: headers.filter(([name]) => name !== 'Status'), body: bytes.subarray(end + 4) };
}
