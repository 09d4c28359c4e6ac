/** `adapt build --target iisnode` as a user runs it: the files, iisnode.yml refused at the bad line, httpPlatform mode run as IIS would. */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { send, text } from '@adapt/conformance/http';
import { buildIisnode, makeProject, runCli } from './helpers/build.js';
import { validateWebConfig } from './helpers/schema.js';

const probe = fileURLToPath(new URL('./fixtures/probe/app.mjs', import.meta.url));
const cleanup: string[] = [];
afterAll(() => {
  for (const dir of cleanup) rmSync(dir, { recursive: true, force: true });
});

function project(config: Record<string, unknown>, files: Record<string, string> = {}): string {
  const dir = makeProject({ entry: probe, ...config }, files);
  cleanup.push(dir);
  return dir;
}

describe('adapt build --target iisnode', () => {
  it('writes the shim, the bundle, web.config, package.json, iisnode.yml, static/ and the Azure Node version', async () => {
    const dir = project({ static: 'public', targets: { iisnode: { iisnodeYml: { debugPortRange: '5058-6058', loggingEnabled: false }, azureNodeVersion: '~22' } } });
    mkdirSync(join(dir, 'public'));
    writeFileSync(join(dir, 'public', 'robots.txt'), 'User-agent: *\n');
    const out = await buildIisnode(dir);
    cleanup.push(out);
    for (const file of ['index.cjs', 'server.mjs', 'web.config', 'package.json', 'iisnode.yml', 'static/robots.txt', 'azure-app-settings.json'])
      expect(existsSync(join(out, file)), file).toBe(true);
    expect(validateWebConfig(readFileSync(join(out, 'web.config'), 'utf8'))).toEqual([]);
    expect(readFileSync(join(out, 'iisnode.yml'), 'utf8')).toContain('debugPortRange: 5058-6058\n');
    expect(JSON.parse(readFileSync(join(out, 'azure-app-settings.json'), 'utf8'))).toEqual({ WEBSITE_NODE_DEFAULT_VERSION: '~22' });
    expect(JSON.parse(readFileSync(join(out, 'package.json'), 'utf8'))).toMatchObject({ type: 'module', engines: { node: '>=20' } });
  });

  it("refuses the project's iisnode.yml at its bad line, and writes nothing", async () => {
    const dir = project({}, { 'iisnode.yml': '# overrides\nnodeProcessCountPerApplication: 2\ndebuggerPortRange: 5058-6058\n' });
    const out = join(dir, 'out');
    const result = await runCli(['build', '--target', 'iisnode', '--out', out], dir);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('iisnode.yml:3: iisnode does not know the key "debuggerPortRange" (in iisnode.yml it is "debugPortRange"');
    expect(result.stderr).toContain('rename it to debugPortRange');
  });

  it('copies a good iisnode.yml of the project as it is', async () => {
    const yml = '# overrides\nnodeProcessCountPerApplication: 2 # two processes\n';
    const out = await buildIisnode(project({}, { 'iisnode.yml': yml }));
    cleanup.push(out);
    expect(readFileSync(join(out, 'iisnode.yml'), 'utf8')).toBe(yml);
  });

  it('httpPlatform mode: node started on HTTP_PLATFORM_PORT, same base path, the client from the forwarded address', async () => {
    const out = await buildIisnode(project({ targets: { iisnode: { mode: 'httpPlatform', basePath: '/app' } } }));
    cleanup.push(out);
    expect(readFileSync(join(out, 'web.config'), 'utf8')).toContain('<environmentVariable name="PORT" value="%HTTP_PLATFORM_PORT%" />');
    const port = await freePort();
    const env: NodeJS.ProcessEnv = { ...process.env, HTTP_PLATFORM_PORT: String(port) };
    delete env.PORT;
    const child = spawn(process.execPath, [join(out, 'index.cjs')], { cwd: out, env, stdio: ['ignore', 'pipe', 'pipe'] });
    try {
      await new Promise<void>((resolve, reject) => {
        let output = '';
        child.stdout.on('data', (chunk) => {
          output += chunk;
          if (output.includes('listening on')) resolve();
        });
        child.once('exit', () => reject(new Error(`exited before listening: ${output}`)));
      });
      const response = await send(`http://127.0.0.1:${port}`, '/APP/who?x=1', { headers: [['X-Forwarded-For', '6.6.6.6, 203.0.113.5:50123']] });
      const body = JSON.parse(text(response.body));
      expect(body).toMatchObject({ path: '/who?x=1', remoteAddress: '203.0.113.5', platform: 'iisnode' });
    } finally {
      child.kill('SIGTERM');
    }
  });
});

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}
