/**
 * The conformance battery through the classic deployment: a real nginx running the nginx site that
 * `adapt build --target node` generated, in front of the bundle that `adapt start` runs.
 * Same app, same cases, same answers as without nginx.
 */
import { join } from 'node:path';
import { describe } from 'vitest';
import { conformanceSuite } from '@adapt/conformance';
import { freePort, startNginx } from '@adapt/conformance/nginx';
import { send } from '@adapt/conformance/http';
import { requireComponent } from '../../../test/components.js';
import { CliProcess, repoRoot, runCli, tempProject } from './helpers.js';

describe('the generated nginx site', () => {
  const nginxHere = requireComponent('nginx');
  conformanceSuite(
    'node (adapt start behind the generated nginx site)',
    async () => {
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

      const nginx = await startNginx(join(project.dir, 'nginx'), join(out, 'nginx-site.conf'), nginxPort);
      return {
        name: 'node behind nginx',
        deliver: (request) => send(`http://127.0.0.1:${nginxPort}`, request.path, request),
        close: async () => {
          await nginx.stop();
          await server.stop();
          project.remove();
        },
      };
    },
    { enabled: nginxHere },
  );
});
