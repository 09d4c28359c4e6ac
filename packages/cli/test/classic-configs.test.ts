/**
 * The configs of the fastcgi and cgi targets with their default settings (listen 80 and [::]:80,
 * any server name) and with a static folder, a body limit and server names, as `adapt build`
 * writes them for a real box: accepted by the real servers' config tests (`apache2 -t`,
 * `lighttpd -tt`). The batteries through them are in fastcgi-target.test.ts and cgi-target.test.ts.
 */

import { chmodSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { TargetContext } from '@adapt/core';
import { apacheCgiSite, cgiSettings, lighttpdCgiConfig } from '@adapt/cgi/target';
import { apacheConfig, checkApacheConfig } from '@adapt/conformance/apache';
import { checkLighttpdConfig, lighttpdServerConfig } from '@adapt/conformance/lighttpd';
import { freePort } from '@adapt/conformance/nginx';
import { apacheFastcgiSite, apacheFcgidSite, fastcgiSettings, lighttpdFastcgiConfig, lighttpdSpawnConfig } from '@adapt/fastcgi/target';
import { requireComponent } from '../../../test/components.js';
import { tempProject } from './helpers.js';

const context = (settings: Record<string, unknown>) => ({ settings, appName: 'shop' }) as unknown as TargetContext;
const variants = [{}, { domain: 'shop.example.com', bodyLimit: 1048576, timeout: 30, port: 9000 }, { serverName: 'a.example b.example', installDir: '/srv/shop' }];
/** The cgi target has no port. */
const withoutPort = (settings: Record<string, unknown>) => Object.fromEntries(Object.entries(settings).filter(([key]) => key !== 'port'));
const entries = (settings: Record<string, unknown>) => ('installDir' in settings ? ['assets', 'robots.txt'] : undefined);

function apacheAccepts(site: string, modules: string[], extra: string[] = []) {
  return async () => {
    const project = tempProject({ 'site.conf': site });
    try {
      expect(checkApacheConfig(apacheConfig(join(project.dir, 'apache'), join(project.dir, 'site.conf'), await freePort(), { modules, extra }))).toBe('');
    } finally {
      project.remove();
    }
  };
}

function lighttpdAccepts(site: string) {
  const project = tempProject({ 'site.conf': site });
  try {
    expect(() => checkLighttpdConfig(lighttpdServerConfig(join(project.dir, 'lighttpd'), join(project.dir, 'site.conf'), 18080))).not.toThrow();
  } finally {
    project.remove();
  }
}

describe('fastcgi and cgi configs under apache2 -t', () => {
  requireComponent('apache2');
  for (const settings of variants) {
    const label = JSON.stringify(settings);
    it(`mod_proxy_fcgi vhost ${label}`, apacheAccepts(apacheFastcgiSite(fastcgiSettings(context(settings)), 'shop', entries(settings)), ['proxy', 'proxy_fcgi']));
    it(
      `mod_cgid vhost ${label}`,
      apacheAccepts(apacheCgiSite(cgiSettings(context(withoutPort(settings))), 'shop', entries(settings)), ['cgid'], ['ScriptSock /tmp/adapt-cgid-check.sock']),
    );
  }
});

describe('mod_fcgid vhost under apache2 -t', () => {
  requireComponent('apache2-fcgid');
  for (const settings of variants) {
    it(`mod_fcgid vhost ${JSON.stringify(settings)}`, async () => {
      // mod_fcgid checks at startup that the wrapper exists: the build is installed first.
      const installed = tempProject({ 'fastcgi-spawn.sh': '#!/bin/sh\n' });
      try {
        chmodSync(join(installed.dir, 'fastcgi-spawn.sh'), 0o755);
        await apacheAccepts(apacheFcgidSite(fastcgiSettings(context({ ...settings, installDir: installed.dir })), 'shop'), ['fcgid'])();
      } finally {
        installed.remove();
      }
    });
  }
});

describe('fastcgi and cgi configs under lighttpd -tt', () => {
  requireComponent('lighttpd');
  for (const settings of variants) {
    const label = JSON.stringify(settings);
    it(`mod_fastcgi config ${label}`, () => lighttpdAccepts(lighttpdFastcgiConfig(fastcgiSettings(context(settings)), 'shop', entries(settings))));
    it(`bin-path config ${label}`, () => lighttpdAccepts(lighttpdSpawnConfig(fastcgiSettings(context(settings)), 'shop')));
    it(`mod_cgi config ${label}`, () => lighttpdAccepts(lighttpdCgiConfig(cgiSettings(context(withoutPort(settings))), 'shop', entries(settings))));
  }
});
