/**
 * The daemon task beside the node server, for real: `adapt start --with-daemon` runs it in its own
 * process with the server's environment, restarts it with a growing delay when it crashes, and
 * stops it (its signal aborted) with the server; `adapt build` writes its systemd unit and
 * supervisord program when the app has a daemon task.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { send } from '@adapt/conformance/http';
import { CliProcess, runCli, tempProject } from './helpers.js';

const appSource = `import { appendFileSync, readFileSync } from 'node:fs';
const journal = process.env.JOURNAL;
const starts = () => readFileSync(journal, 'utf8').split('\\n').filter((line) => line.startsWith('start')).length;
export default {
  fetch: () => new Response('served'),
  tasks: {
    daemon: async (args, context) => {
      appendFileSync(journal, 'start ' + process.pid + ' ' + context.env.GREETING + '\\n');
      // the first two runs crash; the third waits for shutdown
      if (starts() <= 2) throw new Error('worker crashed');
      await new Promise((resolve) => context.signal.addEventListener('abort', resolve));
      appendFileSync(journal, 'stopped\\n');
    },
    once: () => 'done',
  },
};
`;

const project = tempProject(
  {
    'package.json': JSON.stringify({ name: 'daemonapp', type: 'module', private: true }),
    'adapt.config.mjs': "export default { env: { GREETING: 'from config' } };\n",
    'src/app.js': appSource,
    'journal.txt': '',
  },
  { linkModules: true },
);
afterAll(() => project.remove());

describe('adapt start --target node --with-daemon', () => {
  beforeAll(async () => {
    const build = await runCli(['build', '--target', 'node'], { cwd: project.dir });
    if (build.code !== 0) throw new Error(build.stderr);
  });

  it('writes the daemon unit and supervisord program beside the app ones', () => {
    const unit = readFileSync(join(project.dir, '.adapt/node/adapt-daemonapp-daemon.service'), 'utf8');
    expect(unit).toContain('ExecStart=/usr/bin/node /srv/daemonapp/server.mjs run daemon');
    expect(unit).toContain('PartOf=adapt-daemonapp.service');
    expect(readFileSync(join(project.dir, '.adapt/node/adapt-daemonapp.supervisord.conf'), 'utf8')).toContain('[program:adapt-daemonapp-daemon]');
  });

  it('runs the daemon task beside the server, restarts it with backoff, stops it with the server', async () => {
    const journal = join(project.dir, 'journal.txt');
    const server = new CliProcess(['start', '--target', 'node', '--port', '0', '--with-daemon'], { cwd: project.dir, env: { JOURNAL: journal } });
    try {
      const [, origin] = await server.waitFor(/listening on (http:\/\/\S+)/);
      expect(Buffer.from((await send(origin, '/')).body).toString()).toBe('served');
      await server.waitFor(/restart 1 in 1 s/);
      await server.waitFor(/restart 2 in 2 s/);
      // the third run is up once it has written its line
      while (
        readFileSync(journal, 'utf8')
          .split('\n')
          .filter((line) => line.startsWith('start')).length < 3
      )
        await new Promise((resolve) => setTimeout(resolve, 50));
      // the server kept serving through the crashes
      expect(Buffer.from((await send(origin, '/')).body).toString()).toBe('served');
    } finally {
      expect(await server.stop('SIGTERM')).toBe(0);
    }
    const lines = readFileSync(journal, 'utf8').trim().split('\n');
    expect(lines).toHaveLength(4);
    expect(lines.slice(0, 3).every((line) => /^start \d+ from config$/.test(line))).toBe(true);
    expect(new Set(lines.slice(0, 3).map((line) => line.split(' ')[1])).size).toBe(3);
    expect(lines[3]).toBe('stopped');
    expect(server.stderr).toMatch(/daemon task "daemon" exited with code 1; restart 1 in 1 s/);
    expect(server.stderr).toContain('Error: worker crashed');
  });

  it('refuses --with-daemon on another target and with --daemon', async () => {
    const other = await runCli(['start', '--target', 'lambda', '--with-daemon'], { cwd: project.dir });
    expect(other.code).toBe(2);
    expect(other.stderr).toContain("--with-daemon runs beside the node target's server, not lambda");
    const background = await runCli(['start', '--target', 'node', '--with-daemon', '--daemon'], { cwd: project.dir });
    expect(background.code).toBe(2);
    expect(background.stderr).toContain('--with-daemon runs in the foreground only');
    expect(existsSync(join(project.dir, '.adapt/run'))).toBe(false);
  });
});

describe('an app without a daemon task', () => {
  it('gets no daemon unit', async () => {
    const plain = tempProject(
      { 'package.json': JSON.stringify({ name: 'plainapp', type: 'module' }), 'src/app.js': "export default { fetch: () => new Response('x') };\n" },
      { linkModules: true },
    );
    try {
      expect((await runCli(['build', '--target', 'node'], { cwd: plain.dir })).code).toBe(0);
      expect(existsSync(join(plain.dir, '.adapt/node/adapt-plainapp-daemon.service'))).toBe(false);
      expect(readFileSync(join(plain.dir, '.adapt/node/adapt-plainapp.supervisord.conf'), 'utf8')).not.toContain('-daemon]');
    } finally {
      plain.remove();
    }
  });
});
