/**
 * The sources adapt deployed, kept by content hash so that rollback can redeploy the previous one
 * (Cloud Run functions has no "previous revision" of its own to go back to: a function deploy
 * replaces the Cloud Run service's revisions and traffic). Kept under .adapt/history/<target>/<stage>/.
 */
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';

export function historyDir(cwd: string, target: string, stage: string, override?: string): string {
  return path.join(override ?? path.join(cwd, '.adapt', 'history'), target, stage);
}

export async function keepSource(dir: string, sha: string, zip: Buffer): Promise<string> {
  await mkdir(dir, { recursive: true });
  const file = path.join(dir, `${sha}.zip`);
  if (!existsSync(file)) await writeFile(file, zip);
  return file;
}

export async function keptSource(dir: string, sha: string): Promise<Buffer | undefined> {
  const file = path.join(dir, `${sha}.zip`);
  return existsSync(file) ? readFile(file) : undefined;
}
