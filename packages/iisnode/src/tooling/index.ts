/**
 * `@adapt/iisnode/target`: how `adapt build --target iisnode` lays out .adapt/iisnode/ (web.config,
 * index.cjs, server.mjs, package.json, iisnode.yml when asked, the static folder, Azure's app
 * settings), how `adapt start` runs it as iisnode would, and the folder deploy and rollback.
 * Build-time code: never imported by the runtime entry.
 */
import { cpSync, existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import type { AdaptTarget, BuildArtifact, BuiltBundle, DeployOptions, DeployResult, ListOptions, TargetContext } from '@adapt/core';
import { deployToFolder, listFolder, rollbackFolder } from './deploy-folder.js';
import { serverEntrySource, shimSource } from './entry.js';
import { configError, targetError } from './errors.js';
import { checkIisnodeYml, iisnodeYml } from './iisnode-yml.js';
import { iisnodeSettings, iisnodeSettingsSchema } from './settings.js';
import { startIisnode } from './start.js';
import { bundleFile, entryFile, webConfig } from './web-config.js';
import type { AzureRuntime } from './azure-client.js';

export { checkIisnodeYml, iisnodeYml, iisnodeYmlKeys } from './iisnode-yml.js';
export { azureNodeVersions, iisnodeSettings, iisnodeSettingsSchema, watchedFile, type IisnodeTargetSettings } from './settings.js';
export { webConfig } from './web-config.js';
export { deployToFolder, rollbackFolder } from './deploy-folder.js';
export { azureSettingsSchema, resolveAzureSettings, type AzureSettings } from './azure-settings.js';
export type { AzureRuntime } from './azure-client.js';

/** The oldest Node the build runs on (the bundle's syntax level and package.json engines). */
export const iisnodeMinimumNode = 20;

export const iisnodeTarget: AdaptTarget = {
  name: 'iisnode',
  description: 'IIS through iisnode (Azure App Service on Windows) or HttpPlatformHandler: web.config, index.cjs, server.mjs',
  settings: iisnodeSettingsSchema,
  bundle(context) {
    const settings = iisnodeSettings(context);
    return {
      entrySource: (importApp) => serverEntrySource(importApp, settings, context.appName),
      fileName: bundleFile,
      format: 'esm',
      nodeTarget: `node${iisnodeMinimumNode}`,
      runsTasks: true,
    };
  },
  async package(context: TargetContext, bundle: BuiltBundle): Promise<BuildArtifact[]> {
    const settings = iisnodeSettings(context);
    const artifacts: BuildArtifact[] = [];
    const write = (path: string, text: string, description: string) => {
      writeFileSync(join(context.outDir, path), text);
      artifacts.push({ path, bytes: Buffer.byteLength(text), description });
    };
    // iisnode.yml: from targets.iisnode.iisnodeYml, or the project's own file, checked line by line
    const projectYml = join(context.cwd, 'iisnode.yml');
    let yml: string | undefined;
    if (settings.iisnodeYml && existsSync(projectYml)) {
      throw configError('both targets.iisnode.iisnodeYml and an iisnode.yml file in the project', 'keep one of them: remove iisnode.yml, or the iisnodeYml setting');
    }
    if (settings.iisnodeYml) yml = iisnodeYml(settings.iisnodeYml);
    else if (existsSync(projectYml)) {
      yml = readFileSync(projectYml, 'utf8');
      checkIisnodeYml(yml, relative(context.cwd, projectYml) || 'iisnode.yml');
    }
    if (yml !== undefined && settings.mode === 'httpPlatform')
      throw configError('iisnode.yml has no effect in httpPlatform mode (HttpPlatformHandler does not read it)', 'remove it, or set targets.iisnode.mode to "iisnode"');

    let hasStatic = false;
    if (settings.static) {
      const source = resolve(context.cwd, settings.static);
      if (!existsSync(source) || !statSync(source).isDirectory())
        throw configError(`the static folder "${settings.static}" does not exist (${source})`, 'create it, or remove static from adapt.config.ts');
      cpSync(source, join(context.outDir, 'static'), { recursive: true, dereference: true });
      hasStatic = true;
      artifacts.push({
        path: 'static',
        bytes: folderBytes(join(context.outDir, 'static')),
        description: `static files from ${relative(context.cwd, source) || '.'} (served by IIS)`,
      });
    }
    write(entryFile, shimSource(), `CommonJS shim: iisnode require()s it, it import()s ${bundleFile}`);
    const manifest = { name: context.appName, private: true, type: 'module', engines: { node: `>=${iisnodeMinimumNode}` } };
    write('package.json', JSON.stringify(manifest, null, 2) + '\n', 'type: module for the bundle; engines');
    write(
      'web.config',
      webConfig({ settings, hasStatic }),
      settings.mode === 'iisnode' ? 'IIS: iisnode handler, URL Rewrite, hidden segments' : 'IIS: HttpPlatformHandler, URL Rewrite, hidden segments',
    );
    if (yml !== undefined) write('iisnode.yml', yml, 'iisnode overrides');
    const appSettings = { WEBSITE_NODE_DEFAULT_VERSION: settings.azureNodeVersion, ...settings.env };
    write('azure-app-settings.json', JSON.stringify(appSettings, null, 2) + '\n', 'Azure App Service app settings (the Node version)');
    context.log.debug(`iisnode: ${bundle.file} behind ${entryFile} (${settings.mode} mode)`);
    return artifacts;
  },
  /** `adapt dev`: each version through @adapt/node's listener with iisnode's URL and header rules, stack traces in 500s. */
  async dev(context: TargetContext) {
    const settings = iisnodeSettings(context);
    const [{ createListener }, { iisnodeApp }] = await Promise.all([import('@adapt/node'), import('../serve-iisnode.js')]);
    const options = { basePath: settings.basePath, enableXFF: settings.mode === 'httpPlatform' || settings.enableXFF, promoteServerVars: settings.promoteServerVars };
    return (app) => createListener(iisnodeApp(app, options), { dev: true });
  },
  start: startIisnode,
  async deploy(context: TargetContext, options: DeployOptions): Promise<DeployResult> {
    if (options.to === 'azure') return (await import('./deploy-azure.js')).deployAzure(context, options);
    const folder = placeOf(options, 'deploy');
    const result = deployToFolder(context.outDir, folder, { dryRun: options.dryRun });
    const { schedules } = await context.readAppManifest();
    if (schedules.length > 0) {
      // IIS has no scheduler and adapt writes no Windows Task Scheduler XML: say so, do not guess
      context.log.warn(
        `the app declares ${schedules.length} schedule${schedules.length === 1 ? '' : 's'} (${schedules.map((schedule) => schedule.name).join(', ')}); iisnode has no scheduler, so none was created. ` +
          `Run each with Windows Task Scheduler: node <site>\\current\\${bundleFile} run <task> [args] (see @adapt/iisnode's README, "Tasks and schedules").`,
      );
    }
    context.log.info(
      result.changed
        ? `${result.dryRun ? 'would make' : 'made'} release ${result.release} current in ${result.folder}`
        : `${result.folder} already serves this build (${result.release}); nothing changed`,
    );
    return { target: 'iisnode', stage: context.stage, ...result, ...(schedules.length > 0 ? { schedules: 'not created: iisnode has no scheduler' } : {}) };
  },
  async list(context: TargetContext, options: ListOptions): Promise<DeployResult> {
    if (options.to === 'azure') return (await import('./deploy-azure.js')).listAzure(context);
    const result = listFolder(placeOf(options, 'deploy --list'));
    context.log.info(`releases in ${result.folder}, newest first:`);
    for (const row of result.releases) {
      context.log.info(`  ${row.current ? '*' : ' '} ${row.release}${row.rollbackTarget ? '  (adapt rollback goes back to this one)' : ''}`);
    }
    if (result.releases.length === 0) context.log.info('  (none)');
    return { target: 'iisnode', stage: context.stage, ...result };
  },
  async rollback(context: TargetContext, options: DeployOptions): Promise<DeployResult> {
    if (options.to === 'azure') return (await import('./deploy-azure.js')).rollbackAzure(context, options);
    const folder = placeOf(options, 'rollback');
    const result = rollbackFolder(folder, { dryRun: options.dryRun });
    context.log.info(`${result.dryRun ? 'would return' : 'returned'} ${result.folder} to release ${result.release} (from ${result.previous})`);
    return { target: 'iisnode', stage: context.stage, ...result };
  },
};

/**
 * The iisnode target with Azure's endpoints and TLS settings injected (tests aim them at a local
 * server); `--to azure` deploys and rolls back through it.
 */
export function withAzureRuntime(runtime: AzureRuntime): AdaptTarget {
  return {
    ...iisnodeTarget,
    deploy: async (context, options) =>
      options.to === 'azure' ? (await import('./deploy-azure.js')).deployAzure(context, options, runtime) : iisnodeTarget.deploy!(context, options),
    rollback: async (context, options) =>
      options.to === 'azure' ? (await import('./deploy-azure.js')).rollbackAzure(context, options, runtime) : iisnodeTarget.rollback!(context, options),
    list: async (context, options) => (options.to === 'azure' ? (await import('./deploy-azure.js')).listAzure(context, runtime) : iisnodeTarget.list!(context, options)),
  };
}

/** The site folder from --to (any value but `azure`). */
function placeOf(options: DeployOptions | ListOptions, action: 'deploy' | 'rollback' | 'deploy --list'): string {
  const to = options.to;
  if (typeof to !== 'string' || to === '') {
    throw targetError(
      'USAGE',
      `adapt ${action} --target iisnode needs --to <folder> (the IIS site folder) or --to azure (Azure App Service)`,
      `such as: adapt ${action} --target iisnode --to D:\\sites\\shop (IIS's physical path is then D:\\sites\\shop\\current), or adapt ${action} --target iisnode --to azure`,
    );
  }
  return to;
}

function folderBytes(folder: string): number {
  let total = 0;
  for (const entry of readdirSync(folder, { withFileTypes: true })) {
    const path = join(folder, entry.name);
    total += entry.isDirectory() ? folderBytes(path) : statSync(path).size;
  }
  return total;
}

export default iisnodeTarget;
