/**
 * @adapt/fastcgi: an adapt app behind nginx, Apache or lighttpd. `serveFastcgi(app)` speaks the
 * FastCGI 1.0 responder role; `runCgi(app)` answers one CGI request.
 */
export { serveFastcgi, type FastcgiOptions, type FastcgiServer } from './serve.js';
export { runCgi, type CgiOptions } from './cgi.js';
export { defaultBodyLimit, type FastcgiRaw, type HandlerOptions } from './handler.js';
