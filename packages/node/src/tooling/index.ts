/**
 * `@adapt/node/target`: how `adapt build --target node` lays out .adapt/node/ (server.mjs, a
 * package.json, a systemd unit, an nginx site, the static folder) and how `adapt start` runs it.
 * Build-time code: never imported by the runtime entry.
 */
import { mkdirSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import type { AdaptTarget, BuildArtifact, BuiltBundle, TargetContext } from '@adapt/core';
import { artifactWriter, copyStaticFolder } from './build-output.js';
import { serverEntrySource } from './entry.js';
import { apacheSite } from './apache.js';
import { lighttpdConfig } from './lighttpd.js';
import { nginxSite } from './nginx.js';
import { apachePassengerSite, passengerEnvironment, passengerShimSource, passengerStartupFile } from './passenger.js';
import { nodeSettings, nodeSettingsSchema } from './settings.js';
import { startServer } from './start.js';
import { supervisordProgram, systemdUnit } from './systemd.js';
import { runNodeTask } from './run-task.js';
import { defaultDaemonTask, supervisordDaemonProgram, systemdDaemonUnit } from './daemon-files.js';
import { systemdScheduleUnits } from './systemd-timers.js';

export { appEntryLines, type AppEntryOptions } from './app-entry.js';
export { apacheAddresses, apacheServerNames, apacheSite } from './apache.js';
export { artifactWriter, copyStaticFolder, folderBytes } from './build-output.js';
export { lighttpdConfig, lighttpdSockets, lighttpdStreaming, staticNamesPattern } from './lighttpd.js';
export { nginxSite } from './nginx.js';
export { apacheSendFileLines, lighttpdSendFileOptions, sendFileFolders, sendFileLocations, type SendFileConfig } from './send-file.js';
export { commonjsShimSource, type CommonjsShim } from './commonjs-shim.js';
export { apachePassengerSite, passengerEnvironment, passengerShimSource } from './passenger.js';
export { environmentValue, supervisordEnvironment, supervisordLifecycle, supervisordProgram, systemdLifecycle, systemdSandbox, systemdService, systemdUnit } from './systemd.js';
export { runNodeTask, readUnitEnvironment, readEnvironmentFile } from './run-task.js';
export { defaultDaemonTask, supervisordDaemonProgram, systemdDaemonUnit } from './daemon-files.js';
export { superviseDaemonTask, type DaemonTask, type DaemonTaskOptions } from './daemon-task.js';
export { onCalendar, systemdScheduleUnits } from './systemd-timers.js';
export { nodeSettings, nodeSettingsSchema, type NodeTargetSettings } from './settings.js';
export { watchOutput } from './start.js';

/**
 * The oldest Node the built server runs on. The server runs on whatever Node the machine has, not
 * the one that built it, so the bundle follows the `engines` it writes (`>=20`, the range of
 * @adapt/node itself) rather than the Node running the build.
 */
export const serverMinimumNode = 20;

export const nodeTarget: AdaptTarget = {
  name: 'node',
  description: 'a plain Node.js server: server.mjs, a systemd unit and nginx, Apache and lighttpd sites',
  settings: nodeSettingsSchema,
  runTask: (context, options) => runNodeTask(context, options),
  bundle(context) {
    const settings = nodeSettings(context);
    return {
      entrySource: (importApp) => serverEntrySource(importApp, settings, context.appName),
      fileName: 'server.mjs',
      format: 'esm',
      nodeTarget: `node${serverMinimumNode}`,
      runsTasks: true,
    };
  },
  async package(context: TargetContext, bundle: BuiltBundle): Promise<BuildArtifact[]> {
    const settings = nodeSettings(context);
    const { artifacts, write } = artifactWriter(context);
    const manifest = {
      name: context.appName,
      private: true,
      type: 'module',
      engines: { node: `>=${serverMinimumNode}` },
      scripts: { start: 'node server.mjs' },
    };
    write('package.json', JSON.stringify(manifest, null, 2) + '\n', 'type: module and the start script');
    let hasStatic = false;
    let staticEntries: string[] | undefined;
    if (settings.static) {
      const copied = copyStaticFolder(context, settings.static);
      hasStatic = true;
      staticEntries = copied.entries;
      artifacts.push({ path: 'static', bytes: copied.bytes, description: `static files from ${relative(context.cwd, copied.source) || '.'} (served by nginx)` });
    }
    write(`${settings.serviceName}.service`, systemdUnit(settings, context.appName), 'systemd unit');
    // an app with a daemon task gets it beside the server: its own unit, and a second supervisord program
    const daemon = (await context.readAppManifest()).tasks.some((task) => task.name === defaultDaemonTask);
    if (daemon) write(`${settings.serviceName}-daemon.service`, systemdDaemonUnit(settings, context.appName), `systemd unit for the "${defaultDaemonTask}" task`);
    const supervisord = supervisordProgram(settings, context.appName) + (daemon ? `\n${supervisordDaemonProgram(settings, context.appName)}` : '');
    write(`${settings.serviceName}.supervisord.conf`, supervisord, 'supervisord program (instead of the systemd unit)');
    for (const file of systemdScheduleUnits(await context.readAppManifest(), settings, context.appName)) write(file.path, file.text, file.description);
    write('nginx-site.conf', nginxSite(settings, context.appName, hasStatic), 'nginx site: static files, the rest proxied');
    write('apache-site.conf', apacheSite(settings, context.appName, staticEntries), 'Apache vhost: mod_proxy_http with X-Forwarded-*');
    write('lighttpd.conf', lighttpdConfig(settings, context.appName, staticEntries), 'lighttpd config: mod_proxy with X-Forwarded-*');
    // Phusion Passenger: the same server.mjs, started by Apache through a CommonJS shim.
    write(passengerStartupFile, passengerShimSource('server.mjs', passengerEnvironment(settings)), 'CommonJS shim: Passenger require()s it, it import()s server.mjs');
    if (!hasStatic) mkdirSync(join(context.outDir, 'static'), { recursive: true }); // Passenger's DocumentRoot, empty
    write('apache-passenger.conf', apachePassengerSite(settings, context.appName), 'Apache vhost: the app under Phusion Passenger');
    context.log.debug(`node: ${bundle.file} listens on $PORT (unit: ${settings.host}:${settings.port})`);
    return artifacts;
  },
  /** `adapt dev`: each version through this package's own listener, with stack traces in 500s. */
  async dev(context: TargetContext) {
    const settings = nodeSettings(context);
    const { createListener } = await import('../listener.js');
    const options = {
      dev: true,
      ...(settings.static ? { static: resolve(context.cwd, settings.static) } : {}),
      ...(settings.bodyLimit ? { bodyLimit: settings.bodyLimit } : {}),
    };
    return (app) => createListener(app, options);
  },
  start: startServer,
};

export default nodeTarget;
