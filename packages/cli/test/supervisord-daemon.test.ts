/**
 * The daemon program of the generated supervisord file under a real supervisord: the daemon task
 * runs beside the server with the program's environment, a crash is restarted (autorestart), and
 * `supervisorctl stop` ends it through its signal (stopsignal=TERM).
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { userInfo } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { send } from '@adapt/conformance/http';
import { freePort } from '@adapt/conformance/nginx';
import { requireComponent } from '../../../test/components.js';
import { runCli, tempProject, type TempProject } from './helpers.js';

async function waitFor(check: () => boolean | Promise<boolean>): Promise<void> {
  while (!(await check())) await new Promise((resolve) => setTimeout(resolve, 50));
}

const appSource = `import { appendFileSync, readFileSync } from 'node:fs';
const journal = process.env.JOURNAL;
export default {
  fetch: () => new Response('served'),
  tasks: {
    daemon: async (args, context) => {
      appendFileSync(journal, 'start ' + context.env.GREETING + '\\n');
      // the first run crashes after supervisord's startsecs; the next one waits for its stop signal
      if (readFileSync(journal, 'utf8').split('\\n').filter(Boolean).length === 1) {
        await new Promise((resolve) => setTimeout(resolve, 2500));
        throw new Error('worker crashed');
      }
      await new Promise((resolve) => context.signal.addEventListener('abort', resolve));
      appendFileSync(journal, 'stopped\\n');
    },
  },
};
`;

describe('the supervisord daemon program', () => {
  const here = requireComponent('supervisord');
  let project: TempProject;
  let supervisord: ChildProcess | undefined;
  let port: number;
  const logs = () => join(project.dir, 'logs');

  beforeAll(async () => {
    if (!here) return;
    port = await freePort();
    project = tempProject({ 'package.json': JSON.stringify({ name: 'superdaemon', type: 'module' }), 'src/app.js': appSource }, { linkModules: true });
    mkdirSync(logs());
    const outDir = join(project.dir, '.adapt/node');
    project.write(
      'adapt.config.mjs',
      `export default { env: { GREETING: 'hello', JOURNAL: ${JSON.stringify(join(project.dir, 'journal.txt'))} }, targets: { node: { port: ${port}, installDir: ${JSON.stringify(outDir)}, user: ${JSON.stringify(userInfo().username)}, nodePath: ${JSON.stringify(process.execPath)}, logDir: ${JSON.stringify(logs())}, stopTimeout: 10 } } };\n`,
    );
    writeFileSync(join(project.dir, 'journal.txt'), '');
    const build = await runCli(['build', '--target', 'node'], { cwd: project.dir });
    expect(build.code, build.stderr).toBe(0);
  });
  afterAll(async () => {
    if (supervisord && supervisord.exitCode === null) {
      supervisord.kill('SIGTERM');
      await new Promise((resolve) => supervisord!.once('exit', resolve));
    }
    project?.remove();
  });

  it.runIf(here)('runs the daemon beside the server, restarts it after a crash, stops it through its signal', async () => {
    const conf = join(project.dir, 'supervisord.conf');
    const sock = join(project.dir, 'supervisor.sock');
    const program = join(project.dir, '.adapt/node/adapt-superdaemon.supervisord.conf');
    writeFileSync(
      conf,
      `[supervisord]\nnodaemon=true\nlogfile=${logs()}/supervisord.log\npidfile=${project.dir}/supervisord.pid\n\n[unix_http_server]\nfile=${sock}\n\n[rpcinterface:supervisor]\nsupervisor.rpcinterface_factory = supervisor.rpcinterface:make_main_rpcinterface\n\n[supervisorctl]\nserverurl=unix://${sock}\n\n[include]\nfiles = ${program}\n`,
    );
    let said = '';
    supervisord = spawn('supervisord', ['-c', conf], { stdio: ['ignore', 'pipe', 'pipe'] });
    supervisord.stdout!.on('data', (chunk) => (said += chunk));
    supervisord.stderr!.on('data', (chunk) => (said += chunk));
    const journal = () => readFileSync(join(project.dir, 'journal.txt'), 'utf8');
    await waitFor(() => {
      if (supervisord!.exitCode !== null) throw new Error(`supervisord exited with ${supervisord!.exitCode}: ${said}`);
      return journal().split('\n').filter(Boolean).length >= 2;
    });
    expect(journal()).toBe('start hello\nstart hello\n');
    expect(Buffer.from((await send(`http://127.0.0.1:${port}`, '/')).body).toString()).toBe('served');
    expect(readFileSync(join(logs(), 'adapt-superdaemon-daemon.err.log'), 'utf8')).toContain('Error: worker crashed');
    const ctl = (...args: string[]) => spawnSync('supervisorctl', ['-c', conf, ...args], { encoding: 'utf8' });
    await waitFor(() => /RUNNING/.test(ctl('status', 'adapt-superdaemon-daemon').stdout));
    const stop = ctl('stop', 'adapt-superdaemon-daemon');
    expect(stop.stdout).toMatch(/stopped/);
    expect(journal()).toBe('start hello\nstart hello\nstopped\n');
    expect(ctl('status', 'adapt-superdaemon').stdout).toMatch(/RUNNING/);
  });
});
