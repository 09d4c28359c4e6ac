/**
 * functions-framework's own behaviour, through the real framework started as a process: what its
 * body-parser does to bodies, what it answers before the function runs, and what adapt answers
 * instead of letting an error reach the framework.
 */
import { createHash } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GCF_BODY_LIMIT } from '../src/index.js';
import { patternChunk } from './fixtures/quirks-app.js';
import { buildBundle, startFramework, type RunningServer } from './helpers/processes.js';
import { disconnectAfterFirstBytes, hashDownload, send, sendJson, sha256, text } from './helpers/client.js';

let bundle: Awaited<ReturnType<typeof buildBundle>>;
let server: RunningServer;

beforeAll(async () => {
  bundle = await buildBundle('gcf-entry.ts');
  server = await startFramework(bundle.dir, 'quirks');
});
afterAll(async () => {
  await server?.stop();
  bundle?.remove();
});

describe('request bodies through the framework', () => {
  it('a body without Content-Type is streamed to the app untouched', async () => {
    const body = 'no content type here';
    const { status, json } = await sendJson(server.url, '/inspect', { method: 'POST', body });
    expect(status).toBe(200);
    expect(json).toMatchObject({ contentType: null, contentLength: String(body.length), length: body.length, sha256: sha256(body) });
  });

  it('a body with a Content-Type arrives as the exact bytes (req.rawBody), never re-serialized', async () => {
    const body = '{ "b": 1,   "a": [1,2] }'; // JSON.stringify(req.body) would reorder nothing but drop the spaces
    const { json } = await sendJson(server.url, '/inspect', { method: 'POST', headers: [['content-type', 'application/json']], body });
    expect(json).toMatchObject({ contentType: 'application/json', length: body.length, sha256: sha256(body) });
  });

  it('gzip-encoded JSON: the app gets the inflated bytes, no Content-Encoding and a Content-Length that matches', async () => {
    const inflated = JSON.stringify({ words: Array.from({ length: 500 }, (_, i) => `word-${i}`) });
    const gzipped = gzipSync(inflated);
    const { status, json } = await sendJson(server.url, '/inspect', {
      method: 'POST',
      headers: [
        ['content-type', 'application/json'],
        ['content-encoding', 'gzip'],
      ],
      body: gzipped,
    });
    expect(status).toBe(200);
    expect(gzipped.length).toBeLessThan(inflated.length);
    expect(json).toMatchObject({ contentEncoding: null, contentLength: String(inflated.length), length: inflated.length, sha256: sha256(inflated) });
  });

  it('a small gzip body that inflates past 32 MiB gets 413 from adapt, and the next request is served', async () => {
    const bomb = gzipSync(Buffer.alloc(GCF_BODY_LIMIT + 1024 * 1024));
    expect(bomb.length).toBeLessThan(64 * 1024);
    const refused = await send(server.url, '/inspect', {
      method: 'POST',
      headers: [
        ['content-type', 'application/octet-stream'],
        ['content-encoding', 'gzip'],
      ],
      body: bomb,
    });
    expect(refused.status).toBe(413);
    expect(text(refused.body)).toContain('413 Payload Too Large');
    expect((await send(server.url, '/inspect')).status).toBe(200);
  });

  it('a 32 MiB + 1 byte body gets 413 from adapt, and the next request is served', async () => {
    const body = new Uint8Array(GCF_BODY_LIMIT + 1);
    const refused = await send(server.url, '/inspect', { method: 'POST', headers: [['content-type', 'application/octet-stream']], body });
    expect(refused.status).toBe(413);
    expect(text(refused.body)).toContain('413 Payload Too Large');
    const next = await sendJson(server.url, '/inspect', { method: 'POST', headers: [['content-type', 'text/plain']], body: 'next' });
    expect(next.json).toMatchObject({ length: 4 });
  });

  it('exactly 32 MiB is accepted', async () => {
    const body = new Uint8Array(GCF_BODY_LIMIT).fill(7);
    const { status, json } = await sendJson(server.url, '/inspect', { method: 'POST', headers: [['content-type', 'application/octet-stream']], body });
    expect(status).toBe(200);
    expect(json).toMatchObject({ length: GCF_BODY_LIMIT, sha256: sha256(body) });
  });

  it('a GET with a body still reaches the app (a standard Request carries no GET body)', async () => {
    const { status, json } = await sendJson(server.url, '/inspect', {
      method: 'GET',
      headers: [
        ['content-type', 'text/plain'],
        ['content-length', '7'],
      ],
      body: 'ignored',
    });
    expect(status).toBe(200);
    expect(json).toMatchObject({ method: 'GET', length: 0 });
  });

  it('a DELETE with a body reaches the app with its body', async () => {
    const { status, json } = await sendJson(server.url, '/inspect', {
      method: 'DELETE',
      headers: [
        ['content-type', 'application/json'],
        ['content-length', '8'],
      ],
      body: '{"id":7}',
    });
    expect(status).toBe(200);
    expect(json).toMatchObject({ method: 'DELETE', length: 8, sha256: sha256('{"id":7}') });
  });
});

