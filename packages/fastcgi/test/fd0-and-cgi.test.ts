/**
 * The process-level modes: a listening socket passed on fd 0 (spawning web servers), and one CGI
 * request per process (runCgi), each in a real child process.
 */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createServer, type AddressInfo, type Server } from 'node:net';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { FcgiClient, defaultParams, parseCgi, requestRecords } from './helpers/client.js';

const fixture = (name: string) => fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url));

function run(
  script: string,
  options: { env?: Record<string, string>; stdin?: Buffer | 'pipe' | number },
): Promise<{ code: number | null; stdout: Buffer; stderr: string; kill(): void; first: Promise<string> }> {
  const stdinOption = typeof options.stdin === 'number' ? options.stdin : 'pipe';
  const child = spawn(process.execPath, [script], { env: options.env ?? { PATH: process.env.PATH ?? '' }, stdio: [stdinOption, 'pipe', 'pipe'] });
  const out: Buffer[] = [];
  let stderr = '';
  let firstLine: (line: string) => void;
  const first = new Promise<string>((resolve) => (firstLine = resolve));
  child.stdout!.on('data', (chunk: Buffer) => {
    out.push(chunk);
    if (Buffer.concat(out).includes('\n')) firstLine(Buffer.concat(out).toString().split('\n')[0]);
  });
  child.stderr!.on('data', (chunk) => {
    stderr += chunk;
    firstLine(stderr);
  });
  if (Buffer.isBuffer(options.stdin)) child.stdin!.end(options.stdin);
  return new Promise((resolve) => {
    const handle = { code: null as number | null, stdout: Buffer.alloc(0), stderr: '', kill: () => child.kill(), first };
    if (typeof options.stdin === 'number') resolve(handle);
    child.on('close', (code) => {
      handle.code = code;
      handle.stdout = Buffer.concat(out);
      handle.stderr = stderr;
      resolve(handle);
    });
  });
}

describe('serveFastcgi on the listening socket of fd 0', () => {
  it('serves the connections of a socket it did not open', async () => {
    const listening: Server = await new Promise((resolve) => {
      const server = createServer().listen(0, '127.0.0.1', () => resolve(server));
    });
    const { port } = listening.address() as AddressInfo;
    const fd = (listening as unknown as { _handle: { fd: number } })._handle.fd;
    listening.on('connection', (socket) => socket.destroy()); // the parent never answers: only the child does
    const child = await run(fixture('fd0-app.mjs'), { stdin: fd });
    try {
      expect(await child.first).toBe('listening on fd:0');
      listening.close(); // the child holds its own copy of the socket
      const client = await FcgiClient.open({ port });
      client.write(requestRecords(1, defaultParams('/spawned')));
      await client.untilClosed();
      expect(parseCgi(client.stdout(1)).body.toString()).toMatch(/^from \d+ at \/spawned$/);
    } finally {
      child.kill();
    }
  });

  it('refuses a stdin socket that is not a listening one, saying what to give instead', async () => {
    const child = await run(fixture('fd0-app.mjs'), { stdin: 'pipe' });
    expect(child.code).toBe(1);
    expect(child.stderr).toMatch(/fd 0.*not a listening socket: give \{ socket \} or \{ port \}|needs an address/);
  });
});

describe('runCgi', () => {
  const cgiEnv = (extra: Record<string, string>) => ({
    PATH: process.env.PATH ?? '',
    GATEWAY_INTERFACE: 'CGI/1.1',
    REQUEST_METHOD: 'GET',
    REQUEST_URI: '/cgi/app?x=%2F',
    SCRIPT_NAME: '/cgi',
    PATH_INFO: '/app',
    HTTP_HOST: 'cgi.test',
    REMOTE_ADDR: '198.51.100.4',
    ...extra,
  });

  it('answers one request from the environment and exits 0', async () => {
    const result = await run(fixture('cgi-app.mjs'), { env: cgiEnv({ HTTP_X_TEST: 'yes', HTTP_PROXY: 'http://evil.test' }), stdin: Buffer.alloc(0) });
    expect(result.code).toBe(0);
    const answer = parseCgi(result.stdout);
    expect(answer.status).toBe('202 Accepted');
    expect(answer.headers.filter(([name]) => name === 'set-cookie')).toEqual([
      ['set-cookie', 'a=1'],
      ['set-cookie', 'b=2'],
    ]);
    expect(JSON.parse(answer.body.toString())).toEqual({
      method: 'GET',
      url: 'http://cgi.test/cgi/app?x=%2F',
      platform: 'cgi',
      address: '198.51.100.4',
      length: 0,
      sha256: createHash('sha256').digest('hex'),
      proxyEnv: null,
      header: 'yes',
    });
  });

  it('reads exactly CONTENT_LENGTH bytes of stdin', async () => {
    const body = Buffer.alloc(200_000, 9);
    const result = await run(fixture('cgi-app.mjs'), {
      env: cgiEnv({ REQUEST_METHOD: 'POST', CONTENT_LENGTH: String(body.length) }),
      stdin: Buffer.concat([body, Buffer.from('extra bytes after the body')]),
    });
    expect(result.code).toBe(0);
    expect(JSON.parse(parseCgi(result.stdout).body.toString())).toMatchObject({ method: 'POST', length: body.length, sha256: createHash('sha256').update(body).digest('hex') });
  });

  it('streams a streamed body', async () => {
    const result = await run(fixture('cgi-app.mjs'), { env: cgiEnv({ REQUEST_URI: '/cgi/stream' }), stdin: Buffer.alloc(0) });
    expect(result.code).toBe(0);
    expect(parseCgi(result.stdout).body.toString()).toBe('one,two');
  });
});
