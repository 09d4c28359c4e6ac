/** `adapt build --target lambda`, after the bundle: the deterministic zip and the size report. */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { BuildArtifact, BuiltBundle, TargetContext } from '@adapt/core';
import { maxUnzippedBytes, maxZippedBytes, writePackage, zipFileName } from './zip.js';

function percent(part: number, whole: number): string {
  return `${((part / whole) * 100).toFixed(part / whole < 0.01 ? 2 : 1)}%`;
}

export async function lambdaPackage(ctx: TargetContext, bundle: BuiltBundle): Promise<BuildArtifact[]> {
  const data = await readFile(bundle.file);
  const name = path.basename(bundle.file);
  const manifest = await writePackage(ctx.outDir, [{ name, data }]);
  ctx.log.debug(`CodeSha256 ${manifest.codeSha256}`);
  return [
    { path: name, bytes: data.byteLength, description: `handler bundle (unzipped total ${percent(manifest.unzippedBytes, maxUnzippedBytes)} of Lambda's 250 MB limit)` },
    { path: zipFileName, bytes: manifest.zipBytes, description: `deployment package, ${percent(manifest.zipBytes, maxZippedBytes)} of the 50 MB upload limit; CodeSha256 ${manifest.codeSha256}` },
  ];
}
