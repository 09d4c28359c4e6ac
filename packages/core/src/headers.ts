/**
 * Headers a platform hands over as data (Lambda's records, in `lambda/src/events/_shared.ts`),
 * appended one by one through `appendHeader`: a name must be an HTTP token, a value must hold no
 * CR, LF or NUL, and text a JSON event decoded as UTF-8 goes back to its bytes. (Node's parser
 * has checked its raw list already: `headersFromFlatList`.) Also the hop-by-hop list no target
 * passes on.
 */
import { badRequest } from './errors.js';
import { appendPlainHeader } from './lightweight-headers.js';
import { httpToken } from './token.js';

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
  if (appendPlainHeader(headers, name, value)) return; // the common header, checked once
  assertHeaderName(name);
  headers.append(name, headerValueToBytes(name, value));
}

/** Hop-by-hop headers that an adapter must not pass between a connection and a platform. */
export const hopByHopHeaders: ReadonlySet<string> = new Set(['connection', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'te', 'trailer', 'upgrade']);

// one bit per length those names have: most names have another, and that check costs less than a hash lookup
const hopByHopLengths = [...hopByHopHeaders].reduce((bits, name) => bits | (1 << name.length), 0);

/** Whether a lower-case header name is hop-by-hop (in `hopByHopHeaders`), checked per answer by every adapter. */
export function isHopByHop(lowerName: string): boolean {
  const length = lowerName.length;
  return length < 31 && ((hopByHopLengths >>> length) & 1) === 1 && hopByHopHeaders.has(lowerName);
}
