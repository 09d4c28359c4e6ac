/**
 * `adapt build --target fastcgi` and `--target cgi` with schedules: adapt.crontab beside the
 * build, and each of its lines, run the way cron runs it (`/bin/sh -c` on the command, `\%` back
 * to `%`), runs the task through the build's run mode and prints its JSON result.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli, tempProject } from './helpers.js';

const app = `export default {
  fetch: () => new Response('ok'),
  tasks: { report: (args, context) => ({ args, platform: context.platform, from: process.cwd() }) },
  schedules: {
    nightly: { cron: '0 3 * * *', task: 'report', args: ['daily', "it's 100%"], timezone: 'Europe/Paris' },
    often: { rate: '15 minutes', task: 'report' },
  },
};
`;

describe.each(['fastcgi', 'cgi'])('adapt build --target %s with schedules', (target) => {
  it('writes adapt.crontab, whose lines run the tasks', async () => {
    const project = tempProject({ 'src/app.mjs': app });
    const out = join(project.dir, `.adapt/${target}`);
    project.write('adapt.config.mjs', `export default ${JSON.stringify({ entry: './src/app.mjs', targets: { [target]: { installDir: out, nodePath: process.execPath } } })};\n`);
    const build = await runCli(['build', '--target', target], { cwd: project.dir });
    expect(build.code).toBe(0);
    const crontab = readFileSync(join(out, 'adapt.crontab'), 'utf8');
    expect(crontab).toContain('CRON_TZ=Europe/Paris');
    const lines = crontab.split('\n').filter((line) => /^[\d*]/.test(line));
    expect(lines.map((line) => line.split(' ').slice(0, 5).join(' '))).toEqual(['0 3 * * *', '*/15 * * * *']);
    const results = lines.map((line) => {
      const command = line.split(' ').slice(5).join(' ').replace(/\\%/g, '%');
      return JSON.parse(execFileSync('/bin/sh', ['-c', command], { cwd: '/', encoding: 'utf8' })) as { args: string[]; from: string };
    });
    expect(results.map((result) => result.args)).toEqual([['daily', "it's 100%"], []]);
    expect(results[0]?.from).toBe(out);
  });
});

describe('adapt build --target fastcgi without schedules', () => {
  it('writes no adapt.crontab', async () => {
    const project = tempProject({ 'src/app.mjs': "export default { fetch: () => new Response('ok') };\n" });
    project.write('adapt.config.mjs', `export default ${JSON.stringify({ entry: './src/app.mjs' })};\n`);
    const build = await runCli(['build', '--target', 'fastcgi'], { cwd: project.dir });
    expect(build.code).toBe(0);
    expect(existsSync(join(project.dir, '.adapt/fastcgi/adapt.crontab'))).toBe(false);
  });
});
