/**
 * The Apache vhost and the lighttpd config of the node target, checked by the real servers'
 * own config tests (`apache2 -t`, `lighttpd -tt`), and their static folder served by the real
 * server while the rest reaches the app; the Passenger vhost checked by Apache with mod_passenger.
 * The conformance battery through them is in packages/cli/test/proxy-conformance.test.ts and
 * passenger-conformance.test.ts.
 */
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { TargetContext } from '@adapt/core';
import { apacheConfig, checkApacheConfig, startApache } from '@adapt/conformance/apache';
import { send, text } from '@adapt/conformance/http';
import { checkLighttpdConfig, lighttpdServerConfig, startLighttpd } from '@adapt/conformance/lighttpd';
import { freePort } from '@adapt/conformance/nginx';
import { requireComponent } from '../../../../test/components.js';
import { apacheAddresses, apacheSite } from './apache.js';
import { lighttpdConfig, lighttpdSockets } from './lighttpd.js';
import { apachePassengerSite } from './passenger.js';
import { nodeSettings } from './settings.js';

const context = (settings: Record<string, unknown>) => ({ settings, appName: 'shop' }) as unknown as TargetContext;
const dirs: string[] = [];
const tempDir = () => {
  const dir = mkdtempSync(join(tmpdir(), 'adapt-proxies-'));
  dirs.push(dir);
  return dir;
};
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

/** A static folder under an install dir, and a backend that says which path it got. */
async function fixture() {
  const installDir = tempDir();
  // Apache's workers run as www-data when the test runs as root: they must read the folder.
  chmodSync(installDir, 0o755);
  mkdirSync(join(installDir, 'static', 'assets'), { recursive: true });
  writeFileSync(join(installDir, 'static', 'assets', 'app.js'), 'console.log(1)\n');
  writeFileSync(join(installDir, 'static', 'robots.txt'), 'User-agent: *\n');
  const appPort = await freePort();
  const backend: Server = createServer((req, res) => res.end(`app got ${req.url}`));
  await new Promise<void>((resolve) => backend.listen(appPort, '127.0.0.1', resolve));
  return { installDir, appPort, backend, staticEntries: ['assets', 'robots.txt'] };
}

describe('listen values', () => {
  it('become Apache vhost addresses and lighttpd sockets', () => {
    expect(apacheAddresses(['80', '[::]:80', '127.0.0.1:8080'])).toEqual(['*:80', '127.0.0.1:8080']);
    expect(lighttpdSockets(['80', '[::]:80', '127.0.0.1:8080'])).toEqual([':80', '[::]:80', '127.0.0.1:8080']);
  });
});

describe('Apache vhost, checked and served by a real Apache', () => {
  const here = requireComponent('apache2');
  it('apache2 -t accepts it with the default settings, a server name and a static folder', async () => {
    for (const settings of [{}, { domain: 'shop.example.com', timeout: 30, bodyLimit: 1048576 }, { serverName: 'a.example b.example', installDir: '/srv/shop' }]) {
      const dir = tempDir();
      const site = join(dir, 'site.conf');
      writeFileSync(site, apacheSite(nodeSettings(context(settings)), 'shop', 'installDir' in settings ? ['assets'] : undefined));
      expect(checkApacheConfig(apacheConfig(dir, site, await freePort(), { modules: ['proxy', 'proxy_http'] }))).toBe('');
    }
  });

  it('serves the static folder itself and proxies the rest', async () => {
    if (!here) return;
    const { installDir, appPort, backend, staticEntries } = await fixture();
    const port = await freePort();
    const dir = tempDir();
    writeFileSync(join(dir, 'site.conf'), apacheSite(nodeSettings(context({ port: appPort, installDir, listen: `127.0.0.1:${port}` })), 'shop', staticEntries));
    const apache = await startApache(join(dir, 'apache'), join(dir, 'site.conf'), port, { modules: ['proxy', 'proxy_http'] });
    try {
      const asset = await send(`http://127.0.0.1:${port}`, '/assets/app.js');
      expect([asset.status, text(asset.body), asset.headers.get('cache-control')]).toEqual([200, 'console.log(1)\n', 'public, max-age=3600']);
      const robots = await send(`http://127.0.0.1:${port}`, '/robots.txt');
      expect(text(robots.body)).toBe('User-agent: *\n');
      const app = await send(`http://127.0.0.1:${port}`, '/assets-not/a%2Fb?x=1');
      expect(text(app.body)).toBe('app got /assets-not/a%2Fb?x=1');
    } finally {
      await apache.stop();
      backend.close();
    }
  });
});

describe('lighttpd config, checked and served by a real lighttpd', () => {
  const here = requireComponent('lighttpd');
  it('lighttpd -tt accepts it with the default settings, a body limit and a static folder', async () => {
    for (const settings of [{}, { bodyLimit: 1048576 }, { installDir: '/srv/shop' }]) {
      const dir = tempDir();
      const site = join(dir, 'site.conf');
      writeFileSync(site, lighttpdConfig(nodeSettings(context(settings)), 'shop', 'installDir' in settings ? ['assets', 'favicon.ico'] : undefined));
      expect(() => checkLighttpdConfig(lighttpdServerConfig(dir, site, 18080))).not.toThrow();
    }
  });

  it('serves the static folder itself and proxies the rest', async () => {
    if (!here) return;
    const { installDir, appPort, backend, staticEntries } = await fixture();
    const port = await freePort();
    const dir = tempDir();
    writeFileSync(join(dir, 'site.conf'), lighttpdConfig(nodeSettings(context({ port: appPort, installDir, listen: `127.0.0.1:${port}` })), 'shop', staticEntries));
    const lighttpd = await startLighttpd(join(dir, 'lighttpd'), join(dir, 'site.conf'), port);
    try {
      const asset = await send(`http://127.0.0.1:${port}`, '/assets/app.js');
      expect([asset.status, text(asset.body)]).toEqual([200, 'console.log(1)\n']);
      const app = await send(`http://127.0.0.1:${port}`, '/assets-not/a%2Fb?x=1');
      expect(text(app.body)).toBe('app got /assets-not/a%2Fb?x=1');
    } finally {
      await lighttpd.stop();
      backend.close();
    }
  });
});

describe('Apache vhost for Phusion Passenger', () => {
  requireComponent('passenger');
  it('apache2 -t with mod_passenger accepts it with the default settings and with env and names', async () => {
    for (const settings of [{}, { domain: 'shop.example.com', env: { GREETING: 'say "hi"' }, bodyLimit: 1048576 }]) {
      const dir = tempDir();
      const site = join(dir, 'site.conf');
      writeFileSync(site, apachePassengerSite(nodeSettings(context(settings)), 'shop'));
      const config = apacheConfig(dir, site, await freePort(), {
        modules: ['passenger'],
        extra: ['PassengerRoot /usr/lib/ruby/vendor_ruby/phusion_passenger/locations.ini', 'PassengerDefaultRuby /usr/bin/ruby'],
      });
      expect(checkApacheConfig(config)).toBe('');
    }
  });
});
