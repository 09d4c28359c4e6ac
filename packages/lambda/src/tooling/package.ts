/** `adapt build --target lambda`, after the bundle: the deterministic zip and the size report. */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { BuildArtifact, BuiltBundle, TargetContext } from '@adapt/core';
import { handlerOptions } from './bundle.js';
import { resolveLambdaSettings } from './settings.js';
import { manifestFileName, maxUnzippedBytes, maxZippedBytes, writePackage, zipFileName } from './zip.js';

function kib(bytes: number): string {
  return bytes < 1024 * 1024 ? `${(bytes / 1024).toFixed(1)} KiB` : `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
}

function percent(part: number, whole: number): string {
  return `${((part / whole) * 100).toFixed(part / whole < 0.01 ? 2 : 1)}%`;
}

export async function lambdaPackage(ctx: TargetContext, bundle: BuiltBundle): Promise<BuildArtifact[]> {
  const data = await readFile(bundle.file);
  const name = path.basename(bundle.file);
  const handler = handlerOptions(resolveLambdaSettings(ctx));
  const manifest = await writePackage(ctx.outDir, [{ name, data }], { stage: ctx.stage, handlerOptions: handler });
  ctx.log.debug(`CodeSha256 ${manifest.codeSha256}`);
  const zipped = `${kib(manifest.zipBytes)} zipped, ${percent(manifest.zipBytes, maxZippedBytes)} of the 50 MB upload limit`;
  const unzipped = `${kib(manifest.unzippedBytes)} unzipped, ${percent(manifest.unzippedBytes, maxUnzippedBytes)} of the 250 MB limit`;
  return [
    { path: zipFileName, bytes: manifest.zipBytes, description: `deployment package: ${zipped}; ${unzipped}; CodeSha256 ${manifest.codeSha256}` },
    { path: manifestFileName, bytes: Buffer.byteLength(JSON.stringify(manifest, null, 2)) + 1, description: 'sizes and CodeSha256 of the package' },
  ];
}
