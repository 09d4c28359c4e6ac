/**
 * iisnode has no scheduler: `adapt deploy --target iisnode` with an app that declares schedules
 * deploys, creates no schedule, warns naming them, and says so in --json.
 */
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { makeProject, runCli } from './helpers/build.js';

const app = `export default {
  fetch: () => new Response('ok'),
  tasks: { report: () => 1 },
  schedules: { nightly: { cron: '0 3 * * *', task: 'report' }, often: { rate: '1 hour', task: 'report' } },
};
`;

describe('adapt deploy --target iisnode with schedules', () => {
  it('deploys, warns that no schedule was created, and says so in --json', async () => {
    const project = makeProject({ entry: './app.mjs' }, { 'app.mjs': app });
    const site = mkdtempSync(join(tmpdir(), 'adapt-iisnode-schedules-'));
    try {
      const result = await runCli(['deploy', '--target', 'iisnode', '--to', site, '--json'], project);
      expect(result.code, result.stderr).toBe(0);
      expect(result.stderr).toContain('the app declares 2 schedules (nightly, often); iisnode has no scheduler, so none was created.');
      expect(JSON.parse(result.stdout)).toMatchObject({ ok: true, target: 'iisnode', changed: true, schedules: 'not created: iisnode has no scheduler' });
      expect(existsSync(join(site, 'current', 'server.mjs'))).toBe(true);
      expect(readdirSync(join(site, 'current')).filter((file) => /\.xml$|crontab|\.timer$/.test(file))).toEqual([]);
    } finally {
      rmSync(project, { recursive: true, force: true });
      rmSync(site, { recursive: true, force: true });
    }
  });
});
