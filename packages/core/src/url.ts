/**
 * Request URLs from what platforms give: a raw path and a raw query, passed through without
 * decoding or double-encoding anything. `%2F` stays `%2F`, `+` stays `+`.
 */
import { badRequest } from './errors.js';
import { isHex } from './token.js';

export interface UrlParts {
  /** `http` or `https` (a trailing colon is allowed). */
  protocol: string;
  /** Host with an optional port, as the client sent it in Host. */
  host: string;
  /** The raw path; must start with `/`. Characters that are not allowed in a URL are %-encoded. */
  path: string;
  /** The raw query, without the `?`; empty or undefined for none. */
  query?: string | null;
}

/** Builds the absolute URL string; throws a 400 `BAD_URL` error when no valid URL results. */
export function buildRequestUrl(parts: UrlParts): string {
  const protocol = parts.protocol.endsWith(':') ? parts.protocol.slice(0, -1) : parts.protocol;
  if (protocol !== 'http' && protocol !== 'https') {
    throw badRequest('BAD_URL', `protocol ${JSON.stringify(parts.protocol)} is not http or https`);
  }
  assertHost(parts.host);
  if (!parts.path.startsWith('/')) {
    throw badRequest('BAD_URL', `path ${JSON.stringify(parts.path.slice(0, 100))} does not start with "/"`);
  }
  let url = `${protocol}://${parts.host}${encodeUnsafe(parts.path, false)}`;
  if (parts.query) url += '?' + encodeUnsafe(parts.query, true);
  return url;
}

function assertHost(host: string): void {
  // host = reg-name / IPv4 / [IPv6], optional :port. Refuse anything that would move the path.
  if (!/^(?:\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9\-._~!$&'()*+,;=%]+)(?::\d{1,5})?$/.test(host)) {
    throw badRequest('BAD_URL', `host ${JSON.stringify(host.slice(0, 100))} is not a valid host`);
  }
}

/**
 * %-encodes what may not stand in a URL (spaces, non-ASCII, quotes, `#`, `?` in a path...) and a
 * `%` that does not start an escape; leaves valid escapes and every allowed character as sent.
 */
export function encodeUnsafe(text: string, isQuery: boolean): string {
  if (isClean(text, isQuery)) return text;
  let out = '';
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    const char = text[i];
    if (char === '%') {
      out += isHex(text.charCodeAt(i + 1)) && isHex(text.charCodeAt(i + 2)) ? '%' : '%25';
    } else if (char === '?') {
      out += isQuery ? '?' : '%3F';
    } else if (code < 128 && allowedChar.test(char)) {
      out += char;
    } else if (code >= 0xd800 && code <= 0xdbff && isLowSurrogate(text.charCodeAt(i + 1))) {
      out += encodeURIComponent(char + text[i + 1]);
      i++;
    } else if (code >= 0xd800 && code <= 0xdfff) {
      out += '%EF%BF%BD'; // a lone surrogate becomes U+FFFD, as the URL parser would write it
    } else {
      out += encodeURIComponent(char).replace(/'/g, '%27');
    }
  }
  return out;
}

const allowedChar = /^[A-Za-z0-9\-._~!$&'()*+,;=:@/]$/;
const cleanPath = /^[A-Za-z0-9\-._~!$&'()*+,;=:@/%]*$/;
const cleanQuery = /^[A-Za-z0-9\-._~!$&'()*+,;=:@/%?]*$/;

function isClean(text: string, isQuery: boolean): boolean {
  if (!(isQuery ? cleanQuery : cleanPath).test(text)) return false;
  for (let i = text.indexOf('%'); i !== -1; i = text.indexOf('%', i + 1)) {
    if (!isHex(text.charCodeAt(i + 1)) || !isHex(text.charCodeAt(i + 2))) return false;
  }
  return true;
}

function isLowSurrogate(code: number): boolean {
  return code >= 0xdc00 && code <= 0xdfff;
}

/**
 * A raw query from decoded parameters (API Gateway v1 and Lattice v1 decode the query before the
 * function sees it). Each name and value is encoded with encodeURIComponent, so `a+b` arrives as
 * `a%2Bb` and a space as `%20`: the app decodes them back to what the client meant.
 */
export function queryFromDecodedParams(single: Record<string, string | undefined> | null | undefined, multi?: Record<string, readonly string[] | undefined> | null): string {
  const parts: string[] = [];
  const seen = new Set<string>();
  if (multi) {
    for (const name in multi) {
      const values = multi[name];
      if (!Array.isArray(values)) continue;
      seen.add(name);
      for (const value of values) parts.push(encodeURIComponent(name) + '=' + encodeURIComponent(String(value)));
    }
  }
  if (single) {
    for (const name in single) {
      const value = single[name];
      if (value == null || seen.has(name)) continue;
      parts.push(encodeURIComponent(name) + '=' + encodeURIComponent(String(value)));
    }
  }
  return parts.join('&');
}

/**
 * A raw query from parameters that are still encoded as the client sent them (ALB): the values
 * are joined back without touching them.
 */
export function queryFromRawParams(single: Record<string, string | undefined> | null | undefined, multi?: Record<string, readonly string[] | undefined> | null): string {
  const parts: string[] = [];
  const source = multi ?? null;
  if (source) {
    for (const name in source) {
      const values = source[name];
      if (!Array.isArray(values)) continue;
      for (const value of values) parts.push(value === '' ? `${name}=` : `${name}=${value}`);
    }
    return parts.join('&');
  }
  if (single) {
    for (const name in single) {
      const value = single[name];
      if (value != null) parts.push(`${name}=${value}`);
    }
  }
  return parts.join('&');
}
