/**
 * The protocol against a hand-driven socket: records written by the test, records read back.
 * Multiplexing, kept connections, aborts, streaming both ways, and bad input.
 */
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fromNodeHandler } from '@adapt/core';
import { serveFastcgi, type FastcgiServer } from '../src/index.js';
import {
  FCGI_ABORT_REQUEST,
  FCGI_BEGIN_REQUEST,
  FCGI_END_REQUEST,
  FCGI_GET_VALUES,
  FCGI_GET_VALUES_RESULT,
  FCGI_PARAMS,
  FCGI_STDIN,
  FCGI_UNKNOWN_TYPE,
  decodePairs,
  encodeBeginRequest,
  encodePairs,
  encodeRecord,
} from '../src/records.js';
import { FcgiClient, defaultParams, parseCgi, requestRecords } from './helpers/client.js';

const events: string[] = [];
let releaseSlow: (() => void) | undefined;

async function app(request: Request, context: { remoteAddress: string | undefined }): Promise<Response> {
  const url = new URL(request.url);
  switch (url.pathname.startsWith('/echo') ? '/echo' : url.pathname) {
    case '/echo': {
      const body = new Uint8Array(await request.arrayBuffer());
      return Response.json({
        url: request.url,
        length: body.length,
        sha256: createHash('sha256').update(body).digest('hex'),
        address: context.remoteAddress,
        headers: [...request.headers],
      });
    }
    case '/cookies': {
      const headers = new Headers([['content-type', 'text/plain']]);
      headers.append('set-cookie', 'a=1; Path=/');
      headers.append('set-cookie', 'b=2; Expires=Wed, 21 Oct 2037 07:28:00 GMT');
      return new Response('ok', { status: 201, headers });
    }
    case '/slow':
      await new Promise<void>((resolve) => (releaseSlow = resolve));
      return new Response('slow');
    case '/stream': {
      const size = Number(url.searchParams.get('size') ?? 200_000);
      let sent = 0;
      return new Response(
        new ReadableStream({
          pull(controller) {
            if (sent >= size) return controller.close();
            const chunk = new Uint8Array(Math.min(100_000, size - sent)).fill(sent % 251);
            sent += chunk.length;
            controller.enqueue(chunk);
          },
        }),
      );
    }
    case '/forever': {
      request.signal.addEventListener('abort', () => events.push('signal aborted'));
      return new Response(
        new ReadableStream({
          start(controller) {
            controller.enqueue(new TextEncoder().encode('first chunk'));
          },
          cancel() {
            events.push('stream cancelled');
          },
        }),
      );
    }
    case '/fail-midway':
      return new Response(
        new ReadableStream({
          start(controller) {
            controller.enqueue(new TextEncoder().encode('part of it'));
            setTimeout(() => controller.error(new Error('the data source broke')), 10);
          },
        }),
      );
    default:
      return new Response('hello');
  }
}

let server: FastcgiServer;
beforeAll(async () => {
  server = await serveFastcgi(app, { port: 0, bodyLimit: 8 * 1024 * 1024, maxParamsBytes: 64 * 1024, trustProxy: ['192.0.2.7'] });
});
afterAll(() => server.close());

const open = () => FcgiClient.open({ port: server.port! });
const endOf = (client: FcgiClient, id: number) => {
  const record = client.records.find((r) => r.type === FCGI_END_REQUEST && r.requestId === id)!;
  return { appStatus: record.content.readUInt32BE(0), protocolStatus: record.content[4] };
};

