/**
 * What `adapt build --target gcf (and appengine)` injects into the bundle: core's lightweight `Headers`, `Request`,
 * `Response` and `fetch` as the bundle's own bindings (see @adapt/core's bundle-globals.ts), taken
 * through this package so that the bundle holds one copy of core.
 */
export { fetch, Headers, Request, Response } from '@adapt/core/bundle-globals';
