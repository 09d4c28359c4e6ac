/**
 * The framework battery (Express 4 and 5, Koa, Fastify) through the iisnode build: each app's
 * bundle require()d through index.cjs on a unix socket, under the virtual directory /app, forged
 * x-iisnode-* headers on every request; each answer compared with the same app under node:http.
 */
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import type { Runner } from '@adapt/conformance';
import { filesDir, frameworkNames, frameworkSuite, type FrameworkName } from '@adapt/conformance/frameworks';
import { send } from '@adapt/conformance/http';
import { buildIisnode, makeProject, repoRoot, runAsIisnode } from './helpers/build.js';

async function builtFramework(framework: FrameworkName): Promise<Runner> {
  const project = makeProject({ entry: join(repoRoot, `test/conformance/src/framework-entries/${framework}.ts`), targets: { iisnode: { basePath: '/app' } } });
  const out = await buildIisnode(project);
  // the bundle no longer sits beside files/: say where they are
  const running = await runAsIisnode(out, { CONFORMANCE_FILES: filesDir, NODE_ENV: 'test' });
  return {
    name: `${framework} (iisnode build)`,
    deliver: (request) =>
      send('http://localhost', request.path.startsWith('/') ? `/app${request.path}` : request.path, {
        method: request.method,
        headers: [['X-iisnode-AUTH_USER', 'forged'], ...(request.headers ?? [])],
        body: request.body,
        socketPath: running.socketPath,
      }),
    close: async () => {
      await running.stop();
      rmSync(out, { recursive: true, force: true });
      rmSync(project, { recursive: true, force: true });
    },
  };
}

for (const framework of frameworkNames) {
  frameworkSuite('iisnode (built, require()d, under /app)', framework, () => builtFramework(framework));
}
