/**
 * `adapt start --target fastcgi`: runs server.mjs on its FastCGI socket in a child process, as the
 * systemd unit would, with the stage's env, and prints how to point the generated nginx site at
 * it. The socket is the `socket` setting when its folder can be written here, else fcgi.sock in
 * the build folder (the default /run/adapt-<app>/ needs root); `--port` (or the `port` setting)
 * serves on 127.0.0.1:<port> instead. Mode 666 locally: a front server's workers run as another
 * user. SIGINT and SIGTERM are passed on; the command exits when the app does.
 */
import { spawn } from 'node:child_process';
import { accessSync, constants, existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { AdaptError, type StartOptions, type TargetContext } from '@adapt/core';
import { watchOutput } from '@adapt/node/target';
import { fastcgiSettings } from './settings.js';

function writable(folder: string): boolean {
  try {
    accessSync(folder, constants.W_OK);
    return true;
  } catch {
    return false;
  }
}

export function startFastcgi(context: TargetContext, options: StartOptions): Promise<void> {
  const server = join(context.outDir, 'server.mjs');
  if (!existsSync(server)) {
    return Promise.reject(new AdaptError('NOT_BUILT', `${server} does not exist`, { hint: 'build it first: adapt build --target fastcgi' }));
  }
  const settings = fastcgiSettings(context);
  // --port or $PORT: TCP; the CLI's default 3000 comes in when neither is given, so only an explicit port counts
  const port = settings.port !== undefined || options.portGiven ? options.port : undefined;
  const socket = writable(dirname(settings.socket)) ? settings.socket : join(context.outDir, 'fcgi.sock');
  const where = port !== undefined ? { FCGI_PORT: String(port), FCGI_HOST: '127.0.0.1' } : { FCGI_SOCKET: socket, FCGI_SOCKET_MODE: '666' };
  const child = spawn(process.execPath, [server], {
    cwd: context.outDir,
    stdio: ['ignore', 'pipe', 'inherit'],
    env: { ...process.env, NODE_ENV: process.env.NODE_ENV ?? 'production', ...settings.env, ...where },
  });
  const sink = options.stdout === 'stderr' ? process.stderr : process.stdout;
  watchOutput(child.stdout!, sink, /serving FastCGI on (\S+)/, (match) => {
    const address = match[1]!;
    const configured = settings.port ? `127.0.0.1:${settings.port}` : `unix:${settings.socket}`;
    sink.write(
      address === configured
        ? `adapt: nginx-site.conf already points at it (server ${configured}): install it and reload nginx\n`
        : `adapt: to point nginx-site.conf at it, change "server ${configured};" in its upstream block to "server ${address};" (or set targets.fastcgi.${address.startsWith('unix:') ? 'socket' : 'port'} and rebuild)\n`,
    );
    options.onListening?.(address);
  });
  return new Promise<void>((resolve, reject) => {
    let signalled = false;
    const forward = (signal: NodeJS.Signals) => {
      signalled = true;
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
    };
    const signals: NodeJS.Signals[] = ['SIGINT', 'SIGTERM'];
    for (const signal of signals) process.on(signal, forward);
    const cleanup = () => {
      for (const signal of signals) process.off(signal, forward);
    };
    child.once('error', (error) => {
      cleanup();
      reject(new AdaptError('START_FAILED', `cannot start ${server}: ${error.message}`, { hint: 'check that node can run in this folder', cause: error }));
    });
    child.once('close', (code, signal) => {
      cleanup();
      if (code === 0 || signalled) return resolve();
      reject(
        new AdaptError('START_FAILED', `the FastCGI app exited with ${signal ? `signal ${signal}` : `code ${code}`}`, {
          hint: 'its own error is printed above; fix it, rebuild with adapt build --target fastcgi, and start again',
        }),
      );
    });
  });
}
