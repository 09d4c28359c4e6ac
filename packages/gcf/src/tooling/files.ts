/** The build folder's files, for the deterministic zip: every file under outDir but the zip and its manifest, sorted. */
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { createHash } from 'node:crypto';
import { deterministicZip } from '@adapt/lambda/target';

type ZipEntry = Parameters<typeof deterministicZip>[0][number];

export const sourceZip = 'source.zip';
export const manifestFile = 'source.json';

export async function folderEntries(dir: string, skip: readonly string[] = [sourceZip, manifestFile]): Promise<ZipEntry[]> {
  const entries: ZipEntry[] = [];
  const walk = async (folder: string): Promise<void> => {
    for (const item of await readdir(folder, { withFileTypes: true })) {
      const full = path.join(folder, item.name);
      const name = path.relative(dir, full).split(path.sep).join('/');
      if (skip.includes(name) || name === 'node_modules') continue;
      if (item.isDirectory()) await walk(full);
      else if (item.isFile()) entries.push({ name, data: await readFile(full) });
    }
  };
  await walk(dir);
  return entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

export interface SourceManifest {
  /** SHA-256 (hex) of source.zip: the label that lets a redeploy of the same build skip the upload. */
  sha256: string;
  bytes: number;
  files: { name: string; bytes: number }[];
}

/** Zips the folder into source.zip (same files, same bytes) and writes source.json beside it. */
export async function zipFolder(dir: string): Promise<{ zip: Buffer; manifest: SourceManifest }> {
  const { writeFile } = await import('node:fs/promises');
  const entries = await folderEntries(dir);
  const zip = await deterministicZip(entries);
  const manifest: SourceManifest = { sha256: sha256(zip), bytes: zip.byteLength, files: entries.map((entry) => ({ name: entry.name, bytes: entry.data.byteLength })) };
  await writeFile(path.join(dir, sourceZip), zip);
  await writeFile(path.join(dir, manifestFile), `${JSON.stringify(manifest, null, 2)}\n`);
  return { zip, manifest };
}

export function sha256(data: Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}
