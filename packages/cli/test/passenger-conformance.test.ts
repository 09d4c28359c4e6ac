/**
 * The conformance battery through Apache with mod_passenger (Debian's apache2 and
 * libapache2-mod-passenger) running the node build with the vhost `adapt build --target node`
 * wrote (apache-passenger.conf): Apache starts server.mjs itself through passenger.cjs.
 * nginx under Passenger is absent: Debian 12 ships no Passenger module for its nginx (no
 * libnginx-mod-http-passenger), so no nginx config for it is generated.
 */
import { chmodSync } from 'node:fs';
import { join } from 'node:path';
import { describe } from 'vitest';
import { conformanceSuite } from '@adapt/conformance';
import { startApache } from '@adapt/conformance/apache';
import { send } from '@adapt/conformance/http';
import { freePort } from '@adapt/conformance/nginx';
import { requireComponent } from '../../../test/components.js';
import { repoRoot, runCli, tempProject } from './helpers.js';

describe('the generated Apache vhost under Phusion Passenger', () => {
  const here = requireComponent('passenger');
  conformanceSuite(
    'node (Apache + mod_passenger running the build)',
    async () => {
      const port = await freePort();
      const project = tempProject({});
      const out = join(project.dir, '.adapt/node');
      const user = process.getuid?.() === 0 ? 'www-data' : (process.env.USER ?? 'nobody');
      project.write(
        'adapt.config.mjs',
        `export default ${JSON.stringify({
          entry: join(repoRoot, 'test/conformance/src/app.ts'),
          targets: { node: { installDir: out, listen: `127.0.0.1:${port}`, nodePath: process.execPath, user } },
        })};\n`,
      );
      const build = await runCli(['build', '--target', 'node'], { cwd: project.dir });
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
        name: 'node under Apache + Passenger',
        deliver: (request) => send(`http://127.0.0.1:${port}`, request.path, request),
        close: async () => {
          await apache.stop();
          project.remove();
        },
      };
    },
    { enabled: here },
  );
});
