/**
 * App Engine standard: the bundle run as App Engine runs it (PORT, GAE_ENV=standard), with its
 * X-Appengine-* headers, the warm-up request and a graceful stop on SIGTERM.
 */
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { patternChunk } from './fixtures/quirks-app.js';
import { hashDownload, send, sendJson, text } from './helpers/client.js';
import { buildBundle, startAppEngine, type RunningServer } from './helpers/processes.js';

let bundle: Awaited<ReturnType<typeof buildBundle>>;

beforeAll(async () => {
  bundle = await buildBundle('app-engine-entry.ts');
});
afterAll(() => bundle?.remove());

describe('on App Engine (GAE_ENV=standard)', () => {
  let server: RunningServer;
  beforeAll(async () => {
    server = await startAppEngine(bundle.dir, { FIXTURE_APP: 'quirks' });
  });
  afterAll(() => server?.stop());

  it('answers the warm-up request once setup() has run, before the app sees it', async () => {
    const warmup = await send(server.url, '/_ah/warmup');
    expect(warmup.status).toBe(200);
    expect(text(warmup.body)).toBe('warmed up\n');
    const { json } = await sendJson(server.url, '/inspect');
    expect(json.setups).toBe(1);
  });

  it('takes the client address and country from X-Appengine-User-IP and X-Appengine-Country', async () => {
    const { json } = await sendJson(server.url, '/inspect', {
      headers: [
        ['x-appengine-user-ip', '203.0.113.5'],
        ['x-appengine-country', 'FR'],
        ['x-forwarded-for', '198.51.100.1'],
      ],
    });
    expect(json).toMatchObject({ platform: 'app-engine', remoteAddress: '203.0.113.5', country: 'FR', raw: ['req', 'res'] });
  });

  it('an app that throws gets a 500 without the message, and the server keeps serving', async () => {
    const answer = await send(server.url, '/throw');
    expect(answer.status).toBe(500);
    expect(text(answer.body)).toBe('500 Internal Server Error\n');
    expect((await send(server.url, '/inspect')).status).toBe(200);
  });
});

describe('elsewhere (no GAE_ENV)', () => {
  it('ignores X-Appengine-* headers: a client could send them', async () => {
    const server = await startAppEngine(bundle.dir, { FIXTURE_APP: 'quirks', GAE_ENV: '' });
    try {
      const { json } = await sendJson(server.url, '/inspect', {
        headers: [
          ['x-appengine-user-ip', '203.0.113.5'],
          ['x-appengine-country', 'FR'],
        ],
      });
      expect(json.remoteAddress).toMatch(/127\.0\.0\.1$/);
      expect(json.country).toBeNull();
    } finally {
      await server.stop();
    }
  });
});

describe('SIGTERM', () => {
  it('stops gracefully: the request in flight finishes, teardown() runs, the process exits 0', async () => {
    const server = await startAppEngine(bundle.dir, { FIXTURE_APP: 'quirks' });
    try {
      const exited = new Promise<number | null>((resolve) => server.child.once('exit', (code) => resolve(code)));
      const size = 20 * 1024 * 1024;
      const expected = createHash('sha256');
      for (let offset = 0; offset < size; offset += 64 * 1024) expected.update(patternChunk(offset, Math.min(64 * 1024, size - offset)));
      const download = hashDownload(server.url, `/stream?size=${size}`, () => server.child.kill('SIGTERM'));
      expect(await download).toEqual({ status: 200, length: size, sha256: expected.digest('hex') });
      expect(await exited).toBe(0);
      await server.waitForOutput('quirks app: teardown ran'); // the process printed it before exiting
    } finally {
      await server.stop();
    }
  });
});

describe('a Node handler app (fromNodeHandler) on App Engine', () => {
  it('gets the warm-up request answered before it, and every other path', async () => {
    const server = await startAppEngine(bundle.dir, { FIXTURE_APP: 'express' });
    try {
      expect(text((await send(server.url, '/_ah/warmup')).body)).toBe('warmed up\n');
      expect(text((await send(server.url, '/')).body)).toBe('hello from adapt\n');
    } finally {
      await server.stop();
    }
  });
});
