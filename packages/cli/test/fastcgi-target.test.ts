/**
 * `adapt build --target fastcgi`: the bundle runs (node server.mjs, serveFastcgi on a unix socket
 * or a TCP port) and the conformance battery passes through each front-server config the build
 * wrote, served by the real server: nginx (nginx-site.conf), Apache with mod_proxy_fcgi
 * (apache-site.conf) and lighttpd (lighttpd.conf), each checked by its config test first; and
 * through the configs where the front server starts the app itself with its socket on fd 0:
 * Apache mod_fcgid (apache-fcgid.conf) and lighttpd bin-path (lighttpd-spawn.conf).
 */
import { execFileSync } from 'node:child_process';
import { chownSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe } from 'vitest';
import { conformanceSuite } from '@adapt/conformance';
import { startApache } from '@adapt/conformance/apache';
import { send } from '@adapt/conformance/http';
import { startLighttpd } from '@adapt/conformance/lighttpd';
import { freePort, startNginx } from '@adapt/conformance/nginx';
import { requireComponent, type Component } from '../../../test/components.js';
import { repoRoot, runCli, startFastcgiBundle, tempProject } from './helpers.js';

/** How the app gets its socket: it listens itself, or the front server spawns it with one on fd 0. */
type Mode = 'unix socket' | 'TCP' | 'spawned';

interface Stack {
  port: number;
  close(): Promise<void>;
}

async function startStack(mode: Mode, front: (dir: string, out: string, port: number) => Promise<{ stop(): Promise<void> }>): Promise<Stack> {
  const port = await freePort();
  const project = tempProject({});
  const out = join(project.dir, '.adapt/fastcgi');
  const socket = join(project.dir, 'app.sock');
  const appPort = mode === 'TCP' ? await freePort() : undefined;
  project.write(
    'adapt.config.mjs',
    `export default ${JSON.stringify({
      entry: join(repoRoot, 'test/conformance/src/app.ts'),
      targets: { fastcgi: { installDir: out, nodePath: process.execPath, listen: `127.0.0.1:${port}`, ...(appPort ? { port: appPort } : { socket }) } },
    })};\n`,
  );
  const build = await runCli(['build', '--target', 'fastcgi'], { cwd: project.dir });
  if (build.code !== 0) throw new Error(`adapt build failed:\n${build.stderr}`);
  // The front servers' workers run as www-data: the socket is open to them.
  const app = mode === 'spawned' ? undefined : await startFastcgiBundle(join(out, 'server.mjs'), { FCGI_SOCKET_MODE: '666' });
  const running = await front(project.dir, out, port);
  return {
    port,
    async close() {
      await running.stop();
      if (app) {
        const exited = new Promise((resolve) => app.once('exit', resolve));
        app.kill('SIGTERM');
        await exited;
      }
      project.remove();
    },
  };
}

const fronts: Array<{ name: string; component: Component; start: (dir: string, out: string, port: number) => Promise<{ stop(): Promise<void> }> }> = [
  { name: 'nginx', component: 'nginx', start: (dir, out, port) => startNginx(join(dir, 'nginx'), join(out, 'nginx-site.conf'), port) },
  {
    name: 'Apache mod_proxy_fcgi',
    component: 'apache2',
    start: (dir, out, port) => startApache(join(dir, 'apache'), join(out, 'apache-site.conf'), port, { modules: ['proxy', 'proxy_fcgi'] }),
  },
  { name: 'lighttpd', component: 'lighttpd', start: (dir, out, port) => startLighttpd(join(dir, 'lighttpd'), join(out, 'lighttpd.conf'), port) },
];

/** mod_fcgid's process table and sockets: a folder its process manager (www-data) can write. */
function fcgidDir(dir: string): string {
  const path = join(dir, 'fcgid');
  mkdirSync(path, { recursive: true });
  if (process.getuid?.() === 0) {
    const id = (flag: string) => Number(execFileSync('id', [flag, 'www-data'], { encoding: 'utf8' }).trim());
    chownSync(path, id('-u'), id('-g'));
  }
  return path;
}

const spawning: typeof fronts = [
  {
    name: 'Apache mod_fcgid',
    component: 'apache2-fcgid',
    start: (dir, out, port) => {
      const fcgid = fcgidDir(dir);
      return startApache(join(dir, 'apache'), join(out, 'apache-fcgid.conf'), port, { modules: ['fcgid'], extra: [`FcgidIPCDir ${fcgid}`, `FcgidProcessTableFile ${fcgid}/shm`] });
    },
  },
  { name: 'lighttpd bin-path', component: 'lighttpd', start: (dir, out, port) => startLighttpd(join(dir, 'lighttpd'), join(out, 'lighttpd-spawn.conf'), port) },
];

const stacks = [
  ...fronts.flatMap((front) => (['unix socket', 'TCP'] as const).map((mode) => ({ front, mode }))),
  ...spawning.map((front) => ({ front, mode: 'spawned' as const })),
];

for (const { front, mode } of stacks) {
  describe(`adapt build --target fastcgi: the generated ${front.name} config (${mode})`, () => {
    const here = requireComponent(front.component);
    let stack: Stack | undefined;
    beforeAll(async () => {
      if (here) stack = await startStack(mode, front.start);
    });
    afterAll(async () => {
      await stack?.close();
    });
    conformanceSuite(
      `fastcgi (${front.name}, ${mode}, generated config)`,
      () => ({
        name: `fastcgi behind ${front.name} (${mode})`,
        deliver: (request) => send(`http://127.0.0.1:${stack!.port}`, request.path, request),
      }),
      { enabled: here },
    );
  });
}
