/**
 * Where iisnode (or HttpPlatformHandler) tells the app to listen, from `PORT`: a Windows named pipe
 * (`\\.\pipe\<guid>`, what iisnode sets), a unix socket path (to run the same build on Linux), or a
 * plain port (HttpPlatformHandler's `%HTTP_PLATFORM_PORT%`). The one place `PORT` is read.
 */
import { parsePort } from '@adapt/core';

export type ListenTarget = { path: string; port?: undefined } | { port: number; path?: undefined };

const namedPipe = /^(?:\\\\|\/\/)[.?](?:\\|\/)pipe(?:\\|\/)[^\\/]+/i;

/**
 * Parses a `PORT` value; throws a TypeError naming the value and what it must be.
 *
 * @example
 * iisnodeListenTarget('\\\\.\\pipe\\a1b2c3');   // { path: '\\\\.\\pipe\\a1b2c3' }
 * iisnodeListenTarget('/run/app.sock');          // { path: '/run/app.sock' }
 * iisnodeListenTarget('8080');                   // { port: 8080 }
 */
export function iisnodeListenTarget(value: string | undefined, name = 'PORT'): ListenTarget {
  if (value === undefined || value.trim() === '') {
    throw new TypeError(
      `adapt: environment variable ${name} is not set. iisnode sets it to a named pipe (\\\\.\\pipe\\<guid>); ` +
        `outside IIS set ${name} to a port (${name}=3000) or a unix socket path (${name}=/tmp/app.sock).`,
    );
  }
  if (namedPipe.test(value)) return { path: value };
  const port = parsePort(value);
  if (port !== undefined) return { port };
  if (value.startsWith('/') || value.startsWith('./') || value.startsWith('../')) {
    if (!/[\0\r\n]/.test(value)) return { path: value };
  }
  throw new TypeError(
    `adapt: environment variable ${name} is ${JSON.stringify(value.slice(0, 200))}, which is neither a named pipe (\\\\.\\pipe\\<name>), ` +
      `a unix socket path (/path/to/app.sock) nor a port (0 to 65535). Under iisnode do not set ${name} yourself (iisnode sets it); ` +
      `elsewhere set it to a port or a socket path.`,
  );
}
