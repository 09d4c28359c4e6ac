/**
 * Static files from a folder, served before the app for GET and HEAD: ETag and Last-Modified
 * with 304, Range with 206, precompressed `.br`/`.gz` siblings by Accept-Encoding, index.html,
 * long-lived immutable caching for hashed names. A path that would leave the folder (`..`, encoded
 * dots or slashes, backslashes, NUL, dotfiles, a symlink pointing out) is never served from it:
 * the request goes on to the app.
 */
import { createReadStream, realpathSync, type Stats } from 'node:fs';
import { realpath, stat } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { join, resolve, sep } from 'node:path';
import { mimeType, parseByteRange } from '@adapt/core';

export interface StaticOptions {
  /** The folder. */
  root: string;
  /** URL path the folder is served under. Default: `/`. */
  prefix?: string;
  /** File served for a folder, or false for none. Default: `index.html`. */
  index?: string | false;
  /** Serve `name.br` / `name.gz` beside `name` to clients that accept them. Default: true. */
  precompressed?: boolean;
  /** Names that never change (hashed); they get `Cache-Control: public, max-age=31536000, immutable`. Default: `defaultIsImmutable`. */
  isImmutable?: (fileName: string) => boolean;
  /** `max-age` in seconds for the other files. Default: 0 (revalidate each time, cheap with ETag). */
  maxAge?: number;
}

/** A hashed build name such as `index-BdK3j2pQ.js` or `main.3f2a9c1b.css`: 8+ characters of hash with a digit or mixed case. */
export function defaultIsImmutable(fileName: string): boolean {
  const match = /[.-]([A-Za-z0-9_]{8,})\.[A-Za-z0-9]+$/.exec(fileName);
  if (!match) return false;
  const hash = match[1];
  return /\d/.test(hash) || (/[a-z]/.test(hash) && /[A-Z]/.test(hash));
}

export type StaticHandler = (req: IncomingMessage, res: ServerResponse) => Promise<boolean>;

const immutableControl = 'public, max-age=31536000, immutable';

/** Returns a handler that answers from the folder and resolves true, or resolves false to let the app answer. */
export function createStaticHandler(options: StaticOptions): StaticHandler {
  let root: string;
  try {
    root = realpathSync(resolve(options.root));
  } catch {
    throw new TypeError(`adapt: the static folder ${JSON.stringify(options.root)} does not exist; create it or fix the "static" option`);
  }
  const prefix = normalizePrefix(options.prefix ?? '/');
  const index = options.index === undefined ? 'index.html' : options.index;
  const precompressed = options.precompressed ?? true;
  const isImmutable = options.isImmutable ?? defaultIsImmutable;
  const revalidate = `public, max-age=${Math.max(0, Math.floor(options.maxAge ?? 0))}${options.maxAge ? '' : ', must-revalidate'}`;

  return async (req, res) => {
    const target = req.url ?? '/';
    const queryAt = target.indexOf('?');
    const rawPath = queryAt === -1 ? target : target.slice(0, queryAt);
    if (!rawPath.startsWith(prefix) && rawPath + '/' !== prefix) return false;
    const segments = safeSegments(rawPath.slice(prefix.length - 1));
    if (!segments) return false;
    let file = join(root, ...segments);
    let stats = await statOrNull(file);
    if (!stats) return false;
    if (stats.isDirectory()) {
      if (index === false) return false;
      file = join(file, index);
      stats = await statOrNull(file);
      if (!stats?.isFile()) return false;
      if (!rawPath.endsWith('/')) {
        // relative links in index.html need the trailing slash
        res.writeHead(301, { location: rawPath + '/' + (queryAt === -1 ? '' : target.slice(queryAt)), 'content-length': '0' });
        res.end();
        return true;
      }
    } else if (!stats.isFile()) {
      return false;
    }
    if (!isInside(root, await realpath(file).catch(() => ''))) return false; // a symlink pointing out

    const name = file.slice(file.lastIndexOf(sep) + 1);
    const headers: Record<string, string> = {
      'content-type': mimeType(name),
      'cache-control': isImmutable(name) ? immutableControl : revalidate,
      'accept-ranges': 'bytes',
    };
    if (precompressed) headers.vary = 'Accept-Encoding';

    let served = file;
    const range = req.headers.range;
    if (precompressed && !range) {
      for (const [encoding, extension] of acceptedEncodings(req.headers['accept-encoding'])) {
        const variant = await statOrNull(file + extension);
        if (variant?.isFile() && isInside(root, await realpath(file + extension).catch(() => ''))) {
          served = file + extension;
          stats = variant;
          headers['content-encoding'] = encoding;
          break;
        }
      }
    }

    const etag = `"${stats.size.toString(16)}-${Math.floor(stats.mtimeMs).toString(16)}${headers['content-encoding'] ? '-' + headers['content-encoding'] : ''}"`;
    const lastModified = stats.mtime.toUTCString();
    headers.etag = etag;
    headers['last-modified'] = lastModified;

    if (notModified(req, etag, stats)) {
      delete headers['content-type'];
      delete headers['accept-ranges'];
      res.writeHead(304, headers);
      res.end();
      return true;
    }

    let start = 0;
    let end = stats.size - 1;
    let status = 200;
    if (range && rangeApplies(req.headers['if-range'] as string | undefined, etag, lastModified)) {
      const parsed = parseRange(range, stats.size);
      if (parsed === 'unsatisfiable') {
        res.writeHead(416, { 'content-range': `bytes */${stats.size}`, 'content-length': '0', 'accept-ranges': 'bytes' });
        res.end();
        return true;
      }
      if (parsed) {
        [start, end] = parsed;
        status = 206;
        headers['content-range'] = `bytes ${start}-${end}/${stats.size}`;
      }
    }
    headers['content-length'] = String(stats.size === 0 ? 0 : end - start + 1);
    res.writeHead(status, headers);
    if (req.method === 'HEAD' || stats.size === 0) {
      res.end();
      return true;
    }
    const stream = createReadStream(served, { start, end });
    stream.on('error', () => res.destroy());
    res.on('close', () => stream.destroy());
    stream.pipe(res);
    return true;
  };
}

