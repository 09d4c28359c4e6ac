/**
 * The framework battery against the bundle `adapt build --target node` makes of each framework
 * app, run by `adapt start --target node` as a separate process, directly and behind the nginx
 * site the build generated. Each answer is compared with the same app under node:http.
 */
import { join } from 'node:path';
import { frameworkNames, frameworkSuite, filesDir, type FrameworkName } from '@adapt/conformance/frameworks';
import { send } from '@adapt/conformance/http';
import { freePort, startNginx } from '@adapt/conformance/nginx';
import type { Runner } from '@adapt/conformance';
import { describe } from 'vitest';
import { requireComponent } from '../../../test/components.js';
import { CliProcess, repoRoot, runCli, tempProject } from './helpers.js';

async function startBuilt(framework: FrameworkName, behindNginx: boolean): Promise<Runner> {
  const [appPort, nginxPort] = [await freePort(), await freePort()];
  const project = tempProject({});
  const out = join(project.dir, '.adapt/node');
  project.write(
    'adapt.config.mjs',
    `export default ${JSON.stringify({
      entry: join(repoRoot, `test/conformance/src/framework-entries/${framework}.ts`),
      targets: { node: { port: appPort, installDir: out, listen: `127.0.0.1:${nginxPort}` } },
    })};\n`,
  );
  const build = await runCli(['build', '--target', 'node'], { cwd: project.dir });
  if (build.code !== 0) throw new Error(`adapt build failed:\n${build.stderr}`);
  // the bundle no longer sits beside files/: say where they are
  const env: Record<string, string> = { CONFORMANCE_FILES: filesDir, NODE_ENV: 'test' };
  if (behindNginx) env.TRUST_PROXY = '1';
  const server = new CliProcess(['start', '--target', 'node'], { cwd: project.dir, env });
  await server.waitFor(new RegExp(`listening on http://127.0.0.1:${appPort}`));
  const nginx = behindNginx ? await startNginx(join(project.dir, 'nginx'), join(out, 'nginx-site.conf'), nginxPort) : undefined;
  const origin = `http://127.0.0.1:${behindNginx ? nginxPort : appPort}`;
  return {
    name: behindNginx ? `${framework} behind nginx` : `${framework} (adapt start)`,
    deliver: (request) => send(origin, request.path, request),
    close: async () => {
      await nginx?.stop();
      await server.stop();
      project.remove();
    },
  };
}

for (const framework of frameworkNames) {
  frameworkSuite('node (adapt build + adapt start)', framework, () => startBuilt(framework, false));
}

/** What nginx itself refuses before proxying: no app behind it can be given these. */
const nginxRefuses = {
  'malformed path /static/%': 'nginx answers 400 itself to a % that starts no escape',
  'malformed path /static/%zz': 'nginx answers 400 itself to a % that starts no escape',
  'malformed path /% at the root': 'nginx answers 400 itself to a % that starts no escape',
  'TRACE reaches the app': 'nginx answers 405 itself to TRACE, always',
};

describe('behind the generated nginx site', () => {
  const nginxHere = requireComponent('nginx');
  for (const framework of frameworkNames) {
    frameworkSuite('node (adapt start behind nginx)', framework, () => startBuilt(framework, true), { skip: nginxRefuses, enabled: nginxHere });
  }
});
