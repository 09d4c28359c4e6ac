import { afterEach, describe, expect, it } from 'vitest';
import type { ServerHandle } from '@adapt/node';
import { APP_ENGINE_KEEP_ALIVE_TIMEOUT, serveAppEngine } from './app-engine.js';

let server: ServerHandle | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

describe('serveAppEngine', () => {
  it('keeps idle connections longer than the proxy in front does, unless told otherwise', async () => {
    server = await serveAppEngine(() => new Response('ok'), { port: 0, host: '127.0.0.1', handleSignals: false }, { GAE_ENV: 'standard' });
    expect(server.server.keepAliveTimeout).toBe(APP_ENGINE_KEEP_ALIVE_TIMEOUT);
    await server.close();
    server = await serveAppEngine(() => new Response('ok'), { port: 0, host: '127.0.0.1', handleSignals: false, keepAliveTimeout: 1_000 }, {});
    expect(server.server.keepAliveTimeout).toBe(1_000);
  });

  it('with warmup: false the app answers /_ah/warmup itself', async () => {
    server = await serveAppEngine(() => new Response('the app\n'), { port: 0, host: '127.0.0.1', handleSignals: false, warmup: false }, { GAE_ENV: 'standard' });
    const answer = await fetch(`${server.url}/_ah/warmup`);
    expect(await answer.text()).toBe('the app\n');
  });
});
