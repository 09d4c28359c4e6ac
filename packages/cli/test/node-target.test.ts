/**
 * The classic deployment, generated and run for real: `adapt build --target node` writes the bundle,
 * unit and nginx site; `adapt start` runs the bundle; a real nginx with the generated site serves the
 * static folder and proxies the rest, and the app sees the client's URL through X-Forwarded-*.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, startNginx, type RunningNginx } from '@adapt/conformance/nginx';
import { send } from '@adapt/conformance/http';
import { requireComponent } from '../../../test/components.js';
import { CliProcess, runCli, tempProject, type TempProject } from './helpers.js';

const app = `import { defineApp } from '@adapt/core';
export default defineApp({
  fetch(request, context) {
    return Response.json({ url: request.url, remote: context.remoteAddress, greeting: context.env.GREETING, platform: context.platform });
  },
});
`;

const body = (answer: { body: Uint8Array }) => Buffer.from(answer.body).toString('utf8');

describe('adapt build --target node', () => {
  let project: TempProject;
  let appPort: number;
  let nginxPort: number;
  let outDir: string;

  beforeAll(async () => {
    [appPort, nginxPort] = [await freePort(), await freePort()];
    project = tempProject(
      {
        'package.json': JSON.stringify({ name: '@acme/chain', type: 'module' }),
        'src/app.ts': app,
        'public/robots.txt': 'User-agent: *\n',
        'public/assets/logo.4f3a2b1c.svg': '<svg/>',
        'adapt.config.ts': '',
      },
      { linkModules: true },
    );
    outDir = join(project.dir, '.adapt/node');
    project.write(
      'adapt.config.ts',
      `import { defineConfig } from '@adapt/core';
export default defineConfig({
  static: 'public',
  bodyLimit: 2048,
  env: { GREETING: 'hello from config' },
  stages: { prod: { env: { GREETING: 'hello from prod' } } },
  targets: { node: { port: ${appPort}, installDir: ${JSON.stringify(outDir)}, listen: '127.0.0.1:${nginxPort}', stopTimeout: 15 } },
});
`,
    );
    const build = await runCli(['build', '--target', 'node', '--stage', 'prod', '--json'], { cwd: project.dir });
    expect(build.code, build.stderr).toBe(0);
  });
  afterAll(() => project?.remove());

  it('writes the bundle, a minimal package.json, the static folder, a systemd unit and an nginx site', () => {
    expect(JSON.parse(readFileSync(join(outDir, 'package.json'), 'utf8'))).toEqual({
      name: 'chain',
      private: true,
      type: 'module',
      engines: { node: '>=20' },
      scripts: { start: 'node server.mjs' },
    });
    expect(readFileSync(join(outDir, 'static/assets/logo.4f3a2b1c.svg'), 'utf8')).toBe('<svg/>');
    const unit = readFileSync(join(outDir, 'adapt-chain.service'), 'utf8').split('\n');
    expect(unit).toEqual(
      expect.arrayContaining([`ExecStart=/usr/bin/node ${outDir}/server.mjs`, `Environment="PORT=${appPort}"`, 'Environment="GREETING=hello from prod"', 'TimeoutStopSec=15']),
    );
    const site = readFileSync(join(outDir, 'nginx-site.conf'), 'utf8');
    expect(site).toContain(`server 127.0.0.1:${appPort};`);
    expect(site).toContain(`root ${outDir}/static;`);
    expect(site).toContain('client_max_body_size 2048;');
  });

  it('ships only the runtime: no build-time code in server.mjs', () => {
    const bundle = readFileSync(join(outDir, 'server.mjs'), 'utf8');
    for (const buildTime of ['NoNewPrivileges', 'proxy_pass', 'commander', 'esbuild', '@aws-sdk']) expect(bundle).not.toContain(buildTime);
  });

  it('builds the same bytes every time', async () => {
    const before = ['server.mjs', 'package.json', 'adapt-chain.service', 'nginx-site.conf'].map((file) => readFileSync(join(outDir, file)));
    const again = await runCli(['build', '--target', 'node', '--stage', 'prod'], { cwd: project.dir });
    expect(again.code).toBe(0);
    const after = ['server.mjs', 'package.json', 'adapt-chain.service', 'nginx-site.conf'].map((file) => readFileSync(join(outDir, file)));
    expect(after.map((bytes, index) => bytes.equals(before[index]))).toEqual([true, true, true, true]);
  });

  it('the bundle needs nothing beside it: it runs from a folder with no node_modules', async () => {
    const { cpSync, mkdtempSync, rmSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const alone = mkdtempSync(join(tmpdir(), 'adapt-alone-'));
    cpSync(outDir, alone, { recursive: true });
    const server = spawn(process.execPath, [join(alone, 'server.mjs')], { env: { ...process.env, PORT: '0', HOST: '127.0.0.1' }, stdio: ['ignore', 'pipe', 'pipe'] });
    try {
      const origin = await new Promise<string>((resolve, reject) => {
        let out = '';
        server.stdout!.on('data', (chunk) => {
          out += chunk;
          const match = /listening on (http:\/\/\S+)/.exec(out);
          if (match) resolve(match[1]);
        });
        server.once('exit', (code) => reject(new Error(`exited ${code}`)));
      });
      expect(JSON.parse(body(await send(origin, '/x')))).toMatchObject({ platform: 'node' });
      expect(body(await send(origin, '/robots.txt'))).toBe('User-agent: *\n');
    } finally {
      server.kill('SIGTERM');
      await new Promise((resolve) => server.once('exit', resolve));
      rmSync(alone, { recursive: true, force: true });
    }
  });

  it("adapt start --json: stdout is one JSON document with the URL; the server's own lines go to stderr", async () => {
    const server = new CliProcess(['start', '--json', '--port', '0', '--stage', 'prod'], { cwd: project.dir });
    try {
      const [, url] = await server.waitFor(/"url": "(http:[^"]+)"/);
      expect(JSON.parse(body(await send(url, '/hi'))).greeting).toBe('hello from prod');
      expect(await server.stop('SIGINT')).toBe(0);
      expect(JSON.parse(server.stdout)).toEqual({ ok: true, target: 'node', url, outDir });
      expect(server.stderr).toContain(`adapt: chain listening on ${url}`);
    } finally {
      await server.stop();
    }
  });

  it('WORKERS=2 runs a cluster that announces itself once', async () => {
    const port = await freePort();
    const server = spawn(process.execPath, [join(outDir, 'server.mjs')], {
      env: { ...process.env, PORT: String(port), HOST: '127.0.0.1', WORKERS: '2' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    server.stdout!.on('data', (chunk) => (out += chunk));
    try {
      for (let attempt = 0; attempt < 400 && !out.includes('listening on'); attempt++) await new Promise((resolve) => setTimeout(resolve, 25));
      const answers = await Promise.all([1, 2, 3, 4].map(() => send(`http://127.0.0.1:${port}`, '/w')));
      expect(answers.map((answer) => answer.status)).toEqual([200, 200, 200, 200]);
    } finally {
      server.kill('SIGTERM');
      await new Promise((resolve) => server.once('exit', resolve));
    }
    expect(out.match(/listening on/g)).toHaveLength(1);
  });

  it('refuses a bad environment variable at startup, naming it', () => {
    const result = spawnSync(process.execPath, [join(outDir, 'server.mjs')], { env: { ...process.env, PORT: 'eighty' }, encoding: 'utf8' });
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('adapt: PORT must be an integer from 0 to 65535, got "eighty"');
  });

  describe('behind the generated nginx site, run by adapt start', () => {
    const nginxHere = requireComponent('nginx');
    let server: CliProcess;
    let nginx: RunningNginx;
    const origin = () => `http://127.0.0.1:${nginxPort}`;

    beforeAll(async () => {
      if (!nginxHere) return;
      // The unit sets TRUST_PROXY=1 because nginx is in front; adapt start takes the env it is given.
      server = new CliProcess(['start', '--target', 'node', '--stage', 'prod'], { cwd: project.dir, env: { TRUST_PROXY: '1' } });
      await server.waitFor(new RegExp(`listening on http://127.0.0.1:${appPort}`));
      nginx = await startNginx(join(project.dir, 'nginx'), join(outDir, 'nginx-site.conf'), nginxPort);
    });

    afterAll(async () => {
      await nginx?.stop();
      await server?.stop();
    });

    it('nginx serves the static files itself', async () => {
      const answer = await send(origin(), '/assets/logo.4f3a2b1c.svg');
      expect(answer.status).toBe(200);
      expect(answer.headers.get('content-type')).toBe('image/svg+xml');
      expect(answer.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
      expect(body(answer)).toBe('<svg/>');
    });

    it('the app answers the rest and sees the URL and address the client used', async () => {
      const answer = await send(origin(), '/api/whoami?x=1&x=2', { headers: [['x-forwarded-for', '6.6.6.6']] });
      expect(answer.status).toBe(200);
      expect(JSON.parse(body(answer))).toEqual({ url: `http://127.0.0.1:${nginxPort}/api/whoami?x=1&x=2`, remote: '127.0.0.1', greeting: 'hello from prod', platform: 'node' });
    });

    it('a body over bodyLimit is refused with 413', async () => {
      const answer = await send(origin(), '/upload', { method: 'POST', body: 'x'.repeat(4096) });
      expect(answer.status).toBe(413);
    });

    it('adapt start forwards SIGTERM: the server drains and both exit with 0', async () => {
      expect(await server.stop('SIGTERM')).toBe(0);
      expect(server.stderr).toContain('SIGTERM');
    });
  });
});

describe('adapt start', () => {
  it('without a build says how to make one', async () => {
    const project = tempProject({ 'src/app.ts': app }, { linkModules: true });
    try {
      const run = await runCli(['start', '--stage', 'dev'], { cwd: project.dir });
      expect(run.code).toBe(1);
      expect(run.stderr).toBe('error: no node build in .adapt/node\n  build it first: adapt build --target node --stage dev\n');
      expect(existsSync(join(project.dir, '.adapt/node'))).toBe(false);
    } finally {
      project.remove();
    }
  });
});

describe('the trustProxy setting on the node target', () => {
  it('is compiled into the server as its default; TRUST_PROXY overrides it; a bad one stops the build at config load', async () => {
    const port = await freePort();
    const project = tempProject(
      {
        'package.json': JSON.stringify({ name: 'trusting', type: 'module' }),
        'src/app.ts': app,
        'adapt.config.ts': `export default { trustProxy: ['loopback', '10.0.0.0/8'], targets: { node: { port: ${port}, host: '127.0.0.1' } } };\n`,
      },
      { linkModules: true },
    );
    const servers: CliProcess[] = [];
    try {
      const build = await runCli(['build', '--target', 'node', '--json'], { cwd: project.dir });
      expect(build.code, build.stderr).toBe(0);
      expect(readFileSync(join(project.dir, '.adapt/node/adapt-trusting.service'), 'utf8')).toContain('Environment="TRUST_PROXY=loopback,10.0.0.0/8"');
      const whoami = async (env: Record<string, string | undefined>) => {
        const server = new CliProcess(['start', '--target', 'node'], { cwd: project.dir, env: { TRUST_PROXY: undefined, PORT: String(port), ...env } });
        servers.push(server);
        await server.waitFor(new RegExp(`listening on http://127.0.0.1:${port}`));
        const answer = await send(`http://127.0.0.1:${port}`, '/', { headers: [['x-forwarded-for', '6.6.6.6, 203.0.113.9, 10.1.2.3']] });
        expect(await server.stop()).toBe(0);
        return JSON.parse(body(answer)).remote;
      };
      expect(await whoami({})).toBe('203.0.113.9'); // loopback, then 10.1.2.3 trusted; 203.0.113.9 is not
      expect(await whoami({ TRUST_PROXY: 'false' })).toBe('127.0.0.1');
      expect(await whoami({ TRUST_PROXY: '2' })).toBe('203.0.113.9');
      const badEnv = await runCli(['start', '--target', 'node'], { cwd: project.dir, env: { TRUST_PROXY: 'nope', PORT: String(port) } });
      expect(badEnv.code).toBe(1);
      expect(badEnv.stderr).toContain('adapt: environment variable TRUST_PROXY must be false, true, a number of proxy hops');

      project.write('adapt.config.ts', `export default { trustProxy: ['loopback', '10.0.0.0/33'] };\n`);
      const refused = await runCli(['build', '--target', 'node'], { cwd: project.dir });
      expect(refused.code).toBe(1);
      expect(refused.stderr).toContain(
        'trustProxy: expected false, true, a number of proxy hops such as 1, or a list of proxy addresses or CIDRs such as ["10.0.0.0/8", "::1", "loopback"] ("10.0.0.0/33" is not an IP address',
      );
    } finally {
      await Promise.all(servers.map((server) => server.stop().catch(() => undefined)));
      project.remove();
    }
  });
});
