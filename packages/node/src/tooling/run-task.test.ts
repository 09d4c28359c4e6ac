/** The environment `adapt run --target node` reads back from the unit `adapt build` writes. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { TargetContext } from '@adapt/core';
import { readEnvironmentFile, readUnitEnvironment, runNodeTask } from './run-task.js';
import { nodeSettings } from './settings.js';
import { systemdUnit } from './systemd.js';

const dir = mkdtempSync(join(tmpdir(), 'adapt-node-run-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const settings = nodeSettings({ settings: { env: { GREETING: 'say "hi" at 100% \\o/', EMPTY: '' } }, appName: 'shop', stage: 'prod' } as unknown as TargetContext);

describe('readUnitEnvironment', () => {
  it('reads back every Environment= the generated unit sets, and its ExecStart script', () => {
    const unit = readUnitEnvironment(systemdUnit(settings, 'shop'));
    expect(unit.env).toEqual({ NODE_ENV: 'production', PORT: '3000', HOST: '127.0.0.1', TRUST_PROXY: '1', GREETING: 'say "hi" at 100% \\o/', EMPTY: '' });
    expect(unit.script).toBe('/srv/shop/server.mjs');
    expect([unit.user, unit.group]).toEqual(['www-data', 'www-data']);
    // its EnvironmentFile=-/etc/default/adapt-shop is optional: absent here, skipped
    expect(unit.files).toEqual([]);
  });

  it('lets EnvironmentFile= values win, as systemd does, and refuses a required file that is missing', () => {
    const file = join(dir, 'shop.env');
    writeFileSync(file, '# secrets\nDATABASE_URL="postgres://u:p@db/shop"\nGREETING=from the file\n; comment\nexport TOKEN=\'a b\'\n');
    const unit = readUnitEnvironment(`${systemdUnit(settings, 'shop')}\nEnvironmentFile=${file}\n`);
    expect(unit.files).toEqual([file]);
    expect(unit.env).toMatchObject({ GREETING: 'from the file', DATABASE_URL: 'postgres://u:p@db/shop', TOKEN: 'a b', PORT: '3000' });
    expect(() => readUnitEnvironment(`EnvironmentFile=${join(dir, 'missing.env')}\n`)).toThrow(`the unit's EnvironmentFile=${join(dir, 'missing.env')} does not exist`);
  });

  it('reads an EnvironmentFile line by line', () => {
    expect(readEnvironmentFile('A=1\n  B = two words \n#C=3\nnot a line\nD="q\\"uote"\n')).toEqual({ A: '1', B: 'two words', D: 'q"uote' });
  });
});

describe('runNodeTask as root', () => {
  it.skipIf(process.getuid?.() !== 0)('refuses a unit whose User= does not exist here, saying how to create it; nothing runs', async () => {
    const systemDir = mkdtempSync(join(dir, 'system-'));
    writeFileSync(join(dir, 'server.mjs'), '// the build, never run here\n');
    writeFileSync(join(systemDir, 'adapt-shop.service'), `${systemdUnit(settings, 'shop').replace(/^User=.*$/m, 'User=no-such-adapt-user')}`);
    let ran = false;
    const context = { settings: {}, appName: 'shop', stage: 'prod', outDir: dir, log: { info: () => undefined, warn: () => undefined } } as unknown as TargetContext;
    const run = runNodeTask(context, { task: 'greet', args: [], runBuiltEntry: async () => ((ran = true), { result: null }) }, systemDir);
    await expect(run).rejects.toMatchObject({ code: 'NO_SUCH_USER', hint: expect.stringContaining('useradd --system --no-create-home no-such-adapt-user') });
    expect(ran).toBe(false);
  });
});