describe('one request', () => {
  it('answers a CGI response, then END_REQUEST, then closes without FCGI_KEEP_CONN', async () => {
    const client = await open();
    client.write(requestRecords(1, defaultParams('/')));
    await client.untilClosed();
    const answer = parseCgi(client.stdout(1));
    expect(answer.status).toBe('200 OK');
    expect(answer.headers).toContainEqual(['content-length', '5']);
    expect(answer.body.toString()).toBe('hello');
    expect(endOf(client, 1)).toEqual({ appStatus: 0, protocolStatus: 0 });
  });

  it('keeps each Set-Cookie apart and the status the app chose', async () => {
    const client = await open();
    client.write(requestRecords(1, defaultParams('/cookies')));
    await client.untilClosed();
    const answer = parseCgi(client.stdout(1));
    expect(answer.status).toBe('201 Created');
    expect(answer.headers.filter(([name]) => name === 'set-cookie')).toEqual([
      ['set-cookie', 'a=1; Path=/'],
      ['set-cookie', 'b=2; Expires=Wed, 21 Oct 2037 07:28:00 GMT'],
    ]);
  });

  it('writes a whole small answer in one write: every record in one chunk', async () => {
    const client = await open();
    const chunks: number[] = [];
    client.socket.on('data', (chunk: Buffer) => chunks.push(chunk.length));
    client.write(requestRecords(1, defaultParams('/')));
    await client.untilClosed();
    expect(chunks).toHaveLength(1);
    expect(client.records.map((r) => r.type)).toEqual([6, 6, 3]);
  });

  it('rebuilds the URL from REQUEST_URI, scheme from HTTPS, host from HTTP_HOST or SERVER_NAME', async () => {
    const uri = Buffer.from('/echo/caf\u00e9/a%2Fb?q=%2F&x=1', 'utf8').toString('latin1');
    const cases: Array<[Record<string, string>, string]> = [
      [defaultParams(uri, { REQUEST_METHOD: 'POST', SCRIPT_NAME: '/echo/café/a/b', PATH_INFO: '' }), 'http://example.test/echo/caf%C3%A9/a%2Fb?q=%2F&x=1'],
      [{ ...defaultParams('/echo'), HTTPS: 'on' }, 'https://example.test/echo'],
      [{ REQUEST_METHOD: 'GET', REQUEST_URI: '/echo', REQUEST_SCHEME: 'https', SERVER_NAME: 'srv.test', SERVER_PORT: '8443' }, 'https://srv.test:8443/echo'],
      [{ REQUEST_METHOD: 'GET', REQUEST_URI: '/echo', SERVER_NAME: 'srv.test', SERVER_PORT: '80' }, 'http://srv.test/echo'],
    ];
    for (const [params, url] of cases) {
      const client = await open();
      client.write(requestRecords(1, params));
      await client.untilClosed();
      expect(JSON.parse(parseCgi(client.stdout(1)).body.toString()).url).toBe(url);
    }
  });

  it('maps HTTP_* and CONTENT_* params to headers, joins a name sent twice, walks X-Forwarded-For from REMOTE_ADDR', async () => {
    const client = await open();
    const params: Array<[string, string]> = [
      ...Object.entries(defaultParams('/echo', { REQUEST_METHOD: 'POST', CONTENT_TYPE: 'text/plain', CONTENT_LENGTH: '3' })),
      ['HTTP_X_MANY', 'a'],
      ['HTTP_X_MANY', 'b'],
      ['HTTP_X_FORWARDED_FOR', '203.0.113.9'],
    ];
    client.write(requestRecords(1, params, { stdin: 'abc' }));
    await client.untilClosed();
    const seen = JSON.parse(parseCgi(client.stdout(1)).body.toString());
    expect(seen.headers).toEqual([
      ['content-length', '3'],
      ['content-type', 'text/plain'],
      ['host', 'example.test'],
      ['x-forwarded-for', '203.0.113.9'],
      ['x-many', 'a, b'],
    ]);
    expect(seen.address).toBe('203.0.113.9');
    expect(seen.length).toBe(3);
  });
});

describe('streams', () => {
  it('streams a 3 MiB STDIN body to the app in records of 65535 bytes', async () => {
    const body = Buffer.alloc(3 * 1024 * 1024);
    for (let i = 0; i < body.length; i++) body[i] = (i * 7) % 256;
    const client = await open();
    client.write(requestRecords(1, defaultParams('/echo', { REQUEST_METHOD: 'PUT' }), { stdin: body }));
    await client.untilClosed();
    const seen = JSON.parse(parseCgi(client.stdout(1)).body.toString());
    expect(seen).toMatchObject({ length: body.length, sha256: createHash('sha256').update(body).digest('hex') });
  });

  it('streams the answer in STDOUT records of at most 65535 bytes', async () => {
    const client = await open();
    client.write(requestRecords(1, defaultParams('/stream?size=300000')));
    await client.untilClosed();
    const stdout = client.records.filter((r) => r.type === 6);
    expect(Math.max(...stdout.map((r) => r.content.length))).toBeLessThanOrEqual(65535);
    const answer = parseCgi(client.stdout(1));
    expect(answer.body.length).toBe(300_000);
    expect(answer.body[0]).toBe(0);
    expect(answer.body[100_000]).toBe(100_000 % 251);
    expect(endOf(client, 1).protocolStatus).toBe(0);
  });

  it('closes the connection without END_REQUEST when the body fails after the head', async () => {
    const client = await open();
    client.write(requestRecords(1, defaultParams('/fail-midway'), { keepConn: true }));
    await client.untilClosed();
    expect(client.stdout(1).toString()).toContain('part of it');
    expect(client.ended(1)).toBe(false);
  });
});

