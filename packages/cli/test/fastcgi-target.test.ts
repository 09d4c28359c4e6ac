/**
 * `adapt build --target fastcgi`: the bundle runs (node server.mjs, serveFastcgi on a unix socket
 * or a TCP port) and the conformance battery passes through each front-server config the build
 * wrote, served by the real server: nginx (nginx-site.conf), Apache with mod_proxy_fcgi
 * (apache-site.conf) and lighttpd (lighttpd.conf), each checked by its config test first.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe } from 'vitest';
import { conformanceSuite } from '@adapt/conformance';
import { startApache } from '@adapt/conformance/apache';
import { send } from '@adapt/conformance/http';
import { startLighttpd } from '@adapt/conformance/lighttpd';
import { freePort, startNginx } from '@adapt/conformance/nginx';
import { requireComponent, type Component } from '../../../test/components.js';
import { repoRoot, runCli, tempProject } from './helpers.js';

type Mode = 'unix socket' | 'TCP';

interface Stack {
  port: number;
  close(): Promise<void>;
}

/** node server.mjs, resolved once it says where it serves. */
async function startBundle(file: string, env: Record<string, string>): Promise<ChildProcess> {
  const child = spawn(process.execPath, [file], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  await new Promise<void>((resolve, reject) => {
    child.stdout!.on('data', (chunk) => {
      output += chunk;
      if (output.includes('serving FastCGI on')) resolve();
    });
    child.stderr!.on('data', (chunk) => (output += chunk));
    child.once('exit', (code) => reject(new Error(`server.mjs exited with ${code}: ${output}`)));
  });
  return child;
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
      targets: { fastcgi: { installDir: out, listen: `127.0.0.1:${port}`, ...(appPort ? { port: appPort } : { socket }) } },
    })};\n`,
  );
  const build = await runCli(['build', '--target', 'fastcgi'], { cwd: project.dir });
  if (build.code !== 0) throw new Error(`adapt build failed:\n${build.stderr}`);
  // The front servers' workers run as www-data: the socket is open to them.
  const app = await startBundle(join(out, 'server.mjs'), { FCGI_SOCKET_MODE: '666' });
  const running = await front(project.dir, out, port);
  return {
    port,
    async close() {
      await running.stop();
      const exited = new Promise((resolve) => app.once('exit', resolve));
      app.kill('SIGTERM');
      await exited;
      project.remove();
    },
  };
}

const fronts: Array<{ name: string; component: Component; start: (dir: string, out: string, port: number) => Promise<{ stop(): Promise<void> }> }> = [
  { name: 'nginx', component: 'nginx', start: (dir, out, port) => startNginx(join(dir, 'nginx'), join(out, 'nginx-site.conf'), port) },
  { name: 'Apache mod_proxy_fcgi', component: 'apache2', start: (dir, out, port) => startApache(join(dir, 'apache'), join(out, 'apache-site.conf'), port, { modules: ['proxy', 'proxy_fcgi'] }) },
  { name: 'lighttpd', component: 'lighttpd', start: (dir, out, port) => startLighttpd(join(dir, 'lighttpd'), join(out, 'lighttpd.conf'), port) },
];

for (const front of fronts) {
  for (const mode of ['unix socket', 'TCP'] as const) {
    describe(`adapt build --target fastcgi: the generated ${front.name} config (${mode})`, () => {
      const here = requireComponent(front.component);
      let stack: Stack | undefined;
      beforeAll(async () => {
        if (here) stack = await startStack(mode, front.start);
      });
      afterAll(async () => {
        await stack?.close();
      });
      conformanceSuite(`fastcgi (${front.name}, ${mode}, generated config)`, () => ({
        name: `fastcgi behind ${front.name} (${mode})`,
        deliver: (request) => send(`http://127.0.0.1:${stack!.port}`, request.path, request),
      }), { enabled: here });
    });
  }
}