describe('what the framework answers itself', () => {
  it('malformed JSON under application/json: the framework answers 400 before the function runs (the app cannot)', async () => {
    const answer = await send(server.url, '/json', { method: 'POST', headers: [['content-type', 'application/json']], body: '{"a":' });
    expect(answer.status).toBe(400);
    expect(answer.headers.get('content-type')).toMatch(/^text\/html/);
    expect(text(answer.body)).toContain('Bad Request');
    expect(text(answer.body)).not.toContain('invalid JSON'); // not the app's answer
  });

  it('the same malformed bytes under another type reach the app, whose 400 wins', async () => {
    const { status, json } = await sendJson(server.url, '/json', { method: 'POST', headers: [['content-type', 'text/plain']], body: '{"a":' });
    expect(status).toBe(400);
    expect(json).toEqual({ error: 'invalid JSON', length: 5 });
  });

  it.each([
    ['more than 1000 urlencoded fields', 'application/x-www-form-urlencoded', Array.from({ length: 1001 }, (_, i) => `k${i}=v`).join('&'), undefined, 413],
    ['a charset body-parser does not know', 'text/plain; charset=klingon', 'x', undefined, 415],
    ['a Content-Encoding body-parser cannot inflate', 'application/json', 'x', 'zstd', 415],
  ])('%s: the framework refuses it (%s) before the function runs', async (_name, contentType, body, encoding, status) => {
    const headers: Array<[string, string]> = [['content-type', contentType]];
    if (encoding) headers.push(['content-encoding', encoding]);
    const answer = await send(server.url, '/inspect', { method: 'POST', headers, body });
    expect(answer.status).toBe(status);
    expect(answer.headers.get('content-type')).toMatch(/^text\/html/);
  });

  it.each(['/favicon.ico', '/robots.txt'])('%s is answered 404 by the framework, not by the app', async (path) => {
    const answer = await send(server.url, path);
    expect(answer.status).toBe(404);
    expect(text(answer.body)).toBe('');
  });

  it('with IGNORED_ROUTES set to "" the framework lets /favicon.ico and /robots.txt through to the app', async () => {
    const open = await startFramework(bundle.dir, 'quirks', { env: { IGNORED_ROUTES: '' } });
    try {
      const favicon = await send(open.url, '/favicon.ico');
      expect(favicon.status).toBe(200);
      expect(text(favicon.body)).toBe('the app favicon\n');
      const robots = await send(open.url, '/robots.txt');
      expect(text(robots.body)).toBe('User-agent: *\nDisallow:\n');
    } finally {
      await open.stop();
    }
  });
});

describe('responses through the framework', () => {
  it('a 20 MiB streamed response arrives whole (sha256)', async () => {
    const size = 20 * 1024 * 1024;
    const expected = createHash('sha256');
    for (let offset = 0; offset < size; offset += 64 * 1024) expected.update(patternChunk(offset, Math.min(64 * 1024, size - offset)));
    const got = await hashDownload(server.url, `/stream?size=${size}`);
    expect(got).toEqual({ status: 200, length: size, sha256: expected.digest('hex') });
  });

  it("a client that disconnects mid-stream cancels the app's stream", async () => {
    const received = await disconnectAfterFirstBytes(server.url, '/forever');
    expect(received).toBeGreaterThan(0);
    // answers only once the app's stream saw cancel(): a wait on the app, not on a clock
    const answer = await send(server.url, '/cancelled');
    expect(text(answer.body)).toBe('cancelled\n');
  });

  it('an app that throws gets a 500 from adapt: no message, the framework error handler never runs, the instance keeps serving', async () => {
    const answer = await send(server.url, '/throw');
    expect(answer.status).toBe(500);
    expect(text(answer.body)).toBe('500 Internal Server Error\n');
    expect(answer.headers.get('x-google-status')).toBeNull(); // set by the framework's sendCrashResponse
    await server.waitForOutput('secret detail from the app'); // the log line has it, the client does not
    expect((await send(server.url, '/inspect')).status).toBe(200);
  });
});

