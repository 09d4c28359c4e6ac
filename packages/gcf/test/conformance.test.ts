/**
 * The conformance battery through the real functions-framework (a process started on a free port,
 * loading an esbuild bundle that exports `adapt = toGcfHandler(app)`, requests over HTTP) and
 * through the App Engine server (the same kind of bundle run with PORT and GAE_ENV=standard).
 */
import { conformanceSuite, type Runner } from '@adapt/conformance';
import { send } from '@adapt/conformance/http';
import { buildBundle, startAppEngine, startFramework, type RunningServer } from './helpers/processes.js';

/** What functions-framework answers itself, before the function runs. */
const frameworkAnswers: Record<string, string> = {
  'invalid JSON body is the app 400':
    "functions-framework's body-parser refuses malformed JSON with its own 400 before the function runs (see README: what the framework answers itself)",
};

async function processRunner(name: string, start: (dir: string) => Promise<RunningServer>, fixture: string): Promise<Runner> {
  const bundle = await buildBundle(fixture);
  let server: RunningServer;
  try {
    server = await start(bundle.dir);
  } catch (error) {
    bundle.remove();
    throw error;
  }
  return {
    name,
    deliver: (request) => send(server.url, request.path, { method: request.method, headers: request.headers, body: request.body }),
    async close() {
      await server.stop();
      bundle.remove();
    },
  };
}

conformanceSuite('gcf through functions-framework (fetch app)', () => processRunner('gcf (functions-framework)', (dir) => startFramework(dir, 'adapt'), 'gcf-entry.ts'), {
  skip: frameworkAnswers,
});

conformanceSuite(
  'gcf through functions-framework (Express through fromNodeHandler)',
  () => processRunner('gcf express (functions-framework)', (dir) => startFramework(dir, 'express'), 'gcf-entry.ts'),
  {
    lacks: ['context', 'fetch-api'],
    skip: frameworkAnswers,
  },
);

conformanceSuite('App Engine standard (fetch app)', () => processRunner('app engine (PORT, GAE_ENV=standard)', (dir) => startAppEngine(dir), 'app-engine-entry.ts'));

conformanceSuite(
  'App Engine standard (Express through fromNodeHandler)',
  () => processRunner('app engine express', (dir) => startAppEngine(dir, { FIXTURE_APP: 'express' }), 'app-engine-entry.ts'),
  {
    lacks: ['context', 'fetch-api'],
  },
);
