/**
 * The battery through the real build: `adapt build --target iisnode` of the battery's app, its
 * index.cjs loaded with require() by an interceptor as iisnode loads it, PORT a unix socket path,
 * every URL under the virtual directory /app, forged x-iisnode-* headers first and the promoted
 * ones after them, and X-Forwarded-For appended as iisnode's enableXFF does.
 */
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { conformanceSuite, type Runner } from '@adapt/conformance';
import { send } from '@adapt/conformance/http';
import { buildIisnode, makeProject, repoRoot, runAsIisnode } from './helpers/build.js';

async function builtRunner(entry: string, name: string): Promise<Runner> {
  const project = makeProject({
    entry,
    targets: { iisnode: { basePath: '/app', enableXFF: true, promoteServerVars: ['AUTH_USER', 'HTTPS'] } },
  });
  const out = await buildIisnode(project);
  const running = await runAsIisnode(out);
  return {
    name,
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
}

conformanceSuite('iisnode (built, require()d through index.cjs, unix socket in PORT, under /app)', () =>
  builtRunner(join(repoRoot, 'test/conformance/src/app.ts'), 'iisnode (built)'),
);
conformanceSuite(
  'iisnode (built, Express through fromNodeHandler)',
  () => builtRunner(fileURLToPath(new URL('./fixtures/express-entry.ts', import.meta.url)), 'iisnode express (built)'),
  { lacks: ['context', 'fetch-api'] },
);
