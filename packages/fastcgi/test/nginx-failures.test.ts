/**
 * What a client sees through a real nginx when the answer goes wrong: a body that fails after the
 * head reaches the client cut (not as a complete answer), and a client that goes away cancels
 * the app's stream.
 */
import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requireComponent } from '../../../test/components.js';
import { startNginxFastcgi, type NginxFastcgi } from './helpers/nginx-fastcgi.js';

const events: string[] = [];
const encoder = new TextEncoder();

function app(req: Request): Response {
  const path = new URL(req.url).pathname;
  if (path === '/fail-midway') {
    return new Response(
      new ReadableStream({
        start(controller) {
          controller.enqueue(encoder.encode('the first part'));
          setTimeout(() => controller.error(new Error('the data source broke')), 20);
        },
      }),
    );
  }
  if (path === '/forever') {
    req.signal.addEventListener('abort', () => events.push('signal aborted'));
    let timer: NodeJS.Timeout;
    return new Response(
      new ReadableStream({
        start(controller) {
          controller.enqueue(encoder.encode('tick\n'));
          timer = setInterval(() => controller.enqueue(encoder.encode('tick\n')), 20);
        },
        cancel() {
          clearInterval(timer);
          events.push('stream cancelled');
        },
      }),
    );
  }
  return new Response('hello');
}

describe('failures through nginx', () => {
  const enabled = requireComponent('nginx');
  let front: NginxFastcgi;
  beforeAll(async () => {
    if (enabled) front = await startNginxFastcgi(app, 'unix');
  });
  afterAll(() => front?.stop());

  it('a body that fails after the head reaches the client cut, never as a complete answer', async () => {
    const outcome = await new Promise<{ status: number; body: string; complete: boolean }>((resolve) => {
      const req = request(`${front.origin}/fail-midway`, (res) => {
        let body = '';
        res.on('data', (chunk) => (body += chunk));
        res.on('end', () => resolve({ status: res.statusCode!, body, complete: res.complete }));
        res.on('error', () => resolve({ status: res.statusCode!, body, complete: false }));
        res.on('aborted', () => resolve({ status: res.statusCode!, body, complete: false }));
      });
      req.end();
    });
    expect(outcome).toEqual({ status: 200, body: 'the first part', complete: false });
    expect(front.log()).toMatch(/upstream sent unsupported FastCGI protocol version: 0/);
    expect(await text(`${front.origin}/`)).toBe('hello'); // and the next request is served
  });

  it('a client that goes away cancels the app stream and aborts request.signal', async () => {
    events.length = 0;
    await new Promise<void>((resolve) => {
      const req = request(`${front.origin}/forever`, (res) => {
        res.once('data', () => {
          req.destroy();
          resolve();
        });
      });
      req.end();
    });
    while (events.length < 2) await new Promise((resolve) => setTimeout(resolve, 10));
    expect(events.sort()).toEqual(['signal aborted', 'stream cancelled']);
    expect(await text(`${front.origin}/`)).toBe('hello');
  });
});

function text(url: string): Promise<string> {
  return new Promise((resolve, reject) => {
    request(url, (res) => {
      let body = '';
      res.on('data', (chunk) => (body += chunk));
      res.on('end', () => resolve(body));
    })
      .on('error', reject)
      .end();
  });
}
