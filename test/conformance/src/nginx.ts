/**
 * A real nginx (Debian's nginx-light) for tests: its own prefix in a temp folder, one included
 * site file, checked with `nginx -t`, run in the foreground until `stop()`.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { connect, createServer, type AddressInfo } from 'node:net';
import { join } from 'node:path';

/** A port that was free on 127.0.0.1 a moment ago. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    });
    server.once('error', reject);
  });
}

export interface RunningNginx {
  /** What nginx wrote to stderr so far. */
  log(): string;
  stop(): Promise<void>;
}

/**
 * Starts nginx with `site` (a file holding `server { listen 127.0.0.1:<port>; ... }`) under `dir`.
 * `user`: the workers' user when run as root (nginx's default is nobody), as Debian's `user www-data;`.
 */
export async function startNginx(dir: string, site: string, port: number, options: { user?: string } = {}): Promise<RunningNginx> {
  mkdirSync(join(dir, 'tmp'), { recursive: true });
  mkdirSync(join(dir, 'logs'), { recursive: true });
  const config = join(dir, 'nginx.conf');
  writeFileSync(
    config,
    `${options.user && process.getuid?.() === 0 ? `user ${options.user};\n` : ''}worker_processes 1;
pid ${dir}/nginx.pid;
error_log ${dir}/logs/error.log warn;
events { worker_connections 256; }
http {
  include /etc/nginx/mime.types;
  default_type application/octet-stream;
  access_log off;
  client_body_temp_path ${dir}/tmp/body;
  proxy_temp_path ${dir}/tmp/proxy;
  fastcgi_temp_path ${dir}/tmp/fastcgi;
  uwsgi_temp_path ${dir}/tmp/uwsgi;
  scgi_temp_path ${dir}/tmp/scgi;
  include ${site};
}
`,
  );
  const args = ['-p', dir, '-e', `${dir}/logs/error.log`, '-c', config];
  execFileSync('nginx', [...args, '-t'], { stdio: 'pipe' });
  const nginx = spawn('nginx', [...args, '-g', 'daemon off;'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let log = '';
  nginx.stderr!.on('data', (chunk) => (log += chunk));
  await waitForPort(port, nginx, () => log);
  return {
    log: () => log,
    async stop() {
      if (nginx.exitCode !== null) return;
      nginx.kill('SIGQUIT');
      await new Promise((resolve) => nginx.once('exit', resolve));
    },
  };
}

async function waitForPort(port: number, nginx: ChildProcess, log: () => string): Promise<void> {
  for (let attempt = 0; attempt < 400; attempt++) {
    if (nginx.exitCode !== null) throw new Error(`nginx exited with ${nginx.exitCode}: ${log()}`);
    const open = await new Promise<boolean>((resolve) => {
      const socket = connect(port, '127.0.0.1', () => {
        socket.destroy();
        resolve(true);
      }).once('error', () => resolve(false));
    });
    if (open) return;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error(`nginx did not listen on ${port}: ${log()}`);
}
