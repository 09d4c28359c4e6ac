/** One request over a real socket with node:http: the path goes on the request line exactly as given. */
import { request as httpRequest } from 'node:http';
import { bytesOf, type CaseRequest, type CaseResponse } from './runner.js';

export function sendHttp(origin: string, input: CaseRequest): Promise<CaseResponse> {
  const url = new URL(origin);
  const body = input.body === undefined ? undefined : bytesOf(input.body);
  const headers: Array<[string, string]> = [...(input.headers ?? [])];
  if (!headers.some(([name]) => name.toLowerCase() === 'host')) headers.unshift(['host', url.host]);
  if (body !== undefined && !headers.some(([name]) => name.toLowerCase() === 'content-length')) headers.push(['content-length', String(body.byteLength)]);
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: url.hostname, port: url.port, method: input.method, path: input.path, headers: headers.flat(), agent: false, insecureHTTPParser: true }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => {
        const out = new Headers();
        for (let i = 0; i < res.rawHeaders.length; i += 2) out.append(res.rawHeaders[i], res.rawHeaders[i + 1]);
        resolve({ status: res.statusCode ?? 0, headers: out, body: new Uint8Array(Buffer.concat(chunks)) });
      });
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}
