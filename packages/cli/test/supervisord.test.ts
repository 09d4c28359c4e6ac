/**
 * The generated supervisord program section, for real: it parses with Python's configparser (the
 * parser supervisord builds on), and a real supervisord runs the node build with it, `supervisorctl
 * signal HUP` restarts it without downtime, and `supervisorctl stop` stops it gracefully.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { userInfo } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '@adapt/conformance/nginx';
import { send } from '@adapt/conformance/http';
import { requireComponent } from '../../../test/components.js';
import { runCli, tempProject, writeSupervisordConfig, type TempProject } from './helpers.js';

async function waitFor(check: () => boolean | Promise<boolean>): Promise<void> {
  while (!(await check())) await new Promise((resolve) => setTimeout(resolve, 50));
}

describe('the supervisord program section', () => {
  const here = requireComponent('supervisord');
  let project: TempProject;
  let outDir: string;
  let port: number;
  let program: string;
  let supervisord: ChildProcess | undefined;
  const logs = () => join(project.dir, 'logs');

  beforeAll(async () => {
    if (!here) return;
    port = await freePort();
    project = tempProject(
      { 'package.json': JSON.stringify({ name: 'superapp', type: 'module' }), 'src/app.js': 'export default { fetch: () => new Response("hi " + process.pid) };\n' },
      { linkModules: true },
    );
    outDir = join(project.dir, '.adapt/node');
    mkdirSync(logs());
    project.write(
      'adapt.config.ts',
      `export default { env: { GREETING: 'say "100%", ok' }, targets: { node: { port: ${port}, installDir: ${JSON.stringify(outDir)}, user: ${JSON.stringify(userInfo().username)}, nodePath: ${JSON.stringify(process.execPath)}, logDir: ${JSON.stringify(logs())}, stopTimeout: 10 } } };\n`,
    );
    const build = await runCli(['build', '--target', 'node'], { cwd: project.dir });
    expect(build.code, build.stderr).toBe(0);
    program = join(outDir, 'adapt-superapp.supervisord.conf');
  });
  afterAll(async () => {
    if (supervisord && supervisord.exitCode === null) {
      supervisord.kill('SIGTERM');
      await new Promise((resolve) => supervisord!.once('exit', resolve));
    }
    project?.remove();
  });

  it("parses with Python's configparser, every value as written", () => {
    const script = `import configparser, json, sys
p = configparser.ConfigParser(interpolation=None, inline_comment_prefixes=(' ;',))
p.read(sys.argv[1])
print(json.dumps({s: dict(p[s]) for s in p.sections()}))`;
    const parsed = spawnSync('python3', ['-c', script, program], { encoding: 'utf8' });
    expect(parsed.status, parsed.stderr).toBe(0);
    const section = JSON.parse(parsed.stdout)['program:adapt-superapp'];
    expect(section).toMatchObject({ command: `${process.execPath} ${outDir}/server.mjs`, directory: outDir, stopsignal: 'TERM', stopwaitsecs: '10', killasgroup: 'true' });
    expect(section.environment).toContain(`PORT="${port}"`);
    expect(section.environment).toContain(`GREETING='say "100%%", ok'`);
  });

  it('a real supervisord runs it, HUP restarts it without downtime, stop stops it', async () => {
    const conf = writeSupervisordConfig(project.dir, logs(), program);
    let said = '';
    supervisord = spawn('supervisord', ['-c', conf], { stdio: ['ignore', 'pipe', 'pipe'] });
    supervisord.stdout!.on('data', (chunk) => (said += chunk));
    supervisord.stderr!.on('data', (chunk) => (said += chunk));
    const url = `http://127.0.0.1:${port}`;
    await waitFor(() => {
      if (supervisord!.exitCode !== null) throw new Error(`supervisord exited with ${supervisord!.exitCode}: ${said}`);
      return send(url, '/').then(
        (answer) => answer.status === 200,
        () => false,
      );
    });
    const ctl = (...args: string[]) => spawnSync('supervisorctl', ['-c', conf, ...args], { encoding: 'utf8' });
    await waitFor(() => /RUNNING/.test(ctl('status', 'adapt-superapp').stdout)); // after startsecs
    const outLog = join(logs(), 'adapt-superapp.out.log');
    expect(readFileSync(outLog, 'utf8')).toContain(`superapp listening on http://127.0.0.1:${port}`);
    // the environment reached the app as written (quotes, comma and % intact)
    expect(readFileSync(`/proc/${ctl('pid', 'adapt-superapp').stdout.trim()}/environ`, 'utf8').split('\0')).toContain('GREETING=say "100%", ok');
    const before = Buffer.from((await send(url, '/')).body).toString();

    const hup = ctl('signal', 'HUP', 'adapt-superapp');
    expect(hup.status, hup.stdout + hup.stderr).toBe(0);
    await waitFor(() => readFileSync(outLog, 'utf8').includes('adapt: restart complete (1 worker replaced)'));
    const after = Buffer.from((await send(url, '/')).body).toString();
    expect(after).toMatch(/^hi \d+$/);
    expect(after).not.toBe(before); // a new worker answers

    const stop = ctl('stop', 'adapt-superapp');
    expect(stop.stdout).toMatch(/stopped/);
    expect(readFileSync(join(logs(), 'adapt-superapp.err.log'), 'utf8')).toContain('SIGTERM received; finishing requests in flight');
    expect(existsSync(outLog)).toBe(true);
  });
});
