/**
 * The client-address table (test/conformance) through `serve()` over a real socket: the peer is
 * the test client's 127.0.0.1, X-Forwarded-For is sent as a proxy in front would forward it.
 */
import type { AppContext } from '@adapt/core';
import { clientAddressPeer, clientAddressRows } from '@adapt/conformance/client-address';
import { afterAll, describe, expect, it } from 'vitest';
import { serve, type ServerHandle } from '../src/index.js';
import { rawExchange, send, text } from '@adapt/conformance/http';

const whoami = (request: Request, context: AppContext) => Response.json({ remote: context.remoteAddress, url: request.url });
const servers = new Map<string, Promise<ServerHandle>>();
afterAll(async () => {
  await Promise.all([...servers.values()].map(async (server) => (await server).close()));
});

/** One server per trust setting, on 127.0.0.1 so that the socket's peer is the table's. */
function serverFor(trustProxy: (typeof clientAddressRows)[number]['trustProxy']): Promise<ServerHandle> {
  const key = JSON.stringify(trustProxy);
  if (!servers.has(key)) servers.set(key, serve(whoami, { port: 0, host: clientAddressPeer, handleSignals: false, trustProxy }));
  return servers.get(key)!;
}

describe('node serve(): the client-address table', () => {
  it.each(clientAddressRows)('$name', async (row) => {
    const server = await serverFor(row.trustProxy);
    const headers: Array<[string, string]> = row.forwarded === undefined ? [] : [['x-forwarded-for', row.forwarded]];
    const answer = JSON.parse(text((await send(server.url, '/', { headers })).body));
    expect(answer.remote).toBe(row.expected);
  });

  it('X-Forwarded-Proto and -Host count only when the socket peer is trusted', async () => {
    const headers: Array<[string, string]> = [
      ['host', 'direct.example'],
      ['x-forwarded-proto', 'https'],
      ['x-forwarded-host', 'shop.example'],
    ];
    const trusted = JSON.parse(text((await send((await serverFor(['loopback'])).url, '/p', { headers })).body));
    expect(trusted.url).toBe('https://shop.example/p');
    const untrusted = JSON.parse(text((await send((await serverFor(['10.0.0.0/8'])).url, '/p', { headers })).body));
    expect(untrusted.url).toBe('http://direct.example/p');
  });

  it('a trustProxy that is none of the allowed forms is refused at startup, named, with an example', async () => {
    await expect(serve(whoami, { port: 0, handleSignals: false, trustProxy: ['10.0.0.0/33'] })).rejects.toThrow(
      /option "trustProxy" must be false, true, a number of proxy hops such as 1, or a list of proxy addresses or CIDRs such as \["10\.0\.0\.0\/8".*"10\.0\.0\.0\/33" is not an IP address/,
    );
  });
});

describe("node serve(): core's hop-by-hop list", () => {
  it.each(['text', 'bytes', 'stream'])('keeps te, trailer, upgrade, proxy-connection, keep-alive and transfer-encoding out of a %s answer', async (kind) => {
    const hopByHop = { te: 'trailers', trailer: 'x-sum', upgrade: 'h2c', 'proxy-connection': 'keep-alive', 'keep-alive': 'timeout=5', 'transfer-encoding': 'gzip' };
    const body = kind === 'text' ? 'ok' : kind === 'bytes' ? new TextEncoder().encode('ok') : new Blob(['ok']).stream();
    const server = await serve(() => new Response(body, { headers: { 'content-type': 'text/plain', 'x-kept': 'yes', ...hopByHop } }), {
      port: 0,
      host: '127.0.0.1',
      handleSignals: false,
    });
    try {
      const raw = await rawExchange(server.port!, 'GET / HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n');
      const head = raw.slice(0, raw.indexOf('\r\n\r\n')).toLowerCase().split('\r\n');
      expect(head[0]).toBe('http/1.1 200 ok');
      expect(head).toContain('x-kept: yes');
      for (const [name, value] of Object.entries(hopByHop)) expect(head, name).not.toContain(`${name}: ${value}`);
    } finally {
      await server.close();
    }
  });
});
