/**
 * `adapt run`: a task run here (the app bundled alone, a child node with the stage's env) and
 * through the run mode of the node, fastcgi, cgi and iisnode builds, with the exit codes each
 * failure gets. The cgi build under a real Apache never runs a task, whatever the query says.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApache } from '@adapt/conformance/apache';
import { send } from '@adapt/conformance/http';
import { freePort } from '@adapt/conformance/nginx';
import { requireComponent } from '../../../test/components.js';
import { runCli, tempProject } from './helpers.js';

const appSource = `import { defineApp, defineTask } from '@adapt/core';
import { writeFileSync } from 'node:fs';
import { z } from 'zod';

if (process.env.BREAK_AT_IMPORT) throw new Error('DATABASE_URL is not set');

export default defineApp({
  fetch: (request) => new Response('http ' + new URL(request.url).search + ' argv=' + process.argv.slice(2).join(' ')),
  tasks: {
    greet: {
      description: 'says hello',
      run: (args, context) => {
        console.log('greeting on ' + context.platform);
        return { hello: args[0] ?? context.env.GREETING, platform: context.platform };
      },
    },
    resize: defineTask({ description: 'doubles a width', args: z.tuple([z.coerce.number().int().positive()]), run: ([width]) => ({ width: width * 2 }) }),
    mark: () => {
      writeFileSync(process.env.MARK_FILE, 'the task ran');
      return 'marked';
    },
    boom: () => {
      throw new Error('the migration broke');
    },
  },
  schedules: { nightly: { cron: '0 3 * * *', task: 'greet', args: ['night'] } },
});
`;

const project = tempProject(
  {
    'package.json': JSON.stringify({ name: 'tasks-app', type: 'module', private: true }),
    'adapt.config.mjs': `export default { env: { GREETING: 'from the dev stage' }, stages: { prod: { env: { GREETING: 'from prod' } } } };\n`,
    'src/app.ts': appSource,
  },
  { linkModules: true },
);
afterAll(() => project.remove());

const run = (args: string[], env: Record<string, string> = {}) => runCli(['run', ...args], { cwd: project.dir, env });

describe('adapt run (here)', () => {
  it("runs a task with the stage's settings as env, its output shown, the result printed", async () => {
    const dev = await run(['greet']);
    expect(dev.code).toBe(0);
    expect(dev.stdout).toBe('greeting on local\nresult:\n{\n  "hello": "from the dev stage",\n  "platform": "local"\n}\n');
    const prod = await run(['greet', '--stage', 'prod', '--json']);
    expect(prod.code).toBe(0);
    expect(JSON.parse(prod.stdout)).toEqual({ ok: true, task: 'greet', args: [], target: null, stage: 'prod', result: { hello: 'from prod', platform: 'local' } });
    expect(prod.stderr).toContain('greeting on local');
  });

  it('hands arguments over as strings, validated by the task (exit 2 when refused)', async () => {
    const ok = await run(['resize', '400', '--json']);
    expect(JSON.parse(ok.stdout).result).toEqual({ width: 800 });
    const refused = await run(['resize', 'wide', '--json']);
    expect(refused.code).toBe(2);
    expect(JSON.parse(refused.stdout).error).toMatchObject({ code: 'BAD_TASK_ARGS', message: expect.stringMatching(/^task "resize": bad arguments: 0: .*number/i) });
    const dashed = await run(['greet', '--json', '--', '--loud']);
    expect(JSON.parse(dashed.stdout).result.hello).toBe('--loud');
  });

  it('an unknown task lists the known ones (exit 2)', async () => {
    const unknown = await run(['gret']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('error: unknown task "gret"; known tasks: greet, resize, mark, boom');
  });

  it("a task that throws exits 1 with its stack on stderr, in the app's own file", async () => {
    const boom = await run(['boom']);
    expect(boom.code).toBe(1);
    expect(boom.stderr).toMatch(/Error: the migration broke\n\s+at boom \(.*src\/app\.ts:\d+:\d+\)/);
    expect(boom.stderr).toContain('error: task "boom" threw: the migration broke');
  });

  it('an app module that throws at import is a clear error (exit 1)', async () => {
    const broken = await run(['greet', '--json'], { BREAK_AT_IMPORT: '1' });
    expect(broken.code).toBe(1);
    expect(JSON.parse(broken.stdout).error).toMatchObject({
      code: 'APP_IMPORT_FAILED',
      message: expect.stringMatching(/^task "greet": the app module src\/app\.ts threw at import: DATABASE_URL is not set$/),
    });
  });

  it('without a task name lists the tasks and schedules', async () => {
    const list = await run([]);
    expect(list.code).toBe(0);
    expect(list.stdout).toBe(
      'tasks:\n  greet   says hello\n  resize  doubles a width\n  mark\n  boom\n\nschedules:\n  nightly: greet night (cron 0 3 * * *, UTC)\n\nrun one with: adapt run <task> [args...]\n',
    );
    expect(JSON.parse((await run(['--json'])).stdout).tasks.map((task: { name: string }) => task.name)).toEqual(['greet', 'resize', 'mark', 'boom']);
    expect(existsSync(join(project.dir, '.adapt'))).toBe(true);
    expect(spawnSync('ls', ['-A', join(project.dir, '.adapt')], { encoding: 'utf8' }).stdout).not.toContain('.tasks-');
  });
});

for (const [target, entry] of [
  ['node', 'server.mjs'],
  ['fastcgi', 'server.mjs'],
  ['cgi', 'server.mjs'],
  ['iisnode', 'server.mjs'],
] as const) {
  describe(`the ${target} build's run mode`, () => {
    beforeAll(async () => {
      const build = await runCli(['build', '--target', target, '--stage', 'prod'], { cwd: project.dir });
      if (build.code !== 0) throw new Error(`adapt build --target ${target} failed:\n${build.stderr}`);
    });
    const file = () => join(project.dir, '.adapt', target, entry);
    const direct = (args: string[], env: Record<string, string> = {}) =>
      spawnSync(process.execPath, [file(), 'run', ...args], { encoding: 'utf8', env: { ...process.env, ...env } });

    it('node <entry> run prints the JSON result and exits 0; 1 when the task throws; 2 for unknown tasks and bad args', () => {
      const ok = direct(['greet', 'ada']);
      expect(ok.status).toBe(0);
      expect(ok.stdout).toBe(`greeting on ${target}\n{"hello":"ada","platform":"${target}"}\n`);
      const boom = direct(['boom']);
      expect(boom.status).toBe(1);
      expect(boom.stderr).toContain('Error: the migration broke');
      const unknown = direct(['nope']);
      expect(unknown.status).toBe(2);
      expect(unknown.stderr).toBe('adapt: unknown task "nope"; known tasks: greet, resize, mark, boom\n  run one of the known tasks, or declare it under tasks in the app\n');
      expect(direct(['resize', '-3']).status).toBe(2);
      const none = direct([]);
      expect(none.status).toBe(2);
      expect(none.stderr).toContain('known tasks: greet, resize, mark, boom');
    });

    it(`adapt run --target ${target} runs it with the stage's env`, async () => {
      const ran = await run(['greet', '--target', target, '--stage', 'prod', '--json']);
      expect(ran.code).toBe(0);
      expect(JSON.parse(ran.stdout)).toMatchObject({ ok: true, task: 'greet', target, stage: 'prod', result: { hello: 'from prod', platform: target } });
      expect(ran.stderr).toContain(`greeting on ${target}`);
      const refused = await run(['resize', 'x', '--target', target, '--stage', 'prod', '--json']);
      expect(refused.code).toBe(2);
      expect(JSON.parse(refused.stdout).error.message).toMatch(/^task "resize": bad arguments/);
      const boom = await run(['boom', '--target', target, '--stage', 'prod']);
      expect(boom.code).toBe(1);
      expect(boom.stderr).toContain('Error: the migration broke');
      // the node target runs it with the environment of the systemd unit the build wrote
      if (target === 'node') expect(boom.stderr).toMatch(/environment: .*\.adapt\/node\/adapt-tasks-app\.service\n/);
    });

    if (target === 'node')
      it.skipIf(process.getuid?.() !== 0)("run as root, the task runs as the unit's User= (www-data), in the build folder, as the service would", async () => {
        const marks = mkdtempSync(join(tmpdir(), 'adapt-mark-'));
        chmodSync(marks, 0o777);
        try {
          const markFile = join(marks, 'mark');
          const ran = await run(['mark', '--target', 'node', '--stage', 'prod'], { MARK_FILE: markFile });
          expect(ran.code).toBe(0);
          const uid = Number(spawnSync('id', ['-u', 'www-data'], { encoding: 'utf8' }).stdout);
          expect(ran.stderr).toContain(`as www-data (uid ${uid}), the unit's User=, in ${join(project.dir, '.adapt', 'node')}`);
          expect(statSync(markFile).uid).toBe(uid);
        } finally {
          rmSync(marks, { recursive: true, force: true });
        }
      });
  });
}

describe('a cgi build under Apache never runs a task from a request', () => {
  const here = requireComponent('apache2');
  it.runIf(here)('a query of plain words (passed to the script as argv) is answered by fetch', async () => {
    const port = await freePort();
    // outside the project: its package.json says "type": "module", under which Node refuses app.cgi's extension
    const out = mkdtempSync(join(tmpdir(), 'adapt-cgi-tasks-'));
    chmodSync(out, 0o755);
    project.write(
      'adapt.config.mjs',
      `export default { targets: { cgi: { installDir: ${JSON.stringify(out)}, nodePath: ${JSON.stringify(process.execPath)}, listen: '127.0.0.1:${port}' } } };\n`,
    );
    const build = await runCli(['build', '--target', 'cgi', '--out', out], { cwd: project.dir });
    expect(build.code).toBe(0);
    const mark = join(project.dir, 'marked.txt');
    const apache = await startApache(join(project.dir, 'apache'), join(out, 'apache-site.conf'), port, {
      modules: ['cgid'],
      extra: [`ScriptSock ${project.dir}/apache/run/cgisock`, `SetEnv MARK_FILE ${mark}`],
    });
    try {
      const response = await send(`http://127.0.0.1:${port}`, '/?run+mark');
      expect(response.status).toBe(200);
      // Apache did hand the words over as argv: only the entry's CGI check keeps the task out
      expect(Buffer.from(response.body).toString()).toBe('http ?run+mark argv=run mark');
      expect(existsSync(mark)).toBe(false);
    } finally {
      await apache.stop();
      rmSync(out, { recursive: true, force: true });
    }
  });
});
