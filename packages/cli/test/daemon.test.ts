/**
 * Process management on a plain box, for real: `adapt start --daemon` detaches the node build with
 * a pid file and log files, `adapt restart` under a loop of real HTTP requests loses none and
 * replaces the primary process itself (the socket handed from one to the next), `adapt
 * stop` lets a slow in-flight request finish with 200, and the bad cases (a second daemon, a taken
 * port, a stale pid file, nothing running) each get a clear error.
 */
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '@adapt/conformance/nginx';
import { runCli, tempProject, type TempProject } from './helpers.js';

const app = (version: string) => `export default {
  async fetch(request) {
    const url = new URL(request.url);
    if (url.pathname === '/slow') {
      console.log('slow request began');
      await new Promise((resolve) => setTimeout(resolve, Number(url.searchParams.get('ms'))));
      return new Response('slow done');
    }
    return new Response('${version} ' + process.pid);
  },
};
`;

/** One GET; resolves with status and body, or rejects on a connection error. */
function get(url: string, agent?: Agent): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    request(url, { agent: agent ?? false }, (res) => {
      let body = '';
      res.setEncoding('utf8').on('data', (chunk) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      res.on('error', reject);
    })
      .on('error', reject)
      .end();
  });
}

async function waitFor(check: () => boolean): Promise<void> {
  while (!check()) await new Promise((resolve) => setTimeout(resolve, 20));
}

