/**
 * @adapt/iisnode: run an adapt app under IIS through iisnode (and so on Azure App Service on
 * Windows), or behind HttpPlatformHandler.
 *
 *     import { serveIisnode } from '@adapt/iisnode';
 *     import app from './app.js';
 *     await serveIisnode(app, { basePath: '/app' });   // listens on the pipe iisnode puts in PORT
 */
export { serveIisnode, iisnodeApp, type IisnodeContext, type IisnodeOptions, type IisnodeRaw } from './serve-iisnode.js';
export { iisnodeListenTarget, type ListenTarget } from './pipe.js';
export { normalizeBasePath, stripBasePath } from './base-path.js';
export { iisnodeClientAddress, promotedNames, readIisnodeHead, type IisnodeHead } from './headers.js';
