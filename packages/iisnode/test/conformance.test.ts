/**
 * The battery through the real build: `adapt build --target iisnode` of the battery's app, its
 * index.cjs loaded with require() by an interceptor as iisnode loads it, PORT a unix socket path,
 * every URL under the virtual directory /app, forged x-iisnode-* headers first and the promoted
 * ones after them, and X-Forwarded-For appended as iisnode's enableXFF does.
 */
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { conformanceSuite } from '@adapt/conformance';
import { send } from '@adapt/conformance/http';
import { buildIisnode, makeProject, repoRoot, runAsIisnode } from './helpers/build.js';

conformanceSuite('iisnode (built, require()d through index.cjs, unix socket in PORT, under /app)', async () => {
  const project = makeProject({
    entry: join(repoRoot, 'test/conformance/src/app.ts'),
    targets: { iisnode: { basePath: '/app', enableXFF: true, promoteServerVars: ['AUTH_USER', 'HTTPS'] } },
  });
  const out = await buildIisnode(project);
  const running = await runAsIisnode(out);
  return {
    name: 'iisnode (built)',
    deliver: (request) => {
      const headers: Array<[string, string]> = [['X-iisnode-AUTH_USER', 'forged'], ['x-iisnode-secret', 'forged'], ...(request.headers ?? [])];
      headers.push(['X-Forwarded-For', '203.0.113.7'], ['X-iisnode-HTTPS', 'off'], ['X-iisnode-AUTH_USER', 'CONTOSO\\ada']);
      return send('http://localhost', `/app${request.path === '/' ? '' : request.path}`, { method: request.method, headers, body: request.body, socketPath: running.socketPath });
    },
    close: async () => {
      await running.stop();
      rmSync(out, { recursive: true, force: true });
      rmSync(project, { recursive: true, force: true });
    },
  };
});
