/** Request methods: the standard `Request` refuses some, so adapters check first. */
import { HttpError, badRequest } from './errors.js';
import { httpToken } from './token.js';

const forbidden = new Set(['CONNECT', 'TRACE', 'TRACK']);

/** Returns the method as `Request` will hold it; throws a 400/405 error for one it cannot. */
export function checkMethod(method: unknown): string {
  if (typeof method !== 'string' || !httpToken.test(method)) {
    const shown = typeof method === 'string' ? JSON.stringify(method.slice(0, 40)) : `of type ${method === null ? 'null' : typeof method}`;
    throw badRequest('BAD_METHOD', `method ${shown} is not a valid HTTP method`);
  }
  if (forbidden.has(method.toUpperCase())) {
    throw new HttpError(405, 'BAD_METHOD', `method ${method} is not supported`);
  }
  return method;
}
