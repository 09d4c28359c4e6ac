/**
 * Incoming (CGI meta-variables => Web): the URL, headers and client address of one request, read
 * from the params a front server sends (FastCGI) or the environment (CGI).
 *
 * Only REQUEST_URI is the same on nginx, Apache and lighttpd (the request target as the client
 * sent it: raw UTF-8 bytes, `%2F` intact), so the URL is rebuilt from it alone, never from
 * SCRIPT_NAME or PATH_INFO (nginx decodes and normalises SCRIPT_NAME; lighttpd puts only the first
 * segment in it).
 */
import { badRequest, clientAddress, forwardedForList, trustsPeer, type TrustRule } from '@adapt/core';

/** The params of one request: name => value, each value a latin1 string (one char per byte). */
export type Params = Map<string, string>;

/** Adds a param; a name sent twice (one header line each) keeps both values, joined as header values are. */
export function addParam(params: Params, name: string, value: string): void {
  const existing = params.get(name);
  params.set(name, existing === undefined ? value : `${existing}${name === 'HTTP_COOKIE' ? '; ' : ', '}${value}`);
}

/**
 * The request target for `req.url` and the URL: REQUEST_URI with every byte that no client
 * could put on a request line (controls, space, DEL, non-ASCII) %-encoded, byte by byte.
 */
export function paramsTarget(params: Params): string {
  const uri = params.get('REQUEST_URI');
  if (uri === undefined || uri === '')
    throw badRequest('BAD_URL', 'the front server sent no REQUEST_URI: pass it (nginx: `include fastcgi_params;`, which sets REQUEST_URI $request_uri)');
  if (/^[\x21-\x7e]*$/.test(uri)) return uri;
  let out = '';
  for (let i = 0; i < uri.length; i++) {
    const code = uri.charCodeAt(i);
    out += code > 0x20 && code < 0x7f ? uri[i] : `%${code < 16 ? '0' : ''}${code.toString(16).toUpperCase()}`;
  }
  return out;
}

export function paramsEncrypted(params: Params): boolean {
  const https = params.get('HTTPS');
  if (https !== undefined && https !== '' && https.toLowerCase() !== 'off') return true;
  return params.get('REQUEST_SCHEME')?.toLowerCase() === 'https';
}

/** Host as the client sent it: HTTP_HOST, else SERVER_NAME and SERVER_PORT. */
export function paramsHost(params: Params): string {
  const host = params.get('HTTP_HOST');
  if (host) return host;
  const name = params.get('SERVER_NAME') || 'localhost';
  const port = params.get('SERVER_PORT');
  const bracketed = name.includes(':') && !name.startsWith('[') ? `[${name}]` : name;
  const encrypted = paramsEncrypted(params);
  return port && port !== (encrypted ? '443' : '80') ? `${bracketed}:${port}` : bracketed;
}

/** The absolute URL as the client saw it; behind a trusted proxy, its X-Forwarded-Proto and -Host. Throws a 400 for a host that would move the path. */
export function paramsUrl(params: Params, target: string, trust: TrustRule): string {
  let protocol = paramsEncrypted(params) ? 'https' : 'http';
  let host = paramsHost(params);
  if (trustsPeer(params.get('REMOTE_ADDR'), trust)) {
    const proto = firstValue(params.get('HTTP_X_FORWARDED_PROTO'));
    if (proto) {
      const lower = proto.toLowerCase();
      if (lower !== 'http' && lower !== 'https') throw badRequest('BAD_URL', `X-Forwarded-Proto ${JSON.stringify(proto.slice(0, 40))} is not http or https`);
      protocol = lower;
    }
    host = firstValue(params.get('HTTP_X_FORWARDED_HOST')) || host;
  }
  if (!validHost.test(host)) throw badRequest('BAD_URL', `Host ${JSON.stringify(host.slice(0, 100))} is not a valid host`);
  if (target.charCodeAt(0) === 47 /* / */) return `${protocol}://${host}${target}`;
  if (/^https?:\/\//i.test(target)) return protocol + target.slice(target.indexOf('://'));
  throw badRequest('BAD_URL', `request target ${JSON.stringify(target.slice(0, 100))} is not a path`);
}

// reg-name, IPv4 or [IPv6], optional port; nothing that would move the path
const validHost = /^(?:\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9\-._~!$&'()*+,;=%]+)(?::\d{1,5})?$/;

/** The request headers: HTTP_* params (HTTP_X_FOO => x-foo), CONTENT_TYPE and CONTENT_LENGTH. */
export function paramsHeaders(params: Params): Headers {
  const headers = new Headers();
  for (const [name, value] of params) {
    if (name.startsWith('HTTP_')) {
      // nginx sends Content-Type and -Length twice: as CONTENT_* and as HTTP_CONTENT_*
      if ((name === 'HTTP_CONTENT_TYPE' || name === 'HTTP_CONTENT_LENGTH') && params.get(name.slice(5))) continue;
      const header = name.slice(5).toLowerCase().replaceAll('_', '-');
      if (header && validName.test(header)) headers.append(header, value);
    } else if ((name === 'CONTENT_TYPE' || name === 'CONTENT_LENGTH') && value !== '') {
      headers.set(name === 'CONTENT_TYPE' ? 'content-type' : 'content-length', value);
    }
  }
  return headers;
}

const validName = /^[!#$%&'*+\-.^`|~0-9a-z]+$/;

/** The client: REMOTE_ADDR, walked back through X-Forwarded-For by core's client-address rule. */
export function paramsRemoteAddress(params: Params, trust: TrustRule): string | undefined {
  const peer = params.get('REMOTE_ADDR') || undefined;
  if (!trustsPeer(peer, trust)) return peer;
  return clientAddress(peer, forwardedForList(params.get('HTTP_X_FORWARDED_FOR')), trust);
}

function firstValue(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  const comma = value.indexOf(',');
  return (comma === -1 ? value : value.slice(0, comma)).trim();
}
