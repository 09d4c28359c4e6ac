/**
 * The steps every server target's `package()` shares when it lays out its build folder (node,
 * fastcgi, cgi): writing a file and listing it as an artifact, copying the `static` setting's
 * folder in, and a folder's size.
 */
import { cpSync, existsSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { AdaptError, type BuildArtifact, type TargetContext } from '@adapt/core';

/** `write(path, text, description)` into the build folder, each file listed in `artifacts`. */
export function artifactWriter(context: TargetContext): { artifacts: BuildArtifact[]; write(path: string, text: string, description: string): void } {
  const artifacts: BuildArtifact[] = [];
  return {
    artifacts,
    write(path, text, description) {
      writeFileSync(join(context.outDir, path), text);
      artifacts.push({ path, bytes: Buffer.byteLength(text), description });
    },
  };
}

/** Copies the `static` folder to `<outDir>/static`; its source and sorted top-level entries. */
export function copyStaticFolder(context: TargetContext, folder: string): { source: string; entries: string[]; bytes: number } {
  const source = resolve(context.cwd, folder);
  if (!existsSync(source) || !statSync(source).isDirectory()) {
    throw new AdaptError('CONFIG_INVALID', `the static folder "${folder}" does not exist (${source})`, { hint: 'create it, or remove static from adapt.config.ts' });
  }
  const target = join(context.outDir, 'static');
  cpSync(source, target, { recursive: true, dereference: true });
  return { source, entries: readdirSync(target).sort(), bytes: folderBytes(target) };
}

export function folderBytes(folder: string): number {
  let total = 0;
  for (const entry of readdirSync(folder, { withFileTypes: true })) {
    const path = join(folder, entry.name);
    total += entry.isDirectory() ? folderBytes(path) : statSync(path).size;
  }
  return total;
}
