import { Agent, request } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { startChild, stopChildren, type ChildServer } from './helpers/child.js';
import { send, text } from '@adapt/conformance/http';

/** GET with a keep-alive agent; resolves 'ok', 'refused' (never accepted) or the error code (lost). */
function get(port: number, path: string, agent: Agent): Promise<string> {
  return new Promise((resolve) => {
    const req = request({ host: '127.0.0.1', port, path, agent }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk) => (body += chunk));
      res.on('end', () => resolve(res.statusCode === 200 && body.startsWith('slow done') ? 'ok' : `bad ${res.statusCode} ${body}`));
      res.on('error', (error: NodeJS.ErrnoException) => resolve(`lost ${error.code ?? error.message}`));
    });
    req.on('error', (error: NodeJS.ErrnoException) => resolve(error.code === 'ECONNREFUSED' ? 'refused' : `lost ${error.code ?? error.message}`));
    req.end();
  });
}

/** Resolves once the child's app has begun `count` requests for `path` (path and query; it counts them at /started). */
async function started(server: ChildServer, path: string, count: number): Promise<void> {
  while (Number(text((await send(server.url, `/started?path=${encodeURIComponent(path)}`)).body)) < count) {
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** Resolves once the child has written `line`. */
async function printed(server: ChildServer, line: string): Promise<void> {
  while (!server.output().includes(line)) await new Promise((resolve) => setTimeout(resolve, 10));
}

afterEach(stopChildren);

describe('graceful shutdown', () => {
  it('SIGTERM during a stream of requests loses none; in-flight ones finish, teardown runs, exit 0', async () => {
    const server = await startChild();
    // 16 slow requests in flight, each on its own connection
    const inFlight = Array.from({ length: 16 }, () => send(server.url, '/slow?ms=600').then((r) => (r.status === 200 ? text(r.body) : `bad ${r.status}`)));
    // and a stream of back-to-back requests on 4 keep-alive connections
    const agent = new Agent({ keepAlive: true, maxSockets: 4 });
    const results: string[] = [];
    let stop = false;
    const loops = Array.from({ length: 4 }, async () => {
      while (!stop) {
        const result = await get(server.port, '/slow?ms=5', agent);
        results.push(result);
        if (result === 'refused') break; // the server no longer accepts: done
      }
    });
    // SIGTERM once all 16 slow requests are in the app and the keep-alive stream is flowing
    await started(server, '/slow?ms=600', 16);
    await started(server, '/slow?ms=5', 8);
    server.child.kill('SIGTERM');
    const finished = await Promise.all(inFlight);
    expect(await server.exited).toBe(0);
    await Promise.all(loops); // once the server is gone, each loop ends on 'refused'
    stop = true;
    agent.destroy();

    expect(finished.every((body) => body.startsWith('slow done'))).toBe(true);
    const lost = results.filter((result) => result !== 'ok' && result !== 'refused');
    expect(lost).toEqual([]);
    expect(results.filter((result) => result === 'ok').length).toBeGreaterThanOrEqual(8); // the ones begun before SIGTERM
    expect(server.output()).toContain(`teardown ${server.pid}`);
    expect(server.output()).toContain('SIGTERM received');
  });

  it('a second signal exits at once, without waiting for a request that never ends', async () => {
    const server = await startChild({ shutdownTimeout: 60_000 });
    const hanging = send(server.url, '/hang').catch(() => 'cut');
    await started(server, '/hang', 1);
    server.child.kill('SIGINT');
    await printed(server, 'SIGINT received');
    expect(server.child.exitCode).toBeNull(); // still draining: the request hangs and the timeout is a minute away
    server.child.kill('SIGINT');
    expect(await server.exited).toBe(130);
    expect(server.output()).toContain('SIGINT again; exiting without waiting');
    expect(server.output()).not.toContain('teardown');
    expect(await hanging).toBe('cut');
  });

  it('cuts requests still running after shutdownTimeout, then exits', async () => {
    const server = await startChild({ shutdownTimeout: 500 });
    const hanging = send(server.url, '/hang').catch(() => 'cut');
    await started(server, '/hang', 1);
    server.child.kill('SIGTERM');
    expect(await hanging).toBe('cut');
    expect(await server.exited).toBe(0);
    const output = server.output();
    expect(output.indexOf('SIGTERM received')).toBeGreaterThan(-1);
    expect(output.indexOf('teardown')).toBeGreaterThan(output.indexOf('SIGTERM received'));
  });
});