describe('kept and multiplexed connections', () => {
  it('serves request after request on one connection with FCGI_KEEP_CONN', async () => {
    const client = await open();
    for (let id = 1; id <= 3; id++) {
      client.write(requestRecords(id, defaultParams('/'), { keepConn: true }));
      await client.until(() => client.ended(id));
    }
    expect(client.closed).toBe(false);
    expect([1, 2, 3].map((id) => parseCgi(client.stdout(id)).body.toString())).toEqual(['hello', 'hello', 'hello']);
    client.close();
  });

  it('answers interleaved requests each on its own id: a fast one passes a slow one', async () => {
    const client = await open();
    const slow = requestRecords(1, defaultParams('/slow'), { keepConn: true });
    const fast = requestRecords(2, defaultParams('/'), { keepConn: true });
    // interleave the records of both requests
    client.write(slow.subarray(0, 16), fast.subarray(0, 16), slow.subarray(16), fast.subarray(16));
    await client.until(() => client.ended(2));
    expect(client.ended(1)).toBe(false);
    releaseSlow!();
    await client.until(() => client.ended(1));
    expect(parseCgi(client.stdout(1)).body.toString()).toBe('slow');
    expect(parseCgi(client.stdout(2)).body.toString()).toBe('hello');
    client.close();
  });

  it('answers GET_VALUES with the values asked for', async () => {
    const client = await open();
    client.write(
      encodeRecord(
        FCGI_GET_VALUES,
        0,
        encodePairs([
          ['FCGI_MPXS_CONNS', ''],
          ['FCGI_MAX_CONNS', ''],
          ['OTHER', ''],
        ]),
      ),
    );
    await client.until(() => client.records.length > 0);
    const [record] = client.records;
    expect(record.type).toBe(FCGI_GET_VALUES_RESULT);
    const values: Record<string, string> = {};
    decodePairs(record.content, (name, value) => (values[name] = value));
    expect(Object.keys(values)).toEqual(['FCGI_MPXS_CONNS', 'FCGI_MAX_CONNS']);
    expect(values.FCGI_MPXS_CONNS).toBe('1');
    client.close();
  });
});

describe('the web server goes away', () => {
  it('ABORT_REQUEST aborts request.signal, cancels the stream, ends the request and keeps the connection', async () => {
    events.length = 0;
    const client = await open();
    client.write(requestRecords(1, defaultParams('/forever'), { keepConn: true }));
    await client.until(() => client.stdout(1).includes('first chunk'));
    client.write(encodeRecord(FCGI_ABORT_REQUEST, 1));
    await client.until(() => client.ended(1));
    await until(() => events.length === 2);
    expect(events.sort()).toEqual(['signal aborted', 'stream cancelled']);
    client.write(requestRecords(2, defaultParams('/'), { keepConn: true }));
    await client.until(() => client.ended(2));
    expect(parseCgi(client.stdout(2)).body.toString()).toBe('hello');
    client.close();
  });

  it('a closed socket aborts request.signal and cancels the stream; the next connection is served', async () => {
    events.length = 0;
    const client = await open();
    client.write(requestRecords(1, defaultParams('/forever'), { keepConn: true }));
    await client.until(() => client.stdout(1).includes('first chunk'));
    client.close();
    await until(() => events.length === 2);
    expect(events.sort()).toEqual(['signal aborted', 'stream cancelled']);
    await expectServing();
  });
});

