/** Fixed payloads shared by the battery's apps and its cases, so expected bytes are exact. */

/** Every byte value once, 0 to 255. */
export const allBytes = Uint8Array.from({ length: 256 }, (_, i) => i);

/** A valid 1x1 transparent PNG. */
export const png = Uint8Array.from(
  Buffer.from('89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d4944415478da63f8ffff3f0005fe02fea7d6a4f30000000049454e44ae426082', 'hex'),
);

/** `{"hello":"world","n":1}` compressed with gzip (fixed bytes: mtime 0). */
export const gzipJson = Uint8Array.from(Buffer.from('1f8b0800000000000000ab56ca48cdc9c957b2522acf2fca4951d251ca53b232ac050000b64bd117000000', 'hex'));
export const gzipJsonText = '{"hello":"world","n":1}';

export const unicodeText = 'héllo wörld ☃ 🚀\n';
export const svg = '<svg xmlns="http://www.w3.org/2000/svg" width="1" height="1"><rect width="1" height="1"/></svg>\n';

export const threeCookies = ['a=1; Path=/', 'b=2; Expires=Wed, 21 Oct 2026 07:28:00 GMT; HttpOnly', 'c=3; Path=/; Secure; SameSite=Lax'];

/** The body of `/stream?chunks=N&size=S`: chunk i is S bytes of the letter 'a' + (i mod 26). */
export function streamChunk(index: number, size: number): Uint8Array<ArrayBuffer> {
  return new Uint8Array(size).fill(97 + (index % 26));
}

/** The body of `/large?size=N`: a repeating, position-dependent text pattern. */
export function largeBody(size: number): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(size);
  const alphabet = 'abcdefghijklmnopqrstuvwxyz0123456789';
  for (let i = 0; i < size; i++) out[i] = alphabet.charCodeAt((i * 7 + (i >> 10)) % alphabet.length);
  return out;
}

export const etag = '"v1-battery"';
