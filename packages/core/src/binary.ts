/**
 * Whether a body travels as text or as base64 through platforms whose results are JSON
 * (Lambda, Lattice). The rule: any content-encoding but identity means bytes; otherwise the
 * content-type decides; no content-type with a body means bytes.
 */
import { badRequest } from './errors.js';

const textEssences = new Set([
  'application/json',
  'application/ld+json',
  'application/javascript',
  'application/ecmascript',
  'application/xml',
  'application/xhtml+xml',
  'application/x-www-form-urlencoded',
  'application/graphql',
  'application/x-ndjson',
  'application/yaml',
  'application/x-yaml',
  'application/toml',
  'application/sql',
  'application/csv',
  'image/svg+xml',
]);

/** The default text rule: text/*, JSON, XML and their `+json` / `+xml` suffixes, and a few more. */
export function defaultIsTextContentType(contentType: string): boolean {
  const essence = mediaTypeEssence(contentType);
  if (!essence) return false;
  if (essence.startsWith('text/')) return true;
  if (textEssences.has(essence)) return true;
  return essence.endsWith('+json') || essence.endsWith('+xml') || essence.endsWith('+yaml');
}

export interface BinaryRuleOptions {
  /** Decides text content types; defaults to `defaultIsTextContentType`. */
  isTextContentType?: (contentType: string) => boolean;
}

/** True when a body with these headers must travel base64-encoded. */
export function isBinaryBody(contentType: string | null | undefined, contentEncoding: string | null | undefined, options: BinaryRuleOptions = {}): boolean {
  if (contentEncoding) {
    const encoding = contentEncoding.trim().toLowerCase();
    if (encoding && encoding !== 'identity') return true;
  }
  if (!contentType) return true;
  return !(options.isTextContentType ?? defaultIsTextContentType)(contentType);
}

/** `Text/HTML; charset=UTF-8` -> `text/html`. */
export function mediaTypeEssence(contentType: string): string {
  const semicolon = contentType.indexOf(';');
  return (semicolon === -1 ? contentType : contentType.slice(0, semicolon)).trim().toLowerCase();
}

/** Bytes to standard base64 (Buffer, never btoa). */
export function encodeBase64(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');
}

const base64Shape = /^[A-Za-z0-9+/\-_]*={0,2}$/;

/**
 * Base64 (standard or URL-safe, padding optional) to bytes. Buffer silently skips characters
 * that are not base64; this refuses them with a 400 `BAD_BODY` error instead.
 */
export function decodeBase64(text: string): Uint8Array {
  const compact = text.includes('\n') || text.includes('\r') ? text.replace(/[\r\n]/g, '') : text;
  if (!base64Shape.test(compact) || compact.length % 4 === 1) {
    throw badRequest('BAD_BODY', 'the body is flagged as base64 but is not valid base64');
  }
  const buffer = Buffer.from(compact, 'base64');
  return new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);
}
