/** Small HTTP helpers for the quirk tests, on top of the battery's raw client. */
import { createHash } from 'node:crypto';
import { request } from 'node:http';
import { send, type SendOptions } from '@adapt/conformance/http';

export { send };

export async function sendJson(origin: string, path: string, options: SendOptions = {}): Promise<{ status: number; headers: Headers; json: any }> {
  const response = await send(origin, path, options);
  const text = Buffer.from(response.body).toString('utf8');
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new Error(`${path} answered ${response.status} with a body that is not JSON: ${text.slice(0, 300)}`);
  }
  return { status: response.status, headers: response.headers, json };
}

export const text = (body: Uint8Array) => Buffer.from(body).toString('utf8');
export const sha256 = (bytes: Uint8Array | string) => createHash('sha256').update(bytes).digest('hex');

/** GETs `path`, and destroys the connection once the first body bytes arrived; resolves with how many came. */
export function disconnectAfterFirstBytes(origin: string, path: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const url = new URL(path, origin);
    const req = request(url, { agent: false }, (res) => {
      let received = 0;
      res.on('data', (chunk: Buffer) => {
        received += chunk.length;
        req.destroy();
        resolve(received);
      });
      res.on('error', () => {});
    });
    req.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code !== 'ECONNRESET') reject(error);
    });
    req.end();
  });
}

/** Streams a GET's body through a hash; `onFirstBytes` runs once, when the first chunk arrives. */
export function hashDownload(origin: string, path: string, onFirstBytes?: () => void): Promise<{ status: number; length: number; sha256: string }> {
  return new Promise((resolve, reject) => {
    const req = request(new URL(path, origin), { agent: false }, (res) => {
      const hash = createHash('sha256');
      let length = 0;
      res.on('data', (chunk: Buffer) => {
        if (length === 0) onFirstBytes?.();
        length += chunk.length;
        hash.update(chunk);
      });
      res.on('end', () => resolve({ status: res.statusCode!, length, sha256: hash.digest('hex') }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}
