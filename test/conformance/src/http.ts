/**
 * The one raw-HTTP test client: real HTTP over a socket, with the request line and headers
 * exactly as given. Runners' `deliver`, the node package's tests and the CLI's tests all use it:
 *
 *   deliver: (request) => send(origin, request.path, request)
 */
import { request as httpRequest, type Agent } from 'node:http';
import { connect } from 'node:net';
import type { CaseResponse } from './runner.js';

/** The answer as the client saw it: status, headers in wire order, body bytes. */
export type RawResponse = CaseResponse;

export interface SendOptions {
  method?: string;
  headers?: Array<[string, string]>;
  body?: Uint8Array | string;
  agent?: Agent | false;
  socketPath?: string;
  /** Give up (reject) after this many milliseconds without activity. */
  timeout?: number;
}

/** One request with node:http on a fresh connection (unless `agent`); the path goes on the request line as given. */
export function send(origin: string, path: string, options: SendOptions = {}): Promise<RawResponse> {
  const url = new URL(origin);
  const headers: Record<string, string | string[]> = {};
  for (const [name, value] of options.headers ?? []) {
    const key = name.toLowerCase();
    const existing = headers[key];
    headers[key] = existing === undefined ? value : [...(Array.isArray(existing) ? existing : [existing]), value];
  }
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      {
        host: url.hostname,
        port: url.port,
        socketPath: options.socketPath,
        method: options.method ?? 'GET',
        path,
        headers,
        agent: options.agent ?? false,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => {
          const responseHeaders = new Headers();
          for (let i = 0; i < res.rawHeaders.length; i += 2) responseHeaders.append(res.rawHeaders[i], res.rawHeaders[i + 1]);
          resolve({ status: res.statusCode!, headers: responseHeaders, body: new Uint8Array(Buffer.concat(chunks)) });
        });
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    if (options.timeout) req.setTimeout(options.timeout, () => req.destroy(new Error(`no answer within ${options.timeout} ms`)));
    if (options.body !== undefined) req.end(options.body);
    else req.end();
  });
}

export const text = (body: Uint8Array) => Buffer.from(body).toString('utf8');

/** Writes raw bytes on a TCP connection and collects everything until the server closes it. */
export function rawExchange(port: number, payload: string | Buffer, options: { waitMs?: number } = {}): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    socket.on('data', (chunk) => chunks.push(chunk));
    socket.on('error', (error: NodeJS.ErrnoException) => (error.code === 'ECONNRESET' ? resolve(Buffer.concat(chunks).toString('latin1')) : reject(error)));
    socket.on('close', () => resolve(Buffer.concat(chunks).toString('latin1')));
    socket.write(payload);
    if (options.waitMs) setTimeout(() => socket.end(), options.waitMs);
  });
}
