/**
 * A real nginx in front of `serveFastcgi()`: `fastcgi_pass` through an upstream with keepalive
 * (`fastcgi_keep_conn on`), to a unix socket or a TCP port, on loopback.
 */
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { App } from '@adapt/core';
import type { Runner } from '@adapt/conformance';
import { send } from '@adapt/conformance/http';
import { freePort, startNginx } from '@adapt/conformance/nginx';
import { serveFastcgi, type FastcgiOptions } from '../../src/index.js';

/**
 * The params nginx sends: Debian's fastcgi_params, except HTTP_HOST, which it sets to `$host`
 * (the port dropped). Without a fastcgi_param of that name, nginx passes the client's Host.
 */
export const nginxParams = `
    fastcgi_param QUERY_STRING $query_string;
    fastcgi_param REQUEST_METHOD $request_method;
    fastcgi_param CONTENT_TYPE $content_type;
    fastcgi_param CONTENT_LENGTH $content_length;
    fastcgi_param SCRIPT_NAME $fastcgi_script_name;
    fastcgi_param REQUEST_URI $request_uri;
    fastcgi_param DOCUMENT_URI $document_uri;
    fastcgi_param SERVER_PROTOCOL $server_protocol;
    fastcgi_param REQUEST_SCHEME $scheme;
    fastcgi_param HTTPS $https if_not_empty;
    fastcgi_param GATEWAY_INTERFACE CGI/1.1;
    fastcgi_param SERVER_SOFTWARE nginx/$nginx_version;
    fastcgi_param REMOTE_ADDR $remote_addr;
    fastcgi_param REMOTE_PORT $remote_port;
    fastcgi_param SERVER_ADDR $server_addr;
    fastcgi_param SERVER_PORT $server_port;
    fastcgi_param SERVER_NAME $server_name;`;

export interface NginxFastcgi {
  origin: string;
  port: number;
  stop(): Promise<void>;
}

export async function startNginxFastcgi(app: App, mode: 'unix' | 'tcp', options: FastcgiOptions = {}): Promise<NginxFastcgi> {
  const dir = mkdtempSync(join(tmpdir(), 'adapt-fcgi-nginx-'));
  chmodSync(dir, 0o755); // the workers must reach the socket inside
  const port = await freePort();
  const socket = join(dir, 'app.sock');
  // nginx's workers run as an unprivileged user: the socket is open to them
  const server = mode === 'unix' ? await serveFastcgi(app, { ...options, socket, socketMode: 0o666 }) : await serveFastcgi(app, { ...options, port: 0 });
  const site = join(dir, 'site.conf');
  writeFileSync(
    site,
    `upstream adapt_fastcgi {
  server ${mode === 'unix' ? `unix:${socket}` : `127.0.0.1:${server.port}`};
  keepalive 8;
}
server {
  listen 127.0.0.1:${port};
  client_max_body_size 20m;
  location / {${nginxParams}
    fastcgi_pass adapt_fastcgi;
    fastcgi_keep_conn on;
    fastcgi_buffering off;
    fastcgi_request_buffering off;
  }
}
`,
  );
  const nginx = await startNginx(join(dir, 'nginx'), site, port);
  return {
    origin: `http://127.0.0.1:${port}`,
    port,
    async stop() {
      await nginx.stop();
      await server.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export async function createNginxRunner(app: App, mode: 'unix' | 'tcp', name: string): Promise<Runner> {
  const front = await startNginxFastcgi(app, mode);
  return {
    name,
    deliver: (request) => send(front.origin, request.path, { method: request.method, headers: request.headers, body: request.body }),
    close: () => front.stop(),
  };
}
