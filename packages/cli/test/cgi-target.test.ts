/**
 * `adapt build --target cgi`: the conformance battery through each config the build wrote,
 * served by the real server, which runs the generated app.cgi once per request: Apache with
 * mod_cgid (apache-site.conf) and lighttpd with mod_cgi (lighttpd.conf).
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe } from 'vitest';
import { conformanceSuite } from '@adapt/conformance';
import { startApache } from '@adapt/conformance/apache';
import { send } from '@adapt/conformance/http';
import { startLighttpd } from '@adapt/conformance/lighttpd';
import { freePort } from '@adapt/conformance/nginx';
import { requireComponent, type Component } from '../../../test/components.js';
import { repoRoot, runCli, tempProject } from './helpers.js';

interface Stack {
  port: number;
  close(): Promise<void>;
}

async function startStack(front: (dir: string, out: string, port: number) => Promise<{ stop(): Promise<void> }>): Promise<Stack> {
  const port = await freePort();
  // "type": "module", as most projects say: app.cgi must still run as CommonJS
  const project = tempProject({ 'package.json': JSON.stringify({ name: 'cgi-conformance', private: true, type: 'module' }) });
  const out = join(project.dir, '.adapt/cgi');
  project.write(
    'adapt.config.mjs',
    `export default ${JSON.stringify({
      entry: join(repoRoot, 'test/conformance/src/app.ts'),
      targets: { cgi: { installDir: out, nodePath: process.execPath, listen: `127.0.0.1:${port}` } },
    })};\n`,
  );
  const build = await runCli(['build', '--target', 'cgi'], { cwd: project.dir });
  if (build.code !== 0) throw new Error(`adapt build failed:\n${build.stderr}`);
  const running = await front(project.dir, out, port);
  return {
    port,
    async close() {
      await running.stop();
      project.remove();
    },
  };
}

const fronts: Array<{ name: string; component: Component; start: (dir: string, out: string, port: number) => Promise<{ stop(): Promise<void> }> }> = [
  {
    name: 'Apache mod_cgid',
    component: 'apache2',
    start: (dir, out, port) => startApache(join(dir, 'apache'), join(out, 'apache-site.conf'), port, { modules: ['cgid'], extra: [`ScriptSock ${dir}/apache/run/cgisock`] }),
  },
  { name: 'lighttpd mod_cgi', component: 'lighttpd', start: (dir, out, port) => startLighttpd(join(dir, 'lighttpd'), join(out, 'lighttpd.conf'), port) },
];

for (const front of fronts) {
  describe(`adapt build --target cgi: the generated ${front.name} config`, () => {
    const here = requireComponent(front.component);
    let stack: Stack | undefined;
    beforeAll(async () => {
      if (here) stack = await startStack(front.start);
    });
    afterAll(async () => {
      await stack?.close();
    });
    conformanceSuite(
      `cgi (${front.name}, generated config)`,
      () => ({
        name: `cgi behind ${front.name}`,
        deliver: (request) => send(`http://127.0.0.1:${stack!.port}`, request.path, request),
      }),
      { enabled: here },
    );
  });
}
