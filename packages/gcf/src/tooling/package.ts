/**
 * `adapt build --target gcf|appengine`, after the bundle: package.json for Google's Node.js
 * buildpack (no build step in the cloud: the bundle is final, so `gcp-build` is empty), app.yaml and
 * .gcloudignore for App Engine, the static folder, and the deterministic source.zip a deploy uploads.
 */
import { cpSync, existsSync, readdirSync, statSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { AdaptError, type BuildArtifact, type BuiltBundle, type TargetContext } from '@adapt/core';
import { appEngineBundleFile, gcfBundleFile } from './bundle.js';
import { sourceZip, zipFolder } from './files.js';
import { appYaml, appEngineVersion, staticHandlers } from './app-yaml.js';
import { resolveGoogleSettings, type ResolvedGoogleSettings } from './settings.js';

/** The functions-framework version a deployed function installs (the one the tests run against). */
export const functionsFrameworkVersion = '5.0.5';

function engines(settings: ResolvedGoogleSettings): string {
  return `${settings.runtime.replace(/^nodejs/, '')}.x`;
}

function kib(bytes: number): string {
  return `${(bytes / 1024).toFixed(1)} KiB`;
}

async function write(ctx: TargetContext, artifacts: BuildArtifact[], name: string, text: string, description: string): Promise<void> {
  await writeFile(path.join(ctx.outDir, name), text);
  artifacts.push({ path: name, bytes: Buffer.byteLength(text), description });
}

async function finish(ctx: TargetContext, artifacts: BuildArtifact[]): Promise<BuildArtifact[]> {
  const { manifest } = await zipFolder(ctx.outDir);
  ctx.log.debug(`source.zip sha256 ${manifest.sha256}`);
  artifacts.push({
    path: sourceZip,
    bytes: manifest.bytes,
    description: `the source a deploy uploads: ${manifest.files.length} files, ${kib(manifest.bytes)}, sha256 ${manifest.sha256.slice(0, 12)}`,
  });
  return artifacts;
}

export async function gcfPackage(ctx: TargetContext, _bundle: BuiltBundle): Promise<BuildArtifact[]> {
  const settings = resolveGoogleSettings('gcf', ctx);
  const artifacts: BuildArtifact[] = [];
  const manifest = {
    name: settings.name,
    private: true,
    type: 'module',
    main: gcfBundleFile,
    engines: { node: engines(settings) },
    scripts: { 'gcp-build': '' },
    dependencies: { '@google-cloud/functions-framework': functionsFrameworkVersion },
  };
  await write(
    ctx,
    artifacts,
    'package.json',
    `${JSON.stringify(manifest, null, 2)}\n`,
    `main ${gcfBundleFile}, functions-framework ${functionsFrameworkVersion}, no cloud build step`,
  );
  return finish(ctx, artifacts);
}

/** Copies the static folder to outDir/static; returns its top-level entries for the handlers. */
function copyStatic(ctx: TargetContext, folder: string | undefined): { name: string; directory: boolean }[] {
  if (!folder) return [];
  const source = path.resolve(ctx.cwd, folder);
  if (!existsSync(source) || !statSync(source).isDirectory()) {
    throw new AdaptError('CONFIG_INVALID', `the static folder "${folder}" does not exist (${source})`, { hint: 'create it, or remove static from adapt.config.ts' });
  }
  cpSync(source, path.join(ctx.outDir, 'static'), { recursive: true, dereference: true });
  return readdirSync(source, { withFileTypes: true })
    .map((entry) => ({ name: entry.name, directory: entry.isDirectory() }))
    .sort((a, b) => (a.name < b.name ? -1 : 1));
}

export async function appEnginePackage(ctx: TargetContext, _bundle: BuiltBundle): Promise<BuildArtifact[]> {
  const settings = resolveGoogleSettings('appengine', ctx);
  const artifacts: BuildArtifact[] = [];
  const manifest = {
    name: settings.name,
    private: true,
    type: 'module',
    main: appEngineBundleFile,
    engines: { node: engines(settings) },
    scripts: { start: `node ${appEngineBundleFile}`, 'gcp-build': '' },
  };
  await write(ctx, artifacts, 'package.json', `${JSON.stringify(manifest, null, 2)}\n`, `npm start runs ${appEngineBundleFile}; no cloud build step`);
  const statics = copyStatic(ctx, settings.static);
  const version = appEngineVersion(settings, staticHandlers(statics));
  await write(
    ctx,
    artifacts,
    'app.yaml',
    appYaml(settings, version),
    `runtime ${settings.runtime}, ${settings.instanceClass}${statics.length ? `, ${statics.length} static handlers` : ''}`,
  );
  await write(ctx, artifacts, '.gcloudignore', ['.gcloudignore', 'node_modules/', sourceZip, 'source.json', ''].join('\n'), 'what gcloud app deploy leaves out');
  await write(ctx, artifacts, 'version.json', `${JSON.stringify(version, null, 2)}\n`, 'the App Engine Admin API version a deploy creates (app.yaml, as the API takes it)');
  return finish(ctx, artifacts);
}