describe('bad input closes the connection and the next one is served', () => {
  it('bytes that are not FastCGI records', async () => {
    const client = await open();
    client.socket.write('GET / HTTP/1.1\r\nHost: x\r\n\r\n');
    await client.untilClosed();
    expect(client.records).toEqual([]);
    await expectServing();
  });

  it('a params block over maxParamsBytes', async () => {
    const client = await open();
    client.write(requestRecords(1, defaultParams('/', { HTTP_X_HUGE: 'x'.repeat(100_000) })));
    await client.untilClosed();
    expect(client.ended(1)).toBe(false);
    await expectServing();
  });

  it('a record stream cut in the middle of a record', async () => {
    const client = await open();
    client.socket.end(requestRecords(1, defaultParams('/')).subarray(0, 21));
    await client.untilClosed();
    await expectServing();
  });

  it('malformed name-value pairs', async () => {
    const client = await open();
    client.write(encodeRecord(FCGI_BEGIN_REQUEST, 1, encodeBeginRequest(1, 0)), encodeRecord(FCGI_PARAMS, 1, Buffer.from([10, 10, 65])), encodeRecord(FCGI_PARAMS, 1));
    await client.untilClosed();
    expect(client.ended(1)).toBe(false);
    await expectServing();
  });

  it('STDIN before the params ended, and a second BEGIN_REQUEST for an active id', async () => {
    for (const second of [encodeRecord(FCGI_STDIN, 1, Buffer.from('x')), encodeRecord(FCGI_BEGIN_REQUEST, 1, encodeBeginRequest(1, 0))]) {
      const client = await open();
      client.write(encodeRecord(FCGI_BEGIN_REQUEST, 1, encodeBeginRequest(1, 0)), second);
      await client.untilClosed();
    }
    await expectServing();
  });

  it('an unknown role gets END_REQUEST with FCGI_UNKNOWN_ROLE; the kept connection goes on', async () => {
    const client = await open();
    client.write(encodeRecord(FCGI_BEGIN_REQUEST, 1, encodeBeginRequest(2 /* AUTHORIZER */, 1)));
    await client.until(() => client.ended(1));
    expect(endOf(client, 1).protocolStatus).toBe(3);
    client.write(requestRecords(2, defaultParams('/'), { keepConn: true }));
    await client.until(() => client.ended(2));
    client.close();
  });

  it('an unknown record type gets FCGI_UNKNOWN_TYPE', async () => {
    const client = await open();
    client.write(encodeRecord(99, 0, Buffer.from('zz')));
    await client.until(() => client.records.length > 0);
    expect([client.records[0].type, client.records[0].content[0]]).toEqual([FCGI_UNKNOWN_TYPE, 99]);
    client.close();
  });

  it('a body over bodyLimit is a 413', async () => {
    const small = await serveFastcgi(app, { port: 0, bodyLimit: 1000 });
    try {
      const client = await FcgiClient.open({ port: small.port! });
      client.write(requestRecords(1, defaultParams('/echo', { REQUEST_METHOD: 'POST' }), { stdin: Buffer.alloc(5000) }));
      await client.untilClosed();
      expect(parseCgi(client.stdout(1)).status).toBe('413 Payload Too Large');
    } finally {
      await small.close();
    }
  });
});

describe('a Node (req, res) app through fromNodeHandler', () => {
  it('gets the raw target, headers and body, and answers through res', async () => {
    const nodeServer = await serveFastcgi(
      fromNodeHandler((req, res) => {
        const chunks: Buffer[] = [];
        req.on('data', (chunk: Buffer) => chunks.push(chunk));
        req.on('end', () => {
          res.setHeader('set-cookie', ['a=1', 'b=2']);
          res.end(JSON.stringify({ url: req.url, host: req.headers.host, body: Buffer.concat(chunks).toString(), address: req.socket.remoteAddress }));
        });
      }),
      { port: 0 },
    );
    try {
      const client = await FcgiClient.open({ port: nodeServer.port! });
      client.write(requestRecords(1, defaultParams('/a/%2e%2e/b%2Fc?x', { REQUEST_METHOD: 'POST', CONTENT_LENGTH: '4' }), { stdin: 'data' }));
      await client.untilClosed();
      const answer = parseCgi(client.stdout(1));
      expect(answer.headers.filter(([name]) => name === 'set-cookie')).toEqual([
        ['set-cookie', 'a=1'],
        ['set-cookie', 'b=2'],
      ]);
      expect(JSON.parse(answer.body.toString())).toEqual({ url: '/a/%2e%2e/b%2Fc?x', host: 'example.test', body: 'data', address: '192.0.2.7' });
    } finally {
      await nodeServer.close();
    }
  });
});

async function expectServing(): Promise<void> {
  const client = await open();
  client.write(requestRecords(1, defaultParams('/')));
  await client.untilClosed();
  expect(parseCgi(client.stdout(1)).body.toString()).toBe('hello');
}

async function until(done: () => boolean): Promise<void> {
  while (!done()) await new Promise((resolve) => setTimeout(resolve, 5));
}
