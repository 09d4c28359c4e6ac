/**
 * The cold path on `serve()`: in a fresh Node process, the built server answers the common app
 * (test/cold-path/app.mjs) over real sockets without ever loading undici; reading formData()
 * loads it (the check's control). The requests come from this process, with node:http.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { request } from 'node:http';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';

const here = fileURLToPath(new URL('.', import.meta.url));
const coldPath = join(here, '../../../test/cold-path');
let child: ChildProcess | undefined;
afterEach(() => {
  child?.kill('SIGKILL');
  child = undefined;
});

function startServer(): Promise<number> {
  const script = `
    import { serve } from ${JSON.stringify(pathToFileURL(join(here, '../dist/index.js')).href)};
    import app from ${JSON.stringify(pathToFileURL(join(coldPath, 'app.mjs')).href)};
    const server = await serve(app, { port: 0, host: '127.0.0.1' });
    console.log('port ' + server.port);
  `;
  child = spawn(process.execPath, ['--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  return new Promise((resolve, reject) => {
    child!.stdout!.on('data', (chunk) => {
      output += chunk;
      const match = /port (\d+)/.exec(output);
      if (match) resolve(Number(match[1]));
    });
    child!.stderr!.on('data', (chunk) => (output += chunk));
    child!.once('exit', (code) => reject(new Error(`the server exited (${code}) before listening:\n${output}`)));
  });
}

function send(
  port: number,
  method: string,
  path: string,
  body?: string,
  type = 'text/plain',
): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ port, host: '127.0.0.1', method, path, headers: { 'user-agent': 'cold', 'content-type': type } }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk) => (text += chunk));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: text }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

describe('serve() on the cold path', () => {
  it('answers the common app over real sockets without loading undici', async () => {
    const port = await startServer();
    const headers = await send(port, 'GET', '/headers?q=1');
    expect([headers.status, headers.body]).toEqual([200, 'agent cold entries 4 query 1']);
    expect(headers.headers['set-cookie']).toEqual(['a=1', 'b=2']);
    expect(headers.headers['x-seen']).toBe('connection content-type host user-agent');
    expect(await send(port, 'POST', '/json', '{"a":[1,2]}', 'application/json')).toMatchObject({ status: 201, body: '{"got":{"a":[1,2]}}' });
    expect(await send(port, 'POST', '/text', 'shout')).toMatchObject({ status: 200, body: 'SHOUT' });
    expect(await send(port, 'POST', '/bytes', 'four')).toMatchObject({ status: 202, body: '4 bytes' });
    const redirect = await send(port, 'GET', '/redirect');
    expect([redirect.status, redirect.headers.location]).toEqual([302, 'https://example.com/next']);
    expect(JSON.parse((await send(port, 'GET', '/undici')).body)).toEqual({ loaded: false });
  });

  it('loads undici once the app reads formData() (the check works)', async () => {
    const port = await startServer();
    expect((await send(port, 'POST', '/form', 'a=x%20y', 'application/x-www-form-urlencoded')).body).toBe('{"a":"x y"}');
    expect(JSON.parse((await send(port, 'GET', '/undici')).body)).toEqual({ loaded: true });
  });
});
