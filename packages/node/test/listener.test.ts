import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { describe, expect, it } from 'vitest';
import { createListener } from '../src/index.js';
import { send, text } from '@adapt/conformance/http';

describe('createListener', () => {
  it('swaps apps on one listening socket; a request in flight finishes on the old app', async () => {
    let releaseOld!: () => void;
    const oldApp = createListener(async (request) => {
      if (request.url.endsWith('/slow')) await new Promise<void>((resolve) => (releaseOld = resolve));
      return new Response('old\n');
    });
    const newApp = createListener(() => new Response('new\n'));
    await Promise.all([oldApp.setup(), newApp.setup()]);
    let current = oldApp;
    const server = createServer((req: IncomingMessage, res: ServerResponse) => current(req, res));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
    try {
      const inFlight = send(url, '/slow');
      await new Promise((resolve) => setTimeout(resolve, 100));
      current = newApp; // what adapt dev does after a rebuild
      expect(text((await send(url, '/')).body)).toBe('new\n');
      releaseOld();
      expect(text((await inFlight).body)).toBe('old\n');
    } finally {
      server.close();
    }
  });

  it('runs setup once even when requests arrive before it is called', async () => {
    let setups = 0;
    const listener = createListener({
      async setup() {
        setups++;
        await new Promise((resolve) => setTimeout(resolve, 50));
      },
      fetch: () => new Response('ready\n'),
    });
    const server = createServer(listener);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
    try {
      const answers = await Promise.all([send(url, '/'), send(url, '/'), send(url, '/')]);
      expect(answers.map((answer) => text(answer.body))).toEqual(['ready\n', 'ready\n', 'ready\n']);
      await listener.setup();
      expect(setups).toBe(1);
    } finally {
      server.close();
    }
  });
});
