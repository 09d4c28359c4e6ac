/**
 * `sendFile(path)`: a Response for a file on disk. Behind a front server that can send files
 * itself, the response only names the file and the server sends it (the app never reads it):
 * `X-Accel-Redirect` for nginx (an `internal` location per root), `X-Sendfile` for Apache's
 * mod_xsendfile and lighttpd's `allow-x-send-file`. Everywhere else (Lambda, a plain Node server)
 * the file is streamed, with Content-Type, Content-Length, ETag, Last-Modified, 304 and Range.
 *
 * Paths are confined to the configured roots: a `..` segment, a NUL, an absolute path outside
 * every root or a symlink pointing out answers 403 and logs one line; a missing file answers 404.
 * The mode and roots come from the `sendFile` setting (the node build's server.mjs calls
 * `configureSendFile` with it; `SEND_FILE_MODE` in the environment overrides the mode).
 */
import { createReadStream } from 'node:fs';
import { realpath, stat } from 'node:fs/promises';
import { isAbsolute, relative, resolve, sep } from 'node:path';
import { Readable } from 'node:stream';
import { parseByteRange } from './byte-range.js';
import { mimeType } from './mime.js';

export type SendFileMode = 'x-accel-redirect' | 'x-sendfile' | 'stream';
export const sendFileModes: readonly SendFileMode[] = ['x-accel-redirect', 'x-sendfile', 'stream'];

export interface SendFileSettings {
  /** Who sends the file: nginx (`x-accel-redirect`), Apache or lighttpd (`x-sendfile`), or the app (`stream`). Default: `stream`. */
  mode?: SendFileMode;
  /** The folders files may be sent from; a relative path is relative to the first. */
  roots: string[];
  /** nginx only: the internal location prefix; root n is at `<prefix>/<n>/`. Default: `/_adapt/send`. */
  internalPrefix?: string;
}

export interface SendFileOptions {
  /** The request, for HEAD, If-None-Match/If-Modified-Since (304) and Range (206) when streaming. */
  request?: Request;
  /** Default: by the file's extension. */
  contentType?: string;
  /** `true` or a file name: `Content-Disposition: attachment`. */
  download?: boolean | string;
  /** Extra response headers (Cache-Control...). */
  headers?: HeadersInit;
}

/** What the app read itself: stays 0 while a front server sends every file. */
export const sendFileStats = { streamed: 0, bytesRead: 0 };

export const defaultInternalPrefix = '/_adapt/send';

let configured: { mode: SendFileMode; roots: string[]; internalPrefix: string } | undefined;

/** Sets the mode and roots for this process (relative roots resolve against the current folder). */
export function configureSendFile(settings: SendFileSettings | undefined, env: Record<string, string | undefined> = process.env): void {
  const fromEnv = env.SEND_FILE_MODE;
  if (fromEnv !== undefined && fromEnv !== '' && !sendFileModes.includes(fromEnv as SendFileMode)) {
    throw new TypeError(`adapt: SEND_FILE_MODE must be one of ${sendFileModes.join(', ')}, got ${JSON.stringify(fromEnv)}`);
  }
  configured = {
    mode: (fromEnv || settings?.mode || 'stream') as SendFileMode,
    roots: (settings?.roots ?? []).map((root) => resolve(root)),
    internalPrefix: (settings?.internalPrefix ?? defaultInternalPrefix).replace(/\/+$/, ''),
  };
}

/** The problem with a `sendFile` setting, for the settings schema; undefined when fine. */
export function sendFileSettingProblem(value: unknown): string | undefined {
  const expected = 'an object such as { mode: "x-accel-redirect", roots: ["/srv/files"], internalPrefix: "/_adapt/send" }';
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return expected;
  const { mode, roots, internalPrefix, ...rest } = value as Record<string, unknown>;
  const unknown = Object.keys(rest);
  if (unknown.length > 0) return `${expected} (unknown key ${unknown[0]})`;
  if (mode !== undefined && !sendFileModes.includes(mode as SendFileMode)) return `${expected}, with mode one of ${sendFileModes.join(', ')}`;
  if (!Array.isArray(roots) || roots.length === 0 || !roots.every((root) => typeof root === 'string' && root !== '' && !/[\0\r\n]/.test(root))) {
    return `${expected}, with roots a non-empty list of folders`;
  }
  if (internalPrefix !== undefined && !(typeof internalPrefix === 'string' && /^\/[\w./-]*$/.test(internalPrefix))) return `${expected}, with internalPrefix a URL path`;
  return undefined;
}

function refuse(status: 403 | 404, path: string, reason: string): Response {
  console.error(`adapt: sendFile ${JSON.stringify(path)} refused (${status}): ${reason}`);
  return new Response(status === 403 ? 'Forbidden\n' : 'Not Found\n', { status, headers: { 'content-type': 'text/plain; charset=utf-8' } });
}

