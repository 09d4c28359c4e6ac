/**
 * sendFile() through each front server of the fastcgi target, with the configs `adapt build
 * --target fastcgi` wrote: nginx's internal X-Accel-Redirect location, Apache's mod_xsendfile
 * (mod_proxy_fcgi) and lighttpd's allow-x-send-file. A 100 MB file reaches the client whole (its
 * hash checked) while the app never reads it and its memory (VmRSS and VmHWM in /proc) stays put.
 */
import type { ChildProcess } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync, writeSync, chmodSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApache } from '@adapt/conformance/apache';
import { send, text } from '@adapt/conformance/http';
import { startLighttpd } from '@adapt/conformance/lighttpd';
import { freePort, startNginx } from '@adapt/conformance/nginx';
import { requireComponent, type Component } from '../../../test/components.js';
import { runCli, startFastcgiBundle, tempProject, type TempProject } from './helpers.js';

const MiB = 1024 * 1024;
const files = mkdtempSync(join(tmpdir(), 'adapt-fcgi-sendfile-'));
let bigHash = '';

beforeAll(() => {
  // the front servers' workers (www-data) read the file themselves
  chmodSync(files, 0o755);
  const hash = createHash('sha256');
  const fd = openSync(join(files, 'big.bin'), 'w', 0o644);
  for (let i = 0; i < 100; i++) {
    const chunk = randomBytes(MiB);
    hash.update(chunk);
    writeSync(fd, chunk);
  }
  closeSync(fd);
  bigHash = hash.digest('hex');
});
afterAll(() => rmSync(files, { recursive: true, force: true }));

const appSource = `import { sendFile, sendFileStats } from '@adapt/core';
export default {
  async fetch(request: Request): Promise<Response> {
    const url = new URL(request.url);
    if (url.pathname === '/stats') return Response.json(sendFileStats);
    return sendFile(url.searchParams.get('path') ?? '', { request });
  },
};
`;

/** Memory of a process from /proc/<pid>/status, in bytes. */
function memory(pid: number): { rss: number; peak: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const field = (name: string) => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(status)![1]) * 1024;
  return { rss: field('VmRSS'), peak: field('VmHWM') };
}

/** Downloads through `url`, hashing the body without keeping it. */
function download(url: string): Promise<{ status: number; bytes: number; sha256: string; headers: Record<string, unknown> }> {
  return new Promise((resolve, reject) => {
    request(url, { agent: false }, (res) => {
      const hash = createHash('sha256');
      let bytes = 0;
      res.on('data', (chunk: Buffer) => {
        bytes += chunk.length;
        hash.update(chunk);
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, bytes, sha256: hash.digest('hex'), headers: res.headers }));
      res.on('error', reject);
    })
      .on('error', reject)
      .end();
  });
}

interface Built {
  project: TempProject;
  out: string;
  app: ChildProcess;
  port: number;
}

async function buildAndStart(mode: 'x-accel-redirect' | 'x-sendfile'): Promise<Built> {
  const port = await freePort();
  const project = tempProject({ 'app.ts': appSource }, { linkModules: true });
  const out = join(project.dir, '.adapt/fastcgi');
  project.write(
    'adapt.config.mjs',
    `export default ${JSON.stringify({
      entry: 'app.ts',
      sendFile: { mode, roots: [files] },
      targets: { fastcgi: { installDir: out, socket: join(project.dir, 'app.sock'), listen: `127.0.0.1:${port}` } },
    })};\n`,
  );
  const build = await runCli(['build', '--target', 'fastcgi'], { cwd: project.dir });
  if (build.code !== 0) throw new Error(`adapt build failed:\n${build.stderr}`);
  const app = await startFastcgiBundle(join(out, 'server.mjs'), { FCGI_SOCKET_MODE: '666' });
  return { project, out, app, port };
}

const fronts: Array<{
  name: string;
  component: Component;
  mode: 'x-accel-redirect' | 'x-sendfile';
  config: string;
  expected: string;
  start: (built: Built) => Promise<{ stop(): Promise<void> }>;
}> = [
  {
    name: 'nginx (X-Accel-Redirect)',
    component: 'nginx',
    mode: 'x-accel-redirect',
    config: 'nginx-site.conf',
    expected: `location ^~ /_adapt/send/0/ {\n        internal;\n        alias ${files}/;`,
    start: (b) => startNginx(join(b.project.dir, 'nginx'), join(b.out, 'nginx-site.conf'), b.port),
  },
  {
    name: 'Apache mod_proxy_fcgi (mod_xsendfile)',
    component: 'apache2-xsendfile',
    mode: 'x-sendfile',
    config: 'apache-site.conf',
    expected: `XSendFile On\n    XSendFilePath "${files}"`,
    start: (b) => startApache(join(b.project.dir, 'apache'), join(b.out, 'apache-site.conf'), b.port, { modules: ['proxy', 'proxy_fcgi', 'xsendfile'] }),
  },
  {
    name: 'lighttpd (allow-x-send-file)',
    component: 'lighttpd',
    mode: 'x-sendfile',
    config: 'lighttpd.conf',
    expected: `"allow-x-send-file" => "enable", "x-sendfile-docroot" => ( "${files}/" )`,
    start: (b) => startLighttpd(join(b.project.dir, 'lighttpd'), join(b.out, 'lighttpd.conf'), b.port),
  },
];

for (const front of fronts) {
  describe(`sendFile through ${front.name}, generated by adapt build --target fastcgi`, () => {
    const here = requireComponent(front.component);
    let built: Built | undefined;
    let server: { stop(): Promise<void> } | undefined;
    beforeAll(async () => {
      if (!here) return;
      built = await buildAndStart(front.mode);
      server = await front.start(built);
    });
    afterAll(async () => {
      await server?.stop();
      if (built) {
        const exited = new Promise((resolve) => built!.app.once('exit', resolve));
        built.app.kill('SIGTERM');
        await exited;
        built.project.remove();
      }
    });

    it('a 100 MB file is sent by the front server: whole, never read by the app, its memory unchanged', async () => {
      const b = built!;
      expect(readFileSync(join(b.out, front.config), 'utf8')).toContain(front.expected);
      const origin = `http://127.0.0.1:${b.port}`;
      const before = memory(b.app.pid!);
      const answer = await download(`${origin}/file?path=big.bin`);
      const after = memory(b.app.pid!);
      expect(answer.status).toBe(200);
      expect(answer.bytes).toBe(100 * MiB);
      expect(answer.sha256).toBe(bigHash);
      expect(answer.headers['x-accel-redirect']).toBeUndefined();
      expect(answer.headers['x-sendfile']).toBeUndefined();
      const stats = await send(origin, '/stats');
      expect(stats.status).toBe(200);
      const read = JSON.parse(text(stats.body));
      expect(read).toEqual({ streamed: 0, bytesRead: 0 });
      // far below the file's size: the bytes went from disk to the socket through the front server alone
      expect(after.rss - before.rss).toBeLessThan(10 * MiB);
      expect(after.peak - before.peak).toBeLessThan(10 * MiB);
    });
  });
}
