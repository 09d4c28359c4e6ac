/**
 * Header lists <-> `Headers`. Platforms give headers as records, multi-value records or pair
 * lists; they want them back the same ways, with every Set-Cookie kept apart.
 */
import { badRequest } from './errors.js';
import { splitSetCookie } from './cookies.js';
import { httpToken } from './token.js';

export type HeaderRecord = Record<string, string | undefined>;
export type MultiHeaderRecord = Record<string, readonly string[] | undefined>;
export type HeaderPairs = ReadonlyArray<readonly [string, string]>;


/** Throws a 400 `BAD_HEADER` error unless `name` is an RFC 9110 token. */
export function assertHeaderName(name: string): void {
  if (!httpToken.test(name)) {
    throw badRequest('BAD_HEADER', `header name ${JSON.stringify(name)} is not a valid HTTP token`);
  }
}

/**
 * Returns the value as a byte string a `Headers` accepts. CR, LF and NUL are refused with a 400
 * `BAD_HEADER` error (they would split or truncate the header). A value holding non-ASCII text
 * (platforms that deliver JSON events decode the wire bytes as UTF-8) is turned back into its
 * UTF-8 bytes, one character per byte: exactly what Node's HTTP parser shows for the same bytes
 * on a socket, so an app sees one header value whatever the target.
 */
export function headerValueToBytes(name: string, value: string): string {
  for (let i = 0; i < value.length; i++) {
    const code = value.charCodeAt(i);
    if (code === 10 || code === 13 || code === 0) {
      throw badRequest('BAD_HEADER', `header ${JSON.stringify(name)} holds a CR, LF or NUL character`);
    }
  }
  // eslint-disable-next-line no-control-regex
  return /[^\x00-\x7f]/.test(value) ? Buffer.from(value, 'utf8').toString('latin1') : value;
}

/** Appends one header, validated. */
export function appendHeader(headers: Headers, name: string, value: string): void {
  assertHeaderName(name);
  headers.append(name, headerValueToBytes(name, value));
}

/**
 * Builds `Headers` from a platform's records. Where both are given, a name present in `multi`
 * takes its values from there (Lambda v1 and ALB send both, and only the multi-value form keeps
 * repeats). A Set-Cookie found joined in a single-value record is split back into cookies.
 */
export function headersFromRecords(single: HeaderRecord | null | undefined, multi?: MultiHeaderRecord | null): Headers {
  const headers = new Headers();
  const seen = new Set<string>();
  if (multi) {
    for (const name in multi) {
      const values = multi[name];
      if (!Array.isArray(values)) continue;
      seen.add(name.toLowerCase());
      for (const value of values) if (value != null) appendHeader(headers, name, String(value));
    }
  }
  if (single) {
    for (const name in single) {
      const value = single[name];
      if (value == null || seen.has(name.toLowerCase())) continue;
      if (name.toLowerCase() === 'set-cookie') {
        for (const cookie of splitSetCookie(String(value))) appendHeader(headers, name, cookie);
      } else {
        appendHeader(headers, name, String(value));
      }
    }
  }
  return headers;
}

/** Builds `Headers` from a flat list of pairs, keeping repeats. */
export function headersFromPairs(pairs: HeaderPairs): Headers {
  const headers = new Headers();
  for (const [name, value] of pairs) appendHeader(headers, name, value);
  return headers;
}

/** Headers to a single-value record: repeats joined with `, `, Set-Cookie left out. */
export function headersToRecord(headers: Headers): Record<string, string> {
  const record: Record<string, string> = {};
  headers.forEach((value, name) => {
    if (name !== 'set-cookie') record[name] = value;
  });
  return record;
}

/** Headers to a multi-value record, each Set-Cookie its own entry. */
export function headersToMultiRecord(headers: Headers): Record<string, string[]> {
  const record: Record<string, string[]> = {};
  headers.forEach((value, name) => {
    if (name !== 'set-cookie') record[name] = [value];
  });
  const cookies = headers.getSetCookie();
  if (cookies.length > 0) record['set-cookie'] = cookies;
  return record;
}

/** Headers to pairs in iteration order (each Set-Cookie separate). */
export function headersToPairs(headers: Headers): Array<[string, string]> {
  return [...headers];
}

/** Hop-by-hop headers that an adapter must not pass between a connection and a platform. */
export const hopByHopHeaders: ReadonlySet<string> = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'transfer-encoding',
  'te',
  'trailer',
  'upgrade',
]);