describe('adapt start --daemon, status, restart, stop', () => {
  let project: TempProject;
  let port: number;
  let url: string;
  let pid: number;
  const pidFile = () => join(project.dir, '.adapt/run/boxapp.pid');
  const outLog = () => join(project.dir, '.adapt/log/boxapp.out.log');

  beforeAll(async () => {
    port = await freePort();
    project = tempProject({ 'package.json': JSON.stringify({ name: 'boxapp', type: 'module' }), 'src/app.js': app('v1') }, { linkModules: true });
    const build = await runCli(['build', '--target', 'node', '--json'], { cwd: project.dir });
    expect(build.code, build.stderr).toBe(0);
    expect(JSON.parse(build.stdout).stage).toEqual({ stage: 'dev', by: 'default', reason: expect.stringMatching(/^no stage's hosts match host ".+"; the default stage$/) });
  });
  afterAll(async () => {
    // a failed test must not leave the daemon behind
    if (project && existsSync(pidFile())) {
      const left = Number(readFileSync(pidFile(), 'utf8'));
      try {
        process.kill(left, 'SIGKILL');
      } catch {
        // already gone
      }
    }
    project?.remove();
  });

  it('starts detached: pid file, log files, and the URL it listens on', async () => {
    const started = await runCli(['start', '--daemon', '--port', String(port), '--json'], { cwd: project.dir });
    expect(started.code, started.stderr).toBe(0);
    const result = JSON.parse(started.stdout);
    expect(result).toMatchObject({ ok: true, running: true, url: `http://127.0.0.1:${port}`, target: 'node', stage: 'dev' });
    pid = result.pid;
    url = result.url;
    expect(Number(readFileSync(pidFile(), 'utf8'))).toBe(pid);
    expect(readFileSync(outLog(), 'utf8')).toContain(`listening on ${url}`);
    expect((await get(url)).body).toMatch(/^v1 \d+$/);
  });

  it('status says running, with pid, uptime and URL', async () => {
    const status = await runCli(['status', '--json'], { cwd: project.dir });
    expect(status.code).toBe(0);
    expect(JSON.parse(status.stdout)).toMatchObject({ running: true, pid, url, runningStage: 'dev', uptimeMs: expect.any(Number) });
    const human = await runCli(['status'], { cwd: project.dir });
    expect(human.stdout).toContain(`boxapp is running as process ${pid} on ${url}, up `);
  });

  it('a second daemon is refused with the running one named', async () => {
    const again = await runCli(['start', '--daemon', '--port', String(port), '--json'], { cwd: project.dir });
    expect(again.code).toBe(1);
    expect(JSON.parse(again.stdout).error).toMatchObject({ code: 'ALREADY_RUNNING', message: `boxapp is already running as process ${pid} on ${url}` });
  });

  it('restart under a loop of requests loses none, and serves the new build', async () => {
    project.write('src/app.js', app('v2'));
    const rebuilt = await runCli(['build', '--target', 'node'], { cwd: project.dir });
    expect(rebuilt.code, rebuilt.stderr).toBe(0);
    const agent = new Agent({ keepAlive: true, maxSockets: 4 });
    let stop = false;
    let ok = 0;
    const failures: string[] = [];
    const bodies = new Set<string>();
    const loop = async () => {
      while (!stop) {
        try {
          const answer = await get(url, agent);
          if (answer.status === 200) {
            ok++;
            bodies.add(answer.body.split(' ')[0]);
          } else failures.push(`status ${answer.status}`);
        } catch (error) {
          failures.push((error as Error).message);
        }
      }
    };
    const loops = [loop(), loop(), loop(), loop()];
    await waitFor(() => ok >= 20);
    const restarted = await runCli(['restart', '--json'], { cwd: project.dir });
    const after = ok;
    await waitFor(() => ok >= after + 20);
    stop = true;
    await Promise.all(loops);
    agent.destroy();
    expect(restarted.code, restarted.stderr).toBe(0);
    const result = JSON.parse(restarted.stdout);
    expect(result).toMatchObject({ ok: true, restarted: true, previousPid: pid, detail: `new process ${result.pid}` });
    expect(failures).toEqual([]);
    expect(bodies).toEqual(new Set(['v1', 'v2']));
    expect((await get(url)).body).toMatch(/^v2 /);
    // the primary itself was replaced: the old one drains and exits, the pid file names the new one
    expect(result.pid).not.toBe(pid);
    expect(Number(readFileSync(pidFile(), 'utf8'))).toBe(result.pid);
    const old = pid;
    await waitFor(() => {
      try {
        process.kill(old, 0);
        return false;
      } catch {
        return true;
      }
    });
    pid = result.pid;
    const status = await runCli(['status', '--json'], { cwd: project.dir });
    expect(JSON.parse(status.stdout)).toMatchObject({ running: true, pid, url });
  });

  it('restart with a build that cannot start: a clear error, and the running process keeps serving', async () => {
    // builds (adapt build reads the module), but cannot start: its setup() fails
    project.write('src/app.js', `export default { async setup() { throw new Error('broken build'); }, fetch: () => new Response('never') };\n`);
    const rebuilt = await runCli(['build', '--target', 'node'], { cwd: project.dir });
    expect(rebuilt.code, rebuilt.stderr).toBe(0);
    const restarted = await runCli(['restart', '--json'], { cwd: project.dir });
    expect(restarted.code).toBe(1);
    expect(JSON.parse(restarted.stdout).error).toMatchObject({ code: 'RESTART_FAILED', message: expect.stringContaining('exited before listening') });
    expect(Number(readFileSync(pidFile(), 'utf8'))).toBe(pid);
    expect((await get(url)).body).toMatch(/^v2 /);
    project.write('src/app.js', app('v2'));
    expect((await runCli(['build', '--target', 'node'], { cwd: project.dir })).code).toBe(0);
  });

  it('stop lets an in-flight slow request finish with 200, then removes the pid file', async () => {
    const logged = readFileSync(outLog(), 'utf8').split('slow request began').length;
    const slow = get(`${url}/slow?ms=1500`);
    await waitFor(() => readFileSync(outLog(), 'utf8').split('slow request began').length > logged);
    const stopped = await runCli(['stop', '--json'], { cwd: project.dir });
    expect(stopped.code, stopped.stderr).toBe(0);
    expect(JSON.parse(stopped.stdout)).toEqual({ ok: true, app: 'boxapp', stopped: true, pid });
    expect(await slow).toEqual({ status: 200, body: 'slow done' });
    expect(existsSync(pidFile())).toBe(false);
    const status = await runCli(['status', '--json'], { cwd: project.dir });
    expect(status.code).toBe(3);
    expect(JSON.parse(status.stdout)).toMatchObject({ running: false });
  });

  it('stop or restart with nothing running: a clear message and exit code 3', async () => {
    const stop = await runCli(['stop'], { cwd: project.dir });
    expect(stop.code).toBe(3);
    expect(stop.stderr).toContain('error: boxapp is not running; nothing to stop\n  start it with adapt start --daemon');
    const restart = await runCli(['restart', '--json'], { cwd: project.dir });
    expect(restart.code).toBe(3);
    expect(JSON.parse(restart.stdout).error.code).toBe('NOT_RUNNING');
  });

  it('a stale pid file (its process gone) is removed and said', async () => {
    const gone = spawn(process.execPath, ['-e', '']);
    await new Promise((resolve) => gone.once('exit', resolve));
    mkdirSync(join(project.dir, '.adapt/run'), { recursive: true });
    writeFileSync(pidFile(), `${gone.pid}\n`);
    const status = await runCli(['status'], { cwd: project.dir });
    expect(status.code).toBe(3);
    expect(status.stdout).toContain(`boxapp is not running (removed a stale pid file: process ${gone.pid} is gone)`);
    expect(existsSync(pidFile())).toBe(false);
  });

  it('a port already in use: a clear error naming the process that holds it', async () => {
    const holder: Server = createServer();
    await new Promise<void>((resolve) => holder.listen(port, '127.0.0.1', resolve));
    try {
      const started = await runCli(['start', '--daemon', '--port', String(port), '--json'], { cwd: project.dir });
      expect(started.code).toBe(1);
      const error = JSON.parse(started.stdout).error;
      expect(error.code).toBe('PORT_IN_USE');
      expect(error.message).toContain(`port ${port} on 127.0.0.1 is already in use by process ${process.pid}`);
      expect(existsSync(pidFile())).toBe(false);
    } finally {
      await new Promise((resolve) => holder.close(resolve));
    }
  });
});
