/**
 * A body that fails after the head, through real Apache (mod_proxy_fcgi) and lighttpd: the client
 * sees the answer cut, never a complete one.
 */
import { request } from 'node:http';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { requireComponent } from '../../../test/components.js';
import { serveFastcgi } from '../src/index.js';
import { openTempDir, removeDir, startApache, startLighttpd, type FrontServer } from './helpers/front-servers.js';

const encoder = new TextEncoder();
const failingApp = () =>
  new Response(
    new ReadableStream({
      start(controller) {
        controller.enqueue(encoder.encode('the first part'));
        setTimeout(() => controller.error(new Error('the data source broke')), 20);
      },
    }),
  );

function fetchOutcome(origin: string): Promise<{ status: number; body: string; complete: boolean }> {
  return new Promise((resolve, reject) => {
    const req = request(`${origin}/fail-midway`, (res) => {
      let body = '';
      res.on('data', (chunk) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode!, body, complete: res.complete }));
      res.on('error', () => resolve({ status: res.statusCode!, body, complete: false }));
      res.on('aborted', () => resolve({ status: res.statusCode!, body, complete: false }));
    });
    req.on('error', reject);
    req.end();
  });
}

async function outcomeThrough(start: (dir: string) => Promise<FrontServer>) {
  const dir = openTempDir('adapt-fcgi-fail-');
  const app = await serveFastcgi(failingApp, { socket: join(dir, 'app.sock'), socketMode: 0o666 });
  const front = await start(dir);
  try {
    return await fetchOutcome(front.origin);
  } finally {
    await front.stop();
    await app.close();
    removeDir(dir);
  }
}

describe('a body that fails midway, through Apache mod_proxy_fcgi', () => {
  const enabled = requireComponent('apache2');
  it('reaches the client cut', async () => {
    if (!enabled) return;
    const outcome = await outcomeThrough((dir) => startApache(dir, `ProxyPass "/" "unix:${dir}/app.sock|fcgi://localhost/" enablereuse=on`, ['proxy', 'proxy_fcgi']));
    expect(outcome.complete).toBe(false);
    expect(outcome.status).toBe(200);
  });
});

describe('a body that fails midway, through lighttpd', () => {
  const enabled = requireComponent('lighttpd');
  it('reaches the client cut', async () => {
    if (!enabled) return;
    const outcome = await outcomeThrough((dir) =>
      startLighttpd(dir, `fastcgi.server = ( "/" => (( "socket" => "${dir}/app.sock", "check-local" => "disable" )) )`, ['mod_fastcgi']),
    );
    expect(outcome.complete).toBe(false);
    expect(outcome.status).toBe(200);
  });
});
