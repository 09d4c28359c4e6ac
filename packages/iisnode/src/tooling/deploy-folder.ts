/**
 * Folder deploy for IIS: the site folder holds `releases/<id>/` (one per deploy) and `current`, a
 * link to one of them; IIS's physical path is `<folder>\current`. A deploy copies the build into a
 * new release (under a temporary name, renamed when complete), then swaps `current` in one rename,
 * so a request sees the old release or the new one, never a mix; the previous release stays for
 * `adapt rollback`, which swaps the link back. A build identical to the current release changes
 * nothing. On Windows the link is a junction, and replacing it takes a remove and a rename (a few
 * milliseconds without `current`); on POSIX the swap is atomic.
 */
import { createHash } from 'node:crypto';
import {
  accessSync,
  chmodSync,
  constants,
  cpSync,
  existsSync,
  lstatSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  renameSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { targetError } from './errors.js';

export const stateFile = 'adapt-deploys.json';
/** Releases kept besides the current and the previous one. */
export const keptReleases = 3;

export interface FolderState {
  /** Release ids in the order they went live (a rollback appends the one it returns to). */
  history: string[];
  current: string | undefined;
}

export interface FolderDeployResult {
  folder: string;
  release: string;
  previous: string | undefined;
  changed: boolean;
  dryRun: boolean;
}

function deployError(message: string, hint: string, cause?: unknown) {
  return targetError('DEPLOY_FAILED', message, hint, cause);
}

/** Copies `buildDir` into `folder` as a new release and makes it current. */
export function deployToFolder(buildDir: string, folderPath: string, options: { dryRun: boolean; now?: Date }): FolderDeployResult {
  const folder = resolve(folderPath);
  if (!existsSync(join(buildDir, 'web.config')))
    throw deployError(`${buildDir} holds no iisnode build (no web.config)`, 'build it first: adapt build --target iisnode (or drop --no-build)');
  const hash = buildHash(buildDir);
  const state = readState(folder);
  const currentHash = state.current?.split('-').pop();
  if (state.current && currentHash === hash.slice(0, 12) && currentTarget(folder) === state.current) {
    return { folder, release: state.current, previous: previousOf(state), changed: false, dryRun: options.dryRun };
  }
  const id = `${stamp(options.now ?? new Date())}-${hash.slice(0, 12)}`;
  if (options.dryRun) return { folder, release: id, previous: state.current, changed: true, dryRun: true };
  ensureWritable(folder);
  const releases = join(folder, 'releases');
  const staging = join(releases, `.incoming-${id}`);
  try {
    mkdirSync(releases, { recursive: true });
    cpSync(buildDir, staging, { recursive: true, dereference: true });
    // a build folder made by mkdtemp is private; the server's user must read the release
    if (process.platform !== 'win32') chmodSync(staging, 0o755);
    renameSync(staging, join(releases, id));
  } catch (error) {
    rmSync(staging, { recursive: true, force: true });
    throw deployError(`could not copy the build into ${releases}: ${(error as Error).message}`, `check that ${folder} is writable and has room; nothing was changed`, error);
  }
  swapCurrent(folder, id);
  const next: FolderState = { history: [...state.history, id], current: id };
  writeState(folder, next);
  prune(folder, next);
  return { folder, release: id, previous: state.current, changed: true, dryRun: false };
}

/** Makes the release before the current one current again. */
export function rollbackFolder(folderPath: string, options: { dryRun: boolean }): FolderDeployResult {
  const folder = resolve(folderPath);
  const state = readState(folder);
  if (!state.current) throw deployError(`nothing is deployed in ${folder}`, 'deploy first: adapt deploy --target iisnode --to <folder>');
  const previous = previousOf(state);
  if (!previous || !existsSync(join(folder, 'releases', previous))) {
    throw deployError(`${folder} has no release before ${state.current} to roll back to`, 'deploy the version you want: adapt deploy --target iisnode --to <folder>');
  }
  if (options.dryRun) return { folder, release: previous, previous: state.current, changed: true, dryRun: true };
  ensureWritable(folder);
  swapCurrent(folder, previous);
  // the rolled-back release leaves the history: a second rollback goes one further back
  const history = state.history.slice(0, state.history.lastIndexOf(state.current));
  writeState(folder, { history: history.at(-1) === previous ? history : [...history, previous], current: previous });
  return { folder, release: previous, previous: state.current, changed: true, dryRun: false };
}

/** One release as `adapt deploy --target iisnode --to <folder> --list` shows it. */
export interface FolderRelease {
  release: string;
  current: boolean;
  /** The release `adapt rollback` would make current. */
  rollbackTarget: boolean;
}

/**
 * The releases in `folder`, newest first (by the time at the start of each id, to the second, then
 * by when the release's folder was written); changes nothing.
 */
export function listFolder(folderPath: string): { folder: string; current: string | undefined; releases: FolderRelease[] } {
  const folder = resolve(folderPath);
  const state = readState(folder);
  const releasesDir = join(folder, 'releases');
  const hasReleases = existsSync(releasesDir);
  if (!hasReleases && !state.current) {
    throw targetError('NOT_DEPLOYED', `nothing is deployed in ${folder}`, 'deploy first: adapt deploy --target iisnode --to <folder>, or check the folder in --to');
  }
  const previous = state.current ? previousOf(state) : undefined;
  const names = hasReleases ? readdirSync(releasesDir).filter((name) => !name.startsWith('.')) : [];
  const made = (name: string) => statSync(join(releasesDir, name)).mtimeMs;
  const releases = names
    .map((release) => ({ release, second: release.split('-')[0]!, made: made(release) }))
    .sort((a, b) => (a.second === b.second ? b.made - a.made : a.second < b.second ? 1 : -1))
    .map(({ release }) => ({ release, current: release === state.current, rollbackTarget: release === previous }));
  return { folder, current: state.current, releases };
}

function previousOf(state: FolderState): string | undefined {
  const before = state.history.slice(0, state.history.lastIndexOf(state.current!));
  for (let i = before.length - 1; i >= 0; i--) if (before[i] !== state.current) return before[i];
  return undefined;
}

/** `current` → `releases/<id>` in one rename of a fresh link over the old one. */
function swapCurrent(folder: string, id: string): void {
  const current = join(folder, 'current');
  if (existsSync(current) && !lstatSync(current).isSymbolicLink()) {
    throw deployError(`${current} is a folder, not the link adapt deploys through`, `move ${current} away (IIS's physical path should be ${current}, a link adapt manages)`);
  }
  const link = join(folder, `.current-${id}`);
  try {
    rmSync(link, { force: true });
    if (process.platform === 'win32') {
      symlinkSync(join(folder, 'releases', id), link, 'junction');
      rmSync(current, { force: true });
    } else {
      symlinkSync(join('releases', id), link, 'dir');
    }
    renameSync(link, current);
  } catch (error) {
    rmSync(link, { force: true });
    throw deployError(`could not switch ${current} to release ${id}: ${(error as Error).message}`, `check that ${folder} is writable; the previous release still serves`, error);
  }
}

function currentTarget(folder: string): string | undefined {
  try {
    return relative(join(folder, 'releases'), resolve(folder, readlinkSync(join(folder, 'current'))));
  } catch {
    return undefined;
  }
}

function ensureWritable(folder: string): void {
  try {
    mkdirSync(folder, { recursive: true });
    accessSync(folder, constants.W_OK);
    // access() says yes to root everywhere; a real write answers for every user
    const probe = join(folder, `.adapt-write-check-${process.pid}`);
    writeFileSync(probe, '');
    rmSync(probe);
  } catch (error) {
    throw deployError(
      `the site folder ${folder} is not writable: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`,
      `give the deploying user write access to ${folder}, or choose another with --to; nothing was written`,
      error,
    );
  }
}

function readState(folder: string): FolderState {
  const file = join(folder, stateFile);
  if (!existsSync(file)) return { history: [], current: undefined };
  try {
    const value = JSON.parse(readFileSync(file, 'utf8')) as FolderState;
    if (!Array.isArray(value.history)) throw new Error('no history');
    return { history: value.history.filter((id) => typeof id === 'string'), current: typeof value.current === 'string' ? value.current : undefined };
  } catch (error) {
    throw deployError(
      `${file} is not adapt's deploy record: ${(error as Error).message}`,
      `restore it, or remove it to start a new history (the releases in ${join(folder, 'releases')} stay)`,
      error,
    );
  }
}

function writeState(folder: string, state: FolderState): void {
  const file = join(folder, stateFile);
  writeFileSync(`${file}.tmp`, JSON.stringify(state, null, 2) + '\n');
  renameSync(`${file}.tmp`, file);
}

/** Removes releases beyond the newest few, never the current or the previous one. */
function prune(folder: string, state: FolderState): void {
  const keep = new Set([state.current, previousOf(state), ...state.history.slice(-keptReleases)]);
  const releases = join(folder, 'releases');
  for (const name of readdirSync(releases)) {
    if (!keep.has(name) && !name.startsWith('.')) rmSync(join(releases, name), { recursive: true, force: true });
  }
}

/** A digest of every file's path and bytes: the same build gives the same release hash. */
function buildHash(dir: string): string {
  const hash = createHash('sha256');
  const walk = (path: string) => {
    for (const entry of readdirSync(path, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const full = join(path, entry.name);
      if (entry.isDirectory()) walk(full);
      else {
        hash.update(relative(dir, full).split('\\').join('/') + '\0');
        hash.update(readFileSync(full));
        hash.update('\0');
      }
    }
  };
  walk(dir);
  return hash.digest('hex');
}

function stamp(date: Date): string {
  return date
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z')
    .replace('T', 't');
}
