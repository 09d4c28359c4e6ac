/**
 * The conformance battery over real HTTP against `adapt start --target lambda`: the bundle
 * `adapt build --target lambda` makes of the battery's app, run in a child runtime behind the
 * local Runtime API, once per event source. Its answers must match the Lambda columns of the
 * in-process battery (packages/lambda/test/conformance.test.ts): the same cases, the same limits.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import { conformanceSuite, type Runner } from '@adapt/conformance';
import { send } from '@adapt/conformance/http';
import { limits } from '../../lambda/test/helpers/limits.js';
import type { SourceKind } from '../../lambda/test/helpers/sources.js';
import { CliProcess, repoRoot, runCli } from './helpers.js';

const conformanceDir = join(repoRoot, 'test/conformance');
interface Build {
  /** The project folder the CLI runs in. */
  cwd: string;
  out: string;
}
const builds: Partial<Record<'buffered' | 'streaming', Build>> = {};
const temporary: string[] = [];

beforeAll(async () => {
  // the streaming build: a project whose config turns streaming on, with the battery's app as entry
  const streamingProject = mkdtempSync(join(tmpdir(), 'adapt-lambda-stream-project-'));
  temporary.push(streamingProject);
  const entry = relative(streamingProject, join(conformanceDir, 'src/app.ts')).split('\\').join('/');
  writeFileSync(join(streamingProject, 'adapt.config.mjs'), `export default { entry: ${JSON.stringify(entry)}, targets: { lambda: { streaming: true } } };\n`);
  for (const [mode, cwd] of [
    ['buffered', conformanceDir],
    ['streaming', streamingProject],
  ] as const) {
    const out = mkdtempSync(join(tmpdir(), `adapt-lambda-start-${mode}-`));
    temporary.push(out);
    const build = await runCli(['build', '--target', 'lambda', '--out', out, '--json'], { cwd });
    if (build.code !== 0) throw new Error(`adapt build failed:\n${build.stdout}\n${build.stderr}`);
    builds[mode] = { cwd, out };
  }
});
afterAll(() => {
  for (const folder of temporary) rmSync(folder, { recursive: true, force: true });
});

function startRunner(kind: SourceKind, mode: 'buffered' | 'streaming') {
  return async (): Promise<Runner> => {
    const build = builds[mode]!;
    const started = new CliProcess(['start', '--target', 'lambda', '--out', build.out, '--port', '0', '--source', kind], { cwd: build.cwd });
    const [, origin] = await started.waitFor(/listening on (http:\/\/\S+)/);
    return {
      name: `lambda ${kind}${mode === 'streaming' ? ' streaming' : ''} (adapt start)`,
      deliver: (request) => send(origin, request.path, request),
      close: async () => {
        await started.stop('SIGTERM');
      },
    };
  };
}

for (const kind of ['function-url', 'apigw-v1', 'apigw-v2', 'alb', 'alb-multi', 'lattice-v1', 'lattice-v2'] as const) {
  conformanceSuite(`lambda ${kind} (adapt build + adapt start)`, startRunner(kind, 'buffered'), { skip: limits[kind] });
}
conformanceSuite('lambda function-url streaming (adapt build + adapt start)', startRunner('function-url', 'streaming'), { skip: limits['function-url'] });
