/**
 * The lightweight `Headers`, `Request`, `Response` and `fetch` as a bundle's own bindings.
 * `adapt build` injects this module into a bundle that holds all of an app's code (esbuild's
 * `inject`): every bare `Response`, `new Headers()` or `fetch(...)` in the bundle then refers to
 * these from the start, and installing the lightweight classes at run time has no script-level
 * binding left to declare (standard-classes.ts), which saves a cold start node:vm and a compile,
 * about 1 ms. Everything else is as with the run-time install: `globalThis.Response` stays Node's
 * until something needs the standard classes, then becomes the lightweight class too.
 *
 * Code outside the bundle (a package left external) sees the global classes, not these, so a
 * target injects this module only when nothing of the app's is left out.
 */
import { lightweightHeadersClass } from './lightweight-headers.js';
import { lightweightFetchFunction, lightweightRequestClass } from './lightweight-request.js';
import { lightweightResponseClass } from './lightweight-response.js';
import { bindAtBuild } from './standard-classes.js';

bindAtBuild(['Headers', 'Request', 'Response', 'fetch']);

export const Headers = lightweightHeadersClass();
export const Request = lightweightRequestClass();
export const Response = lightweightResponseClass();
export const fetch = lightweightFetchFunction();
