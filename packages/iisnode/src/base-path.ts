/**
 * The application's virtual directory. With URL Rewrite in front, the request line carries the
 * original URL, virtual directory included (`/app/items?x=1`); IIS matches the directory without
 * regard to case, and so does this.
 */

/** `'/app'` from `'app'`, `'/app/'` or `'/APP'` as written; `''` for the site root. Throws on a value that is not a path. */
export function normalizeBasePath(value: string | undefined): string {
  if (value === undefined) return '';
  if (typeof value !== 'string' || /[?#\\\s%]/.test(value)) {
    throw new TypeError(`adapt: option "basePath" must be a URL path such as "/app" (no query, backslash, space or %-escape); got ${JSON.stringify(value)}`);
  }
  const trimmed = value.replace(/^\/+/, '').replace(/\/+$/, '');
  return trimmed === '' ? '' : `/${trimmed}`;
}

/**
 * The request target with the base path removed, or undefined when the target lies outside it.
 * `basePath` comes from `normalizeBasePath`.
 *
 * @example
 * stripBasePath('/APP/Items?x=1', '/app');  // '/Items?x=1'
 * stripBasePath('/app', '/app');            // '/'
 * stripBasePath('/application', '/app');    // undefined
 */
export function stripBasePath(target: string, basePath: string): string | undefined {
  if (basePath === '') return target;
  const query = target.indexOf('?');
  const path = query === -1 ? target : target.slice(0, query);
  const rest = query === -1 ? '' : target.slice(query);
  if (path.length < basePath.length) return undefined;
  const head = path.slice(0, basePath.length);
  if (head !== basePath && head.toLowerCase() !== basePath.toLowerCase()) return undefined;
  if (path.length === basePath.length) return `/${rest}`;
  if (path.charCodeAt(basePath.length) !== 47 /* / */) return undefined;
  return path.slice(basePath.length) + rest;
}
