/**
 * Set-Cookie needs care: its values may hold commas (`Expires=Wed, 21 Oct 2026 ...`), so
 * several cookies must never be joined into one header and split again on every comma.
 */

/**
 * Splits a header that several Set-Cookie values were joined into (by a proxy or a framework)
 * back into cookies. A comma separates two cookies only where what follows looks like the
 * start of a new `name=value`; the comma inside an Expires date does not.
 */
export function splitSetCookie(joined: string): string[] {
  const cookies: string[] = [];
  let start = 0;
  let i = 0;
  while (i < joined.length) {
    if (joined.charCodeAt(i) === 44 /* , */ && startsCookie(joined, i + 1)) {
      const cookie = joined.slice(start, i).trim();
      if (cookie) cookies.push(cookie);
      start = i + 1;
    }
    i++;
  }
  const last = joined.slice(start).trim();
  if (last) cookies.push(last);
  return cookies;
}

/** True when `text` at `from` is optional spaces, a token, then `=`: a new cookie begins. */
function startsCookie(text: string, from: number): boolean {
  let i = from;
  while (i < text.length && (text[i] === ' ' || text[i] === '\t')) i++;
  const tokenStart = i;
  while (i < text.length && isCookieNameChar(text.charCodeAt(i))) i++;
  return i > tokenStart && text[i] === '=';
}

function isCookieNameChar(code: number): boolean {
  // token characters of RFC 9110, minus the separators a cookie name cannot hold
  return code > 32 && code < 127 && !'()<>@,;:\\"/[]?={} '.includes(String.fromCharCode(code));
}

/** Joins request cookies (Lambda v2's `cookies` array) into one Cookie header. */
export function joinCookies(cookies: readonly string[]): string {
  return cookies.join('; ');
}