function normalizePrefix(prefix: string): string {
  let value = prefix.startsWith('/') ? prefix : '/' + prefix;
  if (!value.endsWith('/')) value += '/';
  return value;
}

/**
 * The decoded path segments, or null for anything that must not reach the file system: a
 * backslash or NUL (raw or encoded), a bad escape, `.` or `..` segments (also as `%2e`), an
 * encoded slash, or a dotfile other than `.well-known`.
 */
export function safeSegments(rawPath: string): string[] | null {
  if (/\\|%5c|%00|%2f|\0/i.test(rawPath)) return null;
  let decoded: string;
  try {
    decoded = decodeURIComponent(rawPath);
  } catch {
    return null;
  }
  if (decoded.includes('\0') || decoded.includes('\\')) return null;
  const segments: string[] = [];
  for (const segment of decoded.split('/')) {
    if (segment === '') continue;
    if (segment.startsWith('.') && segment !== '.well-known') return null;
    if (segment.includes(':') && process.platform === 'win32') return null; // drive letters, streams
    segments.push(segment);
  }
  return segments;
}

function isInside(root: string, path: string): boolean {
  return path === root || path.startsWith(root.endsWith(sep) ? root : root + sep);
}

async function statOrNull(path: string): Promise<Stats | null> {
  try {
    return await stat(path);
  } catch {
    return null;
  }
}

/** `br` then `gzip`, each when Accept-Encoding accepts it (q > 0). */
function acceptedEncodings(header: string | undefined): Array<[string, string]> {
  if (!header) return [];
  const accepted = new Map<string, number>();
  for (const part of header.split(',')) {
    const [token, ...params] = part.trim().toLowerCase().split(';');
    let q = 1;
    for (const param of params) {
      const [key, value] = param.trim().split('=');
      if (key === 'q') q = Number(value);
    }
    if (token) accepted.set(token, Number.isFinite(q) ? q : 0);
  }
  const wildcard = accepted.get('*');
  const ok = (name: string) => (accepted.get(name) ?? wildcard ?? 0) > 0;
  const out: Array<[string, string]> = [];
  if (ok('br')) out.push(['br', '.br']);
  if (ok('gzip')) out.push(['gzip', '.gz']);
  return out;
}

function notModified(req: IncomingMessage, etag: string, stats: Stats): boolean {
  const ifNoneMatch = req.headers['if-none-match'] as string | undefined;
  if (ifNoneMatch !== undefined) {
    if (ifNoneMatch.trim() === '*') return true;
    return ifNoneMatch.split(',').some((tag) => tag.trim().replace(/^W\//, '') === etag);
  }
  const ifModifiedSince = req.headers['if-modified-since'];
  if (ifModifiedSince !== undefined) {
    const since = Date.parse(ifModifiedSince);
    return Number.isFinite(since) && Math.floor(stats.mtimeMs / 1000) * 1000 <= since;
  }
  return false;
}

/** If-Range: the range applies only while the file is still the one the client has. */
function rangeApplies(ifRange: string | undefined, etag: string, lastModified: string): boolean {
  if (ifRange === undefined) return true;
  const value = ifRange.trim();
  return value.startsWith('"') ? value === etag : value === lastModified;
}

/** One `bytes=` range: @adapt/core's parser (sendFile streams with the same one). */
export const parseRange = parseByteRange;
