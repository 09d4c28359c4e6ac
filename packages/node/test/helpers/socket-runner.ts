/** The conformance runner for Node: each case goes over a real socket to `serve()`. */
import type { App } from '@adapt/core';
import type { Runner } from '@adapt/conformance';
import { serve, type ServeOptions } from '../../src/index.js';
import { send } from '@adapt/conformance/http';

export async function createSocketRunner(app: App, options: { name?: string; serve?: ServeOptions } = {}): Promise<Runner> {
  const server = await serve(app, { port: 0, host: '127.0.0.1', handleSignals: false, ...options.serve });
  return {
    name: options.name ?? 'node (socket)',
    deliver: (request) => send(server.url, request.path, { method: request.method, headers: request.headers, body: request.body }),
    close: () => server.close(),
  };
}
