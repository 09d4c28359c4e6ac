/**
 * A Node `(req, res)` app through serve() over a real socket: called as node:http calls it, with
 * every method node:http delivers (its parser refuses methods it does not know, such as TRACK), the request target as sent, a body on GET; `refuseMethods`
 * is the only extra refusal.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fromNodeHandler } from '@adapt/core';
import { serve, type ServerHandle } from '../src/index.js';
import { send, text } from '@adapt/conformance/http';

async function echo(req: IncomingMessage, res: ServerResponse, ...rest: unknown[]): Promise<void> {
  let body = '';
  for await (const chunk of req) body += chunk;
  res.setHeader('content-type', 'application/json');
  res.end(JSON.stringify({ method: req.method, url: req.url, body, extra: rest.length }));
}

describe('a Node handler on serve()', () => {
  let open: ServerHandle;
  let refusing: ServerHandle;
  beforeAll(async () => {
    open = await serve(fromNodeHandler(echo), { port: 0, host: '127.0.0.1', handleSignals: false });
    refusing = await serve(fromNodeHandler(echo), { port: 0, host: '127.0.0.1', handleSignals: false, refuseMethods: ['TRACE', 'propfind'] });
  });
  afterAll(async () => {
    await open.close();
    await refusing.close();
  });

  // (node:http's parser knows its methods: TRACK, unknown to it, is a 400 before any listener)
  it('is called with (req, res) only, and gets TRACE, WebDAV methods and a body on GET', async () => {
    for (const method of ['TRACE', 'GET', 'PROPFIND', 'MKCOL']) {
      const response = await send(open.url, '/m', { method, body: 'payload', headers: [['content-length', '7']] });
      expect(JSON.parse(text(response.body))).toEqual({ method, url: '/m', body: 'payload', extra: 0 });
    }
  });

  it.each(['/%', '/%zz', '/%c0%ae', '/../etc/passwd', '/%2e%2e%2fetc', '/..%5cwin.ini', '/a/./b/../c?x=%'])('gives req.url %s as the client sent it', async (target) => {
    const response = await send(open.url, target);
    expect(JSON.parse(text(response.body)).url).toBe(target);
  });

  it('answers 405 to what refuseMethods lists, before the app, and serves the rest', async () => {
    for (const method of ['TRACE', 'PROPFIND']) {
      const refused = await send(refusing.url, '/', { method });
      expect(refused.status).toBe(405);
      expect(text(refused.body)).toMatch(new RegExp(`${method} is refused \\(refuseMethods\\)`));
    }
    expect((await send(refusing.url, '/', { method: 'MKCOL' })).status).toBe(200);
  });
});
