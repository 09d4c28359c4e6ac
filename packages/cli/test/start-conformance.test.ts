/**
 * The conformance battery over HTTP against the bundle `adapt build --target node` makes of the
 * battery's app, run by `adapt start --target node` as a separate process.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { conformanceSuite } from '@adapt/conformance';
import { send } from '@adapt/conformance/http';
import { CliProcess, repoRoot, runCli } from './helpers.js';

const conformanceDir = join(repoRoot, 'test/conformance');

conformanceSuite('node (adapt build + adapt start)', async () => {
  const out = mkdtempSync(join(tmpdir(), 'adapt-conformance-'));
  const build = await runCli(['build', '--target', 'node', '--out', out, '--json'], { cwd: conformanceDir });
  if (build.code !== 0) throw new Error(`adapt build failed:\n${build.stdout}\n${build.stderr}`);
  const started = new CliProcess(['start', '--target', 'node', '--out', out, '--port', '0'], { cwd: conformanceDir });
  const [, origin] = await started.waitFor(/listening on (http:\/\/\S+)/);
  return {
    name: 'node (adapt start)',
    deliver: (request) => send(origin, request.path, request),
    close: async () => {
      await started.stop('SIGTERM');
      rmSync(out, { recursive: true, force: true });
    },
  };
});
