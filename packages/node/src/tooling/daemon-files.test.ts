/** The daemon task's systemd unit and supervisord program, checked by systemd-analyze and Python's configparser. */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { TargetContext } from '@adapt/core';
import { requireComponent } from '../../../../test/components.js';
import { supervisordDaemonProgram, systemdDaemonUnit } from './daemon-files.js';
import { nodeSettings } from './settings.js';
import { supervisordProgram, systemdUnit } from './systemd.js';

const settingsFor = (installDir: string, extra: Record<string, unknown> = {}) =>
  nodeSettings({ settings: { installDir, env: { GREETING: 'say "hi" at 100%' }, stopTimeout: 20, ...extra }, appName: 'shop', stage: 'prod' } as unknown as TargetContext);

describe('the daemon unit', () => {
  it('passes systemd-analyze verify beside the app unit, PartOf and After it', ({ skip }) => {
    requireComponent('systemd-analyze', skip);
    const dir = mkdtempSync(join(tmpdir(), 'adapt-daemon-unit-'));
    try {
      const settings = settingsFor(dir);
      const unit = systemdDaemonUnit(settings, 'shop');
      writeFileSync(join(dir, 'adapt-shop.service'), systemdUnit(settings, 'shop'));
      writeFileSync(join(dir, 'adapt-shop-daemon.service'), unit);
      const result = spawnSync('systemd-analyze', ['verify', join(dir, 'adapt-shop.service'), join(dir, 'adapt-shop-daemon.service')], { encoding: 'utf8' });
      expect(result.stderr).toBe('');
      expect(result.status).toBe(0);
      const lines = unit.split('\n');
      for (const line of [
        'PartOf=adapt-shop.service',
        'After=adapt-shop.service network-online.target',
        `ExecStart=/usr/bin/node ${dir}/server.mjs run daemon`,
        'Restart=on-failure',
        'RestartSec=2',
        'KillSignal=SIGTERM',
        'TimeoutStopSec=20',
        'Environment="GREETING=say \\"hi\\" at 100%%"',
        'EnvironmentFile=-/etc/default/adapt-shop',
        'ProtectSystem=strict',
        'CapabilityBoundingSet=',
        'WantedBy=adapt-shop.service',
      ]) {
        expect(lines).toContain(line);
      }
      expect(lines.filter((line) => line === '[Unit]' || line === '[Service]' || line === '[Install]')).toEqual(['[Unit]', '[Service]', '[Install]']);
      expect(unit).not.toContain('AmbientCapabilities');
      expect(systemdDaemonUnit(settingsFor(dir, { port: 80 }), 'shop')).not.toContain('CAP_NET_BIND_SERVICE');
      expect(systemdDaemonUnit(settings, 'shop', 'worker')).toContain(`ExecStart=/usr/bin/node ${dir}/server.mjs run worker`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('refuses a task name the command line cannot carry', () => {
    expect(() => systemdDaemonUnit(settingsFor('/srv/shop'), 'shop', 'a b')).toThrow('the daemon task name "a b" must be');
  });
});

describe('the daemon supervisord program', () => {
  it('parses with configparser beside the app program: autorestart on failure, startretries, stopsignal', ({ skip }) => {
    requireComponent('supervisord', skip);
    const settings = settingsFor('/srv/shop');
    const text = `${supervisordProgram(settings, 'shop')}\n${supervisordDaemonProgram(settings, 'shop')}`;
    const parsed = spawnSync(
      'python3',
      ['-c', 'import configparser,json,sys\np=configparser.RawConfigParser()\np.read_string(sys.stdin.read())\nprint(json.dumps({s: dict(p[s]) for s in p.sections()}))'],
      { input: text, encoding: 'utf8' },
    );
    expect(parsed.stderr).toBe('');
    const sections = JSON.parse(parsed.stdout);
    expect(Object.keys(sections)).toEqual(['program:adapt-shop', 'program:adapt-shop-daemon']);
    expect(sections['program:adapt-shop-daemon']).toMatchObject({
      command: '/usr/bin/node /srv/shop/server.mjs run daemon',
      directory: '/srv/shop',
      autorestart: 'unexpected',
      exitcodes: '0',
      startretries: '5',
      stopsignal: 'TERM',
      stopwaitsecs: '20',
      stdout_logfile: '/var/log/supervisor/adapt-shop-daemon.out.log',
    });
    expect(sections['program:adapt-shop-daemon'].environment).toBe('NODE_ENV="production",PORT="3000",HOST="127.0.0.1",TRUST_PROXY="1",GREETING=\'say "hi" at 100%%\'');
  });
});