function inside(root: string, path: string): boolean {
  return path === root || path.startsWith(root.endsWith(sep) ? root : root + sep);
}

/** Sends the file at `path` (relative to the first root, or absolute inside a root). */
export async function sendFile(path: string, options: SendFileOptions = {}): Promise<Response> {
  if (!configured) configureSendFile(undefined);
  const { mode, roots, internalPrefix } = configured!;
  if (roots.length === 0) return refuse(403, path, 'no sendFile roots are configured; set sendFile: { roots: ["files"] } in adapt.config.ts');
  if (path.includes('\0')) return refuse(403, path, 'the path holds a NUL byte');
  if (path.split(/[/\\]/).includes('..')) return refuse(403, path, 'the path holds a ".." segment');
  const wanted = isAbsolute(path) ? resolve(path) : resolve(roots[0], path);
  const index = roots.findIndex((root) => inside(root, wanted));
  if (index === -1) return refuse(403, path, `outside the sendFile roots (${roots.join(', ')})`);
  const [realRoot, real] = await Promise.all([realpath(roots[index]).catch(() => undefined), realpath(wanted).catch(() => undefined)]);
  if (!realRoot) return refuse(404, path, `the sendFile root ${roots[index]} does not exist`);
  if (!real) return refuse(404, path, 'no such file');
  if (!inside(realRoot, real)) return refuse(403, path, `a symlink pointing outside ${roots[index]}`);
  const stats = await stat(real).catch(() => undefined);
  if (!stats?.isFile()) return refuse(404, path, 'not a regular file');

  const headers = new Headers(options.headers);
  if (!headers.has('content-type')) headers.set('content-type', options.contentType ?? mimeType(real));
  if (options.download) {
    const name = typeof options.download === 'string' ? options.download : real.slice(real.lastIndexOf(sep) + 1);
    headers.set('content-disposition', `attachment; filename="${name.replace(/[^\x20-\x7e]|["\\]/g, '_')}"; filename*=UTF-8''${encodeURIComponent(name)}`);
  }
  if (mode === 'x-accel-redirect') {
    const rel = relative(realRoot, real).split(sep).map(encodeURIComponent).join('/');
    headers.set('x-accel-redirect', `${internalPrefix}/${index}/${rel}`);
    return new Response(null, { status: 200, headers });
  }
  if (mode === 'x-sendfile') {
    headers.set('x-sendfile', real);
    return new Response(null, { status: 200, headers });
  }
  return streamFile(real, stats.size, stats.mtimeMs, headers, options.request);
}

function streamFile(file: string, size: number, mtimeMs: number, headers: Headers, request: Request | undefined): Response {
  const etag = `"${size.toString(16)}-${Math.floor(mtimeMs).toString(16)}"`;
  const lastModified = new Date(Math.floor(mtimeMs / 1000) * 1000).toUTCString();
  headers.set('etag', etag);
  headers.set('last-modified', lastModified);
  headers.set('accept-ranges', 'bytes');
  const method = request?.method ?? 'GET';
  const ifNoneMatch = request?.headers.get('if-none-match');
  const ifModifiedSince = request?.headers.get('if-modified-since');
  const fresh =
    ifNoneMatch != null
      ? ifNoneMatch.trim() === '*' || ifNoneMatch.split(',').some((tag) => tag.trim().replace(/^W\//, '') === etag)
      : ifModifiedSince != null && Number.isFinite(Date.parse(ifModifiedSince)) && Math.floor(mtimeMs / 1000) * 1000 <= Date.parse(ifModifiedSince);
  if (fresh && (method === 'GET' || method === 'HEAD')) return new Response(null, { status: 304, headers });

  let start = 0;
  let end = size - 1;
  let status = 200;
  const range = request?.headers.get('range');
  const ifRange = request?.headers.get('if-range')?.trim();
  if (range && method === 'GET' && (ifRange == null || ifRange === etag || ifRange === lastModified)) {
    const parsed = parseByteRange(range, size);
    if (parsed === 'unsatisfiable') {
      headers.set('content-range', `bytes */${size}`);
      headers.set('content-length', '0');
      return new Response(null, { status: 416, headers });
    }
    if (parsed) {
      [start, end] = parsed;
      status = 206;
      headers.set('content-range', `bytes ${start}-${end}/${size}`);
    }
  }
  const length = size === 0 ? 0 : end - start + 1;
  headers.set('content-length', String(length));
  if (method === 'HEAD' || length === 0) return new Response(null, { status, headers });
  sendFileStats.streamed++;
  const source = createReadStream(file, { start, end });
  source.on('data', (chunk) => (sendFileStats.bytesRead += chunk.length));
  return new Response(Readable.toWeb(source) as ReadableStream<Uint8Array>, { status, headers });
}
