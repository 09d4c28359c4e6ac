/**
 * The conformance battery through the classic deployment: a real nginx running the nginx site that
 * `adapt build --target node` generated, in front of the bundle that `adapt start` runs.
 * Same app, same cases, same answers as without nginx.
 */
import { execFileSync, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { connect, createServer, type AddressInfo } from 'node:net';
import { join } from 'node:path';
import { describe } from 'vitest';
import { conformanceSuite } from '@adapt/conformance';
import { CliProcess, repoRoot, runCli, sendRaw, tempProject } from './helpers.js';

const hasNginx = spawnSync('nginx', ['-v']).status === 0;

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    });
    server.once('error', reject);
  });
}

async function waitForPort(port: number, child: ChildProcess): Promise<void> {
  for (let attempt = 0; attempt < 400; attempt++) {
    if (child.exitCode !== null) throw new Error(`nginx exited with ${child.exitCode}`);
    const open = await new Promise<boolean>((resolve) => {
      const socket = connect(port, '127.0.0.1', () => {
        socket.destroy();
        resolve(true);
      }).once('error', () => resolve(false));
    });
    if (open) return;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error(`nothing listens on ${port}`);
}

describe.skipIf(!hasNginx)('the generated nginx site', () => {
  conformanceSuite('node (adapt start behind the generated nginx site)', async () => {
    const [appPort, nginxPort] = [await freePort(), await freePort()];
    // A project whose entry is the battery's app, with the node target's ports set for this test.
    const project = tempProject({});
    const out = join(project.dir, '.adapt/node');
    project.write(
      'adapt.config.mjs',
      `export default ${JSON.stringify({
        entry: join(repoRoot, 'test/conformance/src/app.ts'),
        targets: { node: { port: appPort, installDir: out, listen: `127.0.0.1:${nginxPort}` } },
      })};\n`,
    );
    const build = await runCli(['build', '--target', 'node'], { cwd: project.dir });
    if (build.code !== 0) throw new Error(`adapt build failed:\n${build.stderr}`);

    // As the systemd unit does: the app trusts the proxy in front of it.
    const server = new CliProcess(['start', '--target', 'node'], { cwd: project.dir, env: { TRUST_PROXY: '1' } });
    await server.waitFor(new RegExp(`listening on http://127.0.0.1:${appPort}`));

    const prefix = join(project.dir, 'nginx');
    mkdirSync(join(prefix, 'tmp'), { recursive: true });
    writeFileSync(
      join(prefix, 'nginx.conf'),
      `worker_processes 1;
pid ${prefix}/nginx.pid;
error_log ${prefix}/error.log warn;
events { worker_connections 256; }
http {
  include /etc/nginx/mime.types;
  access_log off;
  client_body_temp_path ${prefix}/tmp/body;
  proxy_temp_path ${prefix}/tmp/proxy;
  fastcgi_temp_path ${prefix}/tmp/fastcgi;
  uwsgi_temp_path ${prefix}/tmp/uwsgi;
  scgi_temp_path ${prefix}/tmp/scgi;
  include ${out}/nginx-site.conf;
}
`,
    );
    const args = ['-p', prefix, '-e', `${prefix}/error.log`, '-c', join(prefix, 'nginx.conf')];
    execFileSync('nginx', [...args, '-t'], { stdio: 'pipe' });
    const nginx = spawn('nginx', [...args, '-g', 'daemon off;'], { stdio: 'ignore' });
    await waitForPort(nginxPort, nginx);
    return {
      name: 'node behind nginx',
      deliver: (request) => sendRaw(`http://127.0.0.1:${nginxPort}`, request),
      close: async () => {
        if (nginx.exitCode === null) {
          nginx.kill('SIGQUIT');
          await new Promise((resolve) => nginx.once('exit', resolve));
        }
        await server.stop();
        project.remove();
      },
    };
  });
});
