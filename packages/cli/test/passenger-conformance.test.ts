/**
 * The conformance battery through Apache with mod_passenger (Debian's apache2 and
 * libapache2-mod-passenger) running the node build with the vhost `adapt build --target node`
 * wrote (apache-passenger.conf): Apache starts server.mjs itself through passenger.cjs. Then the
 * same vhost with a stage: its env reaches process.env, and the client's address (a client on
 * 127.0.0.2, Passenger's X-Forwarded-For) reaches context.remoteAddress, not Passenger's 127.0.0.1.
 * nginx under Passenger is absent: Debian 12 ships no Passenger module for its nginx (no
 * libnginx-mod-http-passenger), so no nginx config for it is generated.
 */
import { chmodSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { conformanceSuite } from '@adapt/conformance';
import { startApache } from '@adapt/conformance/apache';
import { send } from '@adapt/conformance/http';
import { freePort } from '@adapt/conformance/nginx';
import { requireComponent } from '../../../test/components.js';
import { repoRoot, runCli, tempProject } from './helpers.js';

/** Builds `config` for the node target and runs it under Apache + Passenger on a free port. */
async function underPassenger(config: (port: number, out: string, user: string) => Record<string, unknown>, args: string[] = [], files: Record<string, string> = {}) {
  const port = await freePort();
  const project = tempProject(files, { linkModules: Object.keys(files).length > 0 });
  const out = join(project.dir, '.adapt/node');
  const user = process.getuid?.() === 0 ? 'www-data' : (process.env.USER ?? 'nobody');
  project.write('adapt.config.mjs', `export default ${JSON.stringify(config(port, out, user))};\n`);
  const build = await runCli(['build', '--target', 'node', ...args], { cwd: project.dir });
  if (build.code !== 0) throw new Error(`adapt build failed:\n${build.stderr}`);
  // Passenger starts the app as the configured user: it must reach the build folder.
  for (const dir of [join(project.dir, '.adapt'), out]) chmodSync(dir, 0o755);
  const apacheDir = join(project.dir, 'apache');
  const apache = await startApache(apacheDir, join(out, 'apache-passenger.conf'), port, {
    modules: ['passenger'],
    extra: [
      'PassengerRoot /usr/lib/ruby/vendor_ruby/phusion_passenger/locations.ini',
      'PassengerDefaultRuby /usr/bin/ruby',
      `PassengerInstanceRegistryDir ${apacheDir}/run`,
      'PassengerDisableSecurityUpdateCheck on',
      'PassengerDisableAnonymousTelemetry on',
    ],
  });
  return {
    port,
    close: async () => {
      await apache.stop();
      project.remove();
    },
  };
}

describe('the generated Apache vhost under Phusion Passenger', () => {
  const here = requireComponent('passenger');
  conformanceSuite(
    'node (Apache + mod_passenger running the build)',
    async () => {
      const running = await underPassenger((port, out, user) => ({
        entry: join(repoRoot, 'test/conformance/src/app.ts'),
        targets: { node: { installDir: out, listen: `127.0.0.1:${port}`, nodePath: process.execPath, user } },
      }));
      return {
        name: 'node under Apache + Passenger',
        deliver: (request) => send(`http://127.0.0.1:${running.port}`, request.path, request),
        close: running.close,
      };
    },
    { enabled: here },
  );
});

const reportApp = `export default {
  fetch(request: Request, context: { remoteAddress?: string }): Response {
    return Response.json({
      remoteAddress: context.remoteAddress,
      greeting: process.env.GREETING,
      region: process.env.REGION,
      nodeEnv: process.env.NODE_ENV,
    });
  },
};
`;

/** GET / from the client address `from` (any 127/8 address is this machine's), with `headers`. */
function getFrom(port: number, from: string, headers: Record<string, string> = {}): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    request({ host: '127.0.0.1', port, path: '/', localAddress: from, headers, agent: false }, (res) => {
      let body = '';
      res.setEncoding('utf8').on('data', (chunk: string) => (body += chunk));
      res.on('end', () => (res.statusCode === 200 ? resolve(JSON.parse(body)) : reject(new Error(`${res.statusCode}: ${body}`))));
    })
      .on('error', reject)
      .end();
  });
}

describe('under Phusion Passenger: the stage and the client address', () => {
  const here = requireComponent('passenger');
  let running: Awaited<ReturnType<typeof underPassenger>> | undefined;
  beforeAll(async () => {
    if (!here) return;
    running = await underPassenger(
      (port, out, user) => ({
        entry: 'app.ts',
        env: { GREETING: 'hello' },
        stages: { prod: { env: { REGION: 'eu-west', NODE_ENV: 'production' } } },
        targets: { node: { installDir: out, listen: `127.0.0.1:${port}`, nodePath: process.execPath, user } },
      }),
      ['--stage', 'prod'],
      { 'app.ts': reportApp },
    );
  });
  afterAll(async () => {
    await running?.close();
  });

  it("the stage's env is in process.env", async () => {
    const answer = await getFrom(running!.port, '127.0.0.1');
    expect(answer).toMatchObject({ greeting: 'hello', region: 'eu-west', nodeEnv: 'production' });
  });

  it("context.remoteAddress is the client's address, and a forged X-Forwarded-For changes nothing", async () => {
    expect((await getFrom(running!.port, '127.0.0.2')).remoteAddress).toBe('127.0.0.2');
    expect((await getFrom(running!.port, '127.0.0.3', { 'x-forwarded-for': '6.6.6.6' })).remoteAddress).toBe('127.0.0.3');
  });
});
