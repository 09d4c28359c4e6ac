/**
 * `@adapt/fastcgi/target`: how `adapt build --target fastcgi` lays out .adapt/fastcgi/:
 * server.mjs (the app under serveFastcgi() on a unix socket or a TCP port), a package.json, the
 * static folder, and the front-server configs beside them: an nginx site, an Apache vhost
 * (mod_proxy_fcgi) and a lighttpd config to a running app; an Apache vhost (mod_fcgid) and a
 * lighttpd config (bin-path) that start it themselves through fastcgi-spawn.sh. Build-time code: never imported by the runtime entry.
 */
import { chmodSync } from 'node:fs';
import { join } from 'node:path';
import { type AdaptTarget, type BuildArtifact, type BuiltBundle, scheduleCrontab, type TargetContext } from '@adapt/core';
import { artifactWriter, copyStaticFolder } from '@adapt/node/target';
import { apacheFastcgiSite, apacheFcgidSite, lighttpdFastcgiConfig, lighttpdSpawnConfig, nginxFastcgiSite } from './configs.js';
import { fastcgiEntrySource, spawnScriptSource } from './entry.js';
import { fastcgiSettings, fastcgiSettingsSchema } from './settings.js';
import { startFastcgi } from './start.js';
import { fastcgiSupervisordProgram } from './supervisord.js';
import { fastcgiSystemdUnit } from './systemd.js';

export { apacheFastcgiSite, apacheFcgidSite, lighttpdFastcgiConfig, lighttpdSpawnConfig, nginxFastcgiSite } from './configs.js';
export { fastcgiSettings, fastcgiSettingsSchema, frontServerSettings, frontServerSettingsSchema, type FastcgiTargetSettings, type FrontServerSettings } from './settings.js';
export { fastcgiSupervisordProgram } from './supervisord.js';
export { fastcgiSystemdUnit } from './systemd.js';

export const fastcgiTarget: AdaptTarget = {
  name: 'fastcgi',
  description: 'FastCGI behind nginx, Apache (mod_proxy_fcgi) or lighttpd: server.mjs and the three configs',
  settings: fastcgiSettingsSchema,
  bundle(context) {
    const settings = fastcgiSettings(context);
    return {
      entrySource: (importApp) => fastcgiEntrySource(importApp, settings, context.appName),
      fileName: 'server.mjs',
      format: 'esm',
      nodeTarget: 'node20',
      runsTasks: true,
    };
  },
  async package(context: TargetContext, bundle: BuiltBundle): Promise<BuildArtifact[]> {
    const settings = fastcgiSettings(context);
    const { artifacts, write } = artifactWriter(context);
    const manifest = { name: context.appName, private: true, type: 'module', engines: { node: '>=20' }, scripts: { start: 'node server.mjs' } };
    write('package.json', JSON.stringify(manifest, null, 2) + '\n', 'type: module and the start script');
    let staticEntries: string[] | undefined;
    if (settings.static) {
      const copied = copyStaticFolder(context, settings.static);
      staticEntries = copied.entries;
      artifacts.push({ path: 'static', bytes: copied.bytes, description: 'static files (served by the front server)' });
    }
    write(`${settings.serviceName}.service`, fastcgiSystemdUnit(settings, context.appName), 'systemd unit: the app as a service on its socket');
    write(
      `${settings.serviceName}.fcgi-program.conf`,
      fastcgiSupervisordProgram(settings, context.appName),
      'supervisord fcgi-program: supervisord opens the socket, the app gets it on fd 0',
    );
    write('nginx-site.conf', nginxFastcgiSite(settings, context.appName, staticEntries !== undefined), 'nginx site: fastcgi_pass over a keepalive upstream');
    write('apache-site.conf', apacheFastcgiSite(settings, context.appName, staticEntries), 'Apache vhost: mod_proxy_fcgi');
    write('lighttpd.conf', lighttpdFastcgiConfig(settings, context.appName, staticEntries), 'lighttpd config: mod_fastcgi, streamed answers');
    write('fastcgi-spawn.sh', spawnScriptSource(settings), 'starts server.mjs on the socket passed on fd 0 (mod_fcgid, lighttpd bin-path)');
    chmodSync(join(context.outDir, 'fastcgi-spawn.sh'), 0o755);
    write('apache-fcgid.conf', apacheFcgidSite(settings, context.appName), 'Apache vhost: mod_fcgid starts the app');
    write('lighttpd-spawn.conf', lighttpdSpawnConfig(settings, context.appName), 'lighttpd config: bin-path starts the app');
    const crontab = scheduleCrontab(await context.readAppManifest(), { target: 'fastcgi', installDir: settings.installDir, nodePath: settings.nodePath });
    if (crontab) write('adapt.crontab', crontab, "the app's schedules as cron lines (this target has no scheduler of its own)");
    context.log.debug(`fastcgi: ${bundle.file} serves FastCGI on ${settings.port ? `127.0.0.1:${settings.port}` : settings.socket}`);
    return artifacts;
  },
  start: startFastcgi,
};

export default fastcgiTarget;
