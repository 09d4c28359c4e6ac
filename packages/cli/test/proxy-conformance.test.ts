/**
 * The conformance battery through the classic deployment: the nginx site, the Apache vhost and the
 * lighttpd config that `adapt build --target node` generated, each served by the real server
 * (Debian's nginx, apache2 and lighttpd) on loopback in front of the bundle that `adapt start`
 * runs. Each config is first checked by the server's own config test; then the X-Forwarded-*
 * headers the app receives. Same app, same cases, same answers as without a proxy.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { conformanceSuite } from '@adapt/conformance';
import { startApache } from '@adapt/conformance/apache';
import { send, text } from '@adapt/conformance/http';
import { startLighttpd } from '@adapt/conformance/lighttpd';
import { freePort, startNginx } from '@adapt/conformance/nginx';
import { requireComponent } from '../../../test/components.js';
import { CliProcess, repoRoot, runCli, tempProject } from './helpers.js';

interface Stack {
  port: number;
  close(): Promise<void>;
}

/** Builds the battery's app for the node target, starts it with `adapt start`, then the front server. */
async function startStack(front: (dir: string, out: string, port: number) => Promise<{ stop(): Promise<void> }>): Promise<Stack> {
  const [appPort, port] = [await freePort(), await freePort()];
  const project = tempProject({});
  const out = join(project.dir, '.adapt/node');
  project.write(
    'adapt.config.mjs',
    `export default ${JSON.stringify({
      entry: join(repoRoot, 'test/conformance/src/app.ts'),
      targets: { node: { port: appPort, installDir: out, listen: `127.0.0.1:${port}` } },
    })};\n`,
  );
  const build = await runCli(['build', '--target', 'node'], { cwd: project.dir });
  if (build.code !== 0) throw new Error(`adapt build failed:\n${build.stderr}`);
  // As the systemd unit does: the app trusts the one proxy in front of it.
  const server = new CliProcess(['start', '--target', 'node'], { cwd: project.dir, env: { TRUST_PROXY: '1' } });
  await server.waitFor(new RegExp(`listening on http://127.0.0.1:${appPort}`));
  const running = await front(project.dir, out, port);
  return {
    port,
    async close() {
      await running.stop();
      await server.stop();
      project.remove();
    },
  };
}

const fronts = [
  {
    name: 'nginx',
    component: 'nginx' as const,
    start: (dir: string, out: string, port: number) => startNginx(join(dir, 'nginx'), join(out, 'nginx-site.conf'), port),
  },
  {
    name: 'Apache',
    component: 'apache2' as const,
    start: (dir: string, out: string, port: number) => startApache(join(dir, 'apache'), join(out, 'apache-site.conf'), port, { modules: ['proxy', 'proxy_http'] }),
  },
  {
    name: 'lighttpd',
    component: 'lighttpd' as const,
    start: (dir: string, out: string, port: number) => startLighttpd(join(dir, 'lighttpd'), join(out, 'lighttpd.conf'), port),
  },
];

for (const front of fronts) {
  describe(`the generated ${front.name} config for the node target`, () => {
    const here = requireComponent(front.component);
    let stack: Stack | undefined;
    beforeAll(async () => {
      if (here) stack = await startStack(front.start);
    });
    afterAll(async () => {
      await stack?.close();
    });

    conformanceSuite(
      `node (adapt start behind the generated ${front.name} config)`,
      () => ({
        name: `node behind ${front.name}`,
        deliver: (request) => send(`http://127.0.0.1:${stack!.port}`, request.path, request),
      }),
      { enabled: here },
    );

    it('the app gets X-Forwarded-For/-Proto/-Host from the proxy, not from the client', async () => {
      const names = ['host', 'x-forwarded-for', 'x-forwarded-proto', 'x-forwarded-host'];
      const response = await send(`http://127.0.0.1:${stack!.port}`, `/headers?${names.map((n) => `name=${n}`).join('&')}`, {
        headers: [
          ['x-forwarded-for', '6.6.6.6'],
          ['x-forwarded-host', 'evil.example'],
          ['x-forwarded-proto', 'https'],
        ],
      });
      const host = `127.0.0.1:${stack!.port}`;
      expect(JSON.parse(text(response.body))).toEqual({ host, 'x-forwarded-for': '127.0.0.1', 'x-forwarded-proto': 'http', 'x-forwarded-host': host });
    });
  });
}
