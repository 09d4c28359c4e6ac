/**
 * Request methods. Any HTTP token is a method a platform may deliver (TRACE, PROPFIND...); the
 * standard `Request` refuses CONNECT, TRACE and TRACK, so a fetch app cannot be given them while a
 * Node `(req, res)` handler can. An operator may refuse more with the `refuseMethods` setting.
 */
import { HttpError, badRequest } from './errors.js';
import { httpToken } from './token.js';

/** The methods the standard `Request` constructor throws on. */
export const fetchForbiddenMethods: ReadonlySet<string> = new Set(['CONNECT', 'TRACE', 'TRACK']);

/** Returns the method if it is a valid HTTP token; throws a 400 error otherwise. */
export function checkMethod(method: unknown): string {
  if (typeof method !== 'string' || !httpToken.test(method)) {
    const shown = typeof method === 'string' ? JSON.stringify(method.slice(0, 40)) : `of type ${method === null ? 'null' : typeof method}`;
    throw badRequest('BAD_METHOD', `method ${shown} is not a valid HTTP method`);
  }
  return method;
}

/** Throws a 405 for a method a fetch app cannot be given (the standard `Request` refuses it). */
export function checkFetchMethod(method: string): string {
  if (method === 'GET' || method === 'POST' || method === 'HEAD') return method; // most requests: no upper-casing
  if (fetchForbiddenMethods.has(method.toUpperCase())) {
    throw new HttpError(405, 'BAD_METHOD', `method ${method} is not supported: a fetch Request cannot carry it (a fromNodeHandler app can)`);
  }
  return method;
}

/**
 * The `refuseMethods` setting, checked: a list of method names answered 405 before the app runs.
 * Throws a TypeError naming the bad entry.
 */
export function methodRefusal(list: unknown): ((method: string) => void) | undefined {
  if (list === undefined || list === null) return undefined;
  if (!Array.isArray(list) || list.some((m) => typeof m !== 'string' || !httpToken.test(m))) {
    throw new TypeError(`adapt: refuseMethods must be a list of method names, such as ["TRACE"]; got ${JSON.stringify(list)}`);
  }
  if (list.length === 0) return undefined;
  const refused = new Set(list.map((m: string) => m.toUpperCase()));
  return (method) => {
    if (refused.has(method.toUpperCase())) throw new HttpError(405, 'BAD_METHOD', `method ${method} is refused (refuseMethods)`);
  };
}
