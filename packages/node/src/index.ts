/**
 * @adapt/node: run an adapt app on a plain Node server.
 *
 *     import { serve } from '@adapt/node';
 *     import app from './app.js';
 *     const server = await serve(app);   // PORT or 3000, HOST or 0.0.0.0
 */
export { serve } from './serve.js';
export type { ServerHandle } from './server-handle.js';
export { createListener, type NodeRaw, type RequestListener } from './listener.js';
export {
  defaultBodyLimit,
  defaultHeadersTimeout,
  defaultKeepAliveTimeout,
  defaultMaxHeaderSize,
  defaultRequestTimeout,
  defaultShutdownTimeout,
  resolveOptions,
  type ListenerOptions,
  type ServeOptions,
} from './options.js';
export { createStaticHandler, defaultIsImmutable, type StaticHandler, type StaticOptions } from './static.js';
export { mimeType, mimeTypes } from './mime.js';
/** The port rule of @adapt/core, for the generated server entry (which imports only @adapt/node). */
export { parsePort } from '@adapt/core';
