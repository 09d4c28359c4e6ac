/** `adapt dev --target iisnode`: each version served with iisnode's rules (virtual directory, server variables). */
import { spawn } from 'node:child_process';
import { rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { send, text } from '@adapt/conformance/http';
import { cliBin, makeProject } from './helpers/build.js';

describe('adapt dev --target iisnode', () => {
  let project: string;
  let origin: string;
  let stop: () => Promise<void>;

  beforeAll(async () => {
    project = makeProject({
      entry: fileURLToPath(new URL('./fixtures/probe/app.mjs', import.meta.url)),
      targets: { iisnode: { basePath: '/app', promoteServerVars: ['AUTH_USER'] } },
    });
    const child = spawn(process.execPath, [cliBin, 'dev', '--target', 'iisnode', '--port', '0', '--json'], { cwd: project, stdio: ['ignore', 'pipe', 'pipe'] });
    const exited = new Promise((resolve) => child.once('exit', resolve));
    stop = async () => {
      child.kill('SIGTERM');
      await exited;
    };
    let output = '';
    child.stderr.on('data', (chunk) => (output += chunk));
    origin = await new Promise<string>((resolve, reject) => {
      child.stdout.on('data', (chunk) => {
        output += chunk;
        const match = /"url":\s*"(http:\/\/[^"]+)"/.exec(output);
        if (match) resolve(new URL(match[1]).origin);
      });
      child.once('exit', (code) => reject(new Error(`adapt dev exited (${code}):\n${output}`)));
    });
  });
  afterAll(async () => {
    await stop?.();
    if (project) rmSync(project, { recursive: true, force: true });
  });

  it('strips the virtual directory and takes only the last promoted value, as the build does', async () => {
    const response = await send(origin, '/APP/x?y=1', {
      headers: [
        ['X-iisnode-AUTH_USER', 'forged'],
        ['X-iisnode-AUTH_USER', 'ada'],
      ],
    });
    expect(JSON.parse(text(response.body))).toMatchObject({ platform: 'iisnode', path: '/x?y=1', serverVariables: { AUTH_USER: 'ada' } });
    expect((await send(origin, '/elsewhere')).status).toBe(404);
  });
});
