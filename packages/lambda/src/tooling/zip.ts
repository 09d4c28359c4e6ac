/**
 * The deployment package: a zip that is the same bytes for the same input (fixed timestamps,
 * order and attributes), so the same build gives the same CodeSha256 and a deploy can skip the
 * upload. Checked against Lambda's limits for a direct upload.
 */
import { AdaptError } from '@adapt/core';
import { createHash } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import yazl from 'yazl';

export const zipFileName = 'function.zip';
export const manifestFileName = 'function.json';
/** Lambda's limit for a zip uploaded directly (not through S3). */
export const maxZippedBytes = 50 * 1024 * 1024;
/** Lambda's limit for the unzipped function code, layers included. */
export const maxUnzippedBytes = 250 * 1024 * 1024;

/** Built with the local-time constructor, so the DOS timestamp bytes are the same in every time zone. */
const fixedTime = new Date(1980, 0, 1, 0, 0, 0);
const fileMode = 0o100644;

export interface ZipEntry {
  /** Name inside the zip, with forward slashes. */
  name: string;
  data: Uint8Array;
}

export interface PackageManifest {
  codeSha256: string;
  zipBytes: number;
  unzippedBytes: number;
  files: { name: string; bytes: number }[];
  /** What the build was made for: deploy refuses a build whose handler options differ from the stage's. */
  build?: { stage: string; handlerOptions: Record<string, unknown> };
}

/** Zips entries sorted by name, each with the same time and mode, deflated at level 9. */
export async function deterministicZip(entries: ZipEntry[]): Promise<Buffer> {
  const zip = new yazl.ZipFile();
  const sorted = [...entries].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const entry of sorted) {
    zip.addBuffer(Buffer.from(entry.data), entry.name, {
      mtime: fixedTime,
      mode: fileMode,
      compressionLevel: 9,
      forceDosTimestamp: true,
    });
  }
  zip.end();
  const chunks: Buffer[] = [];
  for await (const chunk of zip.outputStream as AsyncIterable<Buffer>) chunks.push(chunk);
  return Buffer.concat(chunks);
}

/** Lambda's CodeSha256: base64 of the SHA-256 of the zip. */
export function codeSha256(zip: Uint8Array): string {
  return createHash('sha256').update(zip).digest('base64');
}

function megabytes(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

/** Throws a clear error when a package is over Lambda's limits. */
export function checkPackageLimits(zipBytes: number, unzippedBytes: number): void {
  if (zipBytes > maxZippedBytes) {
    throw new AdaptError('ZIP_TOO_LARGE', `The deployment package is ${megabytes(zipBytes)} zipped; Lambda accepts at most 50 MB for a direct upload.`, {
      hint: 'Keep large dependencies out of the bundle (targets.lambda.external plus a layer), drop unused imports, or serve big static files from S3.',
    });
  }
  if (unzippedBytes > maxUnzippedBytes) {
    throw new AdaptError('ZIP_TOO_LARGE', `The function code is ${megabytes(unzippedBytes)} unzipped; Lambda accepts at most 250 MB.`, {
      hint: 'Keep large dependencies out of the bundle (targets.lambda.external plus a layer) or serve big static files from S3.',
    });
  }
}

/** Writes `function.zip` and `function.json` into outDir; returns the manifest. */
export async function writePackage(outDir: string, entries: ZipEntry[], build?: PackageManifest['build']): Promise<PackageManifest> {
  const unzippedBytes = entries.reduce((sum, entry) => sum + entry.data.byteLength, 0);
  const zip = await deterministicZip(entries);
  checkPackageLimits(zip.byteLength, unzippedBytes);
  const manifest: PackageManifest = {
    codeSha256: codeSha256(zip),
    zipBytes: zip.byteLength,
    unzippedBytes,
    files: entries.map((entry) => ({ name: entry.name, bytes: entry.data.byteLength })).sort((a, b) => (a.name < b.name ? -1 : 1)),
    ...(build ? { build } : {}),
  };
  await writeFile(path.join(outDir, zipFileName), zip);
  await writeFile(path.join(outDir, manifestFileName), `${JSON.stringify(manifest, null, 2)}\n`);
  return manifest;
}

export interface BuiltPackage {
  zip: Buffer;
  codeSha256: string;
  unzippedBytes: number;
  /** The manifest written beside the zip, when it is there and describes this zip. */
  manifest: PackageManifest | undefined;
}

/** Reads the package `adapt build` wrote, checking it again against the limits. */
export async function readPackage(outDir: string): Promise<BuiltPackage> {
  const zipPath = path.join(outDir, zipFileName);
  let zip: Buffer;
  try {
    zip = await readFile(zipPath);
  } catch {
    throw new AdaptError('NOT_BUILT', `No deployment package at ${zipPath}.`, { hint: 'Run `adapt build --target lambda` first (with the same --out, if any).' });
  }
  checkPackageLimits(zip.byteLength, 0);
  const unzippedBytes = zipEntrySizes(zip).reduce((sum, entry) => sum + entry.bytes, 0);
  checkPackageLimits(zip.byteLength, unzippedBytes);
  const sha = codeSha256(zip);
  let manifest: PackageManifest | undefined;
  try {
    const read = JSON.parse(await readFile(path.join(outDir, manifestFileName), 'utf8')) as PackageManifest;
    if (read.codeSha256 === sha) manifest = read;
  } catch {
    manifest = undefined;
  }
  return { zip, codeSha256: sha, unzippedBytes, manifest };
}

/** Names and uncompressed sizes from a zip's central directory (no zip64: packages are far smaller). */
export function zipEntrySizes(zip: Buffer): { name: string; bytes: number }[] {
  let end = -1;
  for (let i = zip.byteLength - 22; i >= Math.max(0, zip.byteLength - 22 - 0xffff); i--) {
    if (zip.readUInt32LE(i) === 0x06054b50) {
      end = i;
      break;
    }
  }
  if (end < 0) throw new AdaptError('NOT_BUILT', 'The deployment package is not a zip file.', { hint: 'Run `adapt build --target lambda` again.' });
  const count = zip.readUInt16LE(end + 10);
  let offset = zip.readUInt32LE(end + 16);
  const entries: { name: string; bytes: number }[] = [];
  for (let i = 0; i < count; i++) {
    if (zip.readUInt32LE(offset) !== 0x02014b50) {
      throw new AdaptError('NOT_BUILT', 'The deployment package has a damaged central directory.', { hint: 'Run `adapt build --target lambda` again.' });
    }
    const bytes = zip.readUInt32LE(offset + 24);
    const nameLength = zip.readUInt16LE(offset + 28);
    const extraLength = zip.readUInt16LE(offset + 30);
    const commentLength = zip.readUInt16LE(offset + 32);
    entries.push({ name: zip.toString('utf8', offset + 46, offset + 46 + nameLength), bytes });
    offset += 46 + nameLength + extraLength + commentLength;
  }
  return entries;
}
