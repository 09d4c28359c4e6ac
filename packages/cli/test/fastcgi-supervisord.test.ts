/**
 * Socket activation with supervisord: the `[fcgi-program:x]` section `adapt build --target
 * fastcgi` writes, run by a real supervisord, which opens the unix socket itself and starts the
 * app with it on fd 0; a real nginx with the generated site serves through it, and the socket
 * stays while supervisord restarts the app.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdirSync, readFileSync, statSync } from 'node:fs';
import { userInfo } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { send, text } from '@adapt/conformance/http';
import { freePort, startNginx, type RunningNginx } from '@adapt/conformance/nginx';
import { requireComponent } from '../../../test/components.js';
import { runCli, tempProject, writeSupervisordConfig, type TempProject } from './helpers.js';

async function waitFor(check: () => boolean | Promise<boolean>): Promise<void> {
  while (!(await check())) await new Promise((resolve) => setTimeout(resolve, 50));
}

describe('supervisord fcgi-program (socket activation)', () => {
  const here = requireComponent('supervisord') && requireComponent('nginx');
  let project: TempProject;
  let supervisord: ChildProcess | undefined;
  let nginx: RunningNginx | undefined;
  let port: number;
  let out: string;
  // the app runs as www-data under root (the owner of the socket nginx's workers connect to)
  const user = process.getuid?.() === 0 ? 'www-data' : userInfo().username;
  const logs = () => join(project.dir, 'logs');

  beforeAll(async () => {
    if (!here) return;
    port = await freePort();
    project = tempProject({
      'package.json': JSON.stringify({ name: 'fcgiapp', type: 'module' }),
      'src/app.js': 'export default { fetch: (request) => new Response("hi " + process.pid + " " + process.env.GREETING) };\n',
    });
    out = join(project.dir, '.adapt/fastcgi');
    mkdirSync(logs());
    project.write(
      'adapt.config.mjs',
      `export default ${JSON.stringify({
        env: { GREETING: 'from the stage' },
        targets: {
          fastcgi: { installDir: out, socket: join(project.dir, 'fcgi.sock'), listen: `127.0.0.1:${port}`, user, nodePath: process.execPath, logDir: logs(), stopTimeout: 10 },
        },
      })};\n`,
    );
    const build = await runCli(['build', '--target', 'fastcgi'], { cwd: project.dir });
    expect(build.code, build.stderr).toBe(0);
  });
  afterAll(async () => {
    await nginx?.stop();
    if (supervisord && supervisord.exitCode === null) {
      supervisord.kill('SIGTERM');
      await new Promise((resolve) => supervisord!.once('exit', resolve));
    }
    project?.remove();
  });

  it('supervisord opens the socket and hands it on fd 0; nginx serves through it; a restart opens it again', async () => {
    if (!here) return;
    const program = join(out, 'adapt-fcgiapp.fcgi-program.conf');
    const section = readFileSync(program, 'utf8');
    expect(section).toContain(`[fcgi-program:adapt-fcgiapp]\nsocket=unix://${project.dir}/fcgi.sock\nsocket_owner=${user}:${user}\nsocket_mode=0660`);
    expect(section).toContain('FCGI_FD="0"');
    const conf = writeSupervisordConfig(project.dir, logs(), program);
    let said = '';
    supervisord = spawn('supervisord', ['-c', conf], { stdio: ['ignore', 'pipe', 'pipe'] });
    supervisord.stdout!.on('data', (chunk) => (said += chunk));
    supervisord.stderr!.on('data', (chunk) => (said += chunk));
    const ctl = (...args: string[]) => spawnSync('supervisorctl', ['-c', conf, ...args], { encoding: 'utf8' });
    await waitFor(() => {
      if (supervisord!.exitCode !== null) throw new Error(`supervisord exited with ${supervisord!.exitCode}: ${said}`);
      return /RUNNING/.test(ctl('status', 'adapt-fcgiapp').stdout);
    });
    const outLog = readFileSync(join(logs(), 'adapt-fcgiapp.out.log'), 'utf8');
    expect(outLog).toContain('fcgiapp serving FastCGI on fd:0');
    const socketStats = statSync(join(project.dir, 'fcgi.sock'));
    expect(socketStats.isSocket()).toBe(true);
    expect(socketStats.mode & 0o777).toBe(0o660);

    // nginx's workers as the socket's owner, as Debian's nginx runs them (user www-data)
    nginx = await startNginx(join(project.dir, 'nginx'), join(out, 'nginx-site.conf'), port, { user });
    const first = await send(`http://127.0.0.1:${port}`, '/');
    expect(first.status).toBe(200);
    expect(text(first.body)).toMatch(/^hi \d+ from the stage$/);

    const restart = ctl('restart', 'adapt-fcgiapp');
    expect(restart.stdout).toMatch(/started/);
    // supervisord closes its socket when the program's last process stops and opens it again for
    // the new one (its socket manager counts references): the socket is back, with the same mode,
    // and a new process serves behind it
    const reopened = statSync(join(project.dir, 'fcgi.sock'));
    expect(reopened.isSocket()).toBe(true);
    expect(reopened.mode & 0o777).toBe(0o660);
    const second = await send(`http://127.0.0.1:${port}`, '/');
    expect(second.status).toBe(200);
    expect(text(second.body)).not.toBe(text(first.body));

    expect(ctl('stop', 'adapt-fcgiapp').stdout).toMatch(/stopped/);
  });
});