describe('setup()', () => {
  it('a setup() that throws: every request gets a 500 without the message, the log says why, the instance keeps serving', async () => {
    const failing = await startFramework(bundle.dir, 'failingSetup');
    try {
      for (let i = 0; i < 2; i++) {
        const answer = await send(failing.url, '/');
        expect(answer.status).toBe(500);
        expect(text(answer.body)).toBe('500 Internal Server Error\n');
      }
      await failing.waitForOutput('secret detail from setup');
      expect(failing.child.exitCode).toBeNull();
    } finally {
      await failing.stop();
    }
  });
});

describe('the context', () => {
  it("has platform gcf, raw req/res, and the address Google's front end appended (the last X-Forwarded-For entry)", async () => {
    const { json } = await sendJson(server.url, '/inspect', { headers: [['x-forwarded-for', '203.0.113.9, 198.51.100.7']] });
    expect(json).toMatchObject({ platform: 'gcf', remoteAddress: '198.51.100.7', raw: ['req', 'res'] });
  });

  it('without X-Forwarded-For (a local framework) the address is the socket peer', async () => {
    const { json } = await sendJson(server.url, '/inspect');
    expect(json.remoteAddress).toMatch(/127\.0\.0\.1$/);
  });

  it("the URL's scheme is the one X-Forwarded-Proto names (Google's front end ends TLS)", async () => {
    const { json } = await sendJson(server.url, '/inspect?x=1', { headers: [['x-forwarded-proto', 'https']] });
    expect(json.url).toBe(`https://127.0.0.1:${server.port}/inspect?x=1`);
  });

  it('setup() ran once for the instance, before the first request', async () => {
    await send(server.url, '/inspect');
    const { json } = await sendJson(server.url, '/inspect');
    expect(json.setups).toBe(1);
  });
});

describe('CloudEvents (--signature-type=cloudevent)', () => {
  const binaryEvent: Array<[string, string]> = [
    ['content-type', 'application/json'],
    ['ce-specversion', '1.0'],
    ['ce-id', 'event-1'],
    ['ce-source', '//storage.googleapis.com/projects/_/buckets/b'],
    ['ce-type', 'google.cloud.storage.object.v1.finalized'],
    ['ce-subject', 'objects/a.txt'],
  ];

  it('go to options.events, whose result is the answer', async () => {
    const events = await startFramework(bundle.dir, 'quirks', { args: ['--signature-type=cloudevent'] });
    try {
      const { status, json } = await sendJson(events.url, '/', { method: 'POST', headers: binaryEvent, body: '{"name":"a.txt"}' });
      expect(status).toBe(200);
      expect(json).toEqual({ handled: 'google.cloud.storage.object.v1.finalized', id: 'event-1', subject: 'objects/a.txt', data: { name: 'a.txt' }, platform: 'gcf' });
    } finally {
      await events.stop();
    }
  });

  it('an events handler that throws answers 500 without its message; the log says why', async () => {
    const events = await startFramework(bundle.dir, 'failingEvents', { args: ['--signature-type=cloudevent'], env: { NODE_ENV: 'development' } });
    try {
      const answer = await send(events.url, '/', { method: 'POST', headers: binaryEvent, body: '{}' });
      expect(answer.status).toBe(500);
      expect(text(answer.body)).not.toContain('secret detail');
      expect(text(answer.body)).toContain('the events handler failed');
      await events.waitForOutput('secret detail from the events handler');
    } finally {
      await events.stop();
    }
  });

  it('without options.events a CloudEvent is refused with a message that says what to do', async () => {
    const events = await startFramework(bundle.dir, 'noEvents', { args: ['--signature-type=cloudevent'] });
    try {
      const answer = await send(events.url, '/', { method: 'POST', headers: binaryEvent, body: '{}' });
      expect(answer.status).toBe(500);
      expect(await events.waitForOutput('toGcfHandler(app, { events: (event, context) => ... })')).toContain('no events handler');
    } finally {
      await events.stop();
    }
  });
});
