/**
 * The real components some tests run against, beyond what `npm ci` installs: nginx, Apache
 * (with mod_fcgid and mod_xsendfile), lighttpd, Phusion Passenger,
 * systemd-analyze, aws-lambda-ric (built into a cache folder) and moto. `npm test` provisions
 * them first (scripts/provision.mjs); this module is the one place a test asks for one:
 *
 *   describe('nginx site', () => {
 *     const nginx = requireComponent('nginx');
 *     beforeAll(async () => { if (!nginx) return; ... });
 *
 * Present: true. Missing: every test of the enclosing describe (or file) is skipped with one line
 * saying what to install, and false is returned so that hooks can stay idle; with CI=true a
 * missing component throws instead, so the file fails and the run with it.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeEach } from 'vitest';

export type Component = 'nginx' | 'apache2' | 'apache2-fcgid' | 'apache2-xsendfile' | 'lighttpd' | 'passenger' | 'systemd-analyze' | 'aws-lambda-ric' | 'moto' | 'supervisord';

const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..');

/** Where scripts/provision.mjs builds aws-lambda-ric 3.3.0. */
export const ricPackageDir = join(repoRoot, 'node_modules', '.cache', 'adapt', 'aws-lambda-ric', 'node_modules', 'aws-lambda-ric');

const runs = (command: string, args: string[]) => spawnSync(command, args, { stdio: 'ignore' }).status === 0;
const provisionHint = 'run `npm test` as root, or `sudo node scripts/provision.mjs`';

const components: Record<Component, { present: () => boolean; missing: string }> = {
  nginx: {
    present: () => runs('nginx', ['-v']),
    missing: `nginx is not installed: apt-get install nginx-light (${provisionHint})`,
  },
  apache2: {
    present: () => runs('apache2', ['-v']),
    missing: `Apache is not installed: apt-get install apache2 (${provisionHint})`,
  },
  'apache2-fcgid': {
    present: () => runs('apache2', ['-v']) && existsSync('/usr/lib/apache2/modules/mod_fcgid.so'),
    missing: `Apache's mod_fcgid is not installed: apt-get install apache2 libapache2-mod-fcgid (${provisionHint})`,
  },
  'apache2-xsendfile': {
    present: () => runs('apache2', ['-v']) && existsSync('/usr/lib/apache2/modules/mod_xsendfile.so'),
    missing: `Apache's mod_xsendfile is not installed: apt-get install apache2 libapache2-mod-xsendfile (${provisionHint})`,
  },
  lighttpd: {
    present: () => runs('lighttpd', ['-v']),
    missing: `lighttpd is not installed: apt-get install lighttpd (${provisionHint})`,
  },
  passenger: {
    present: () => runs('passenger-config', ['--version']) && existsSync('/usr/lib/apache2/modules/mod_passenger.so'),
    missing: `Phusion Passenger is not installed: apt-get install passenger libapache2-mod-passenger (${provisionHint})`,
  },
  'systemd-analyze': {
    present: () => runs('systemd-analyze', ['--version']),
    missing: `systemd-analyze is not installed: apt-get install systemd (${provisionHint})`,
  },
  'aws-lambda-ric': {
    present: () => existsSync(join(ricPackageDir, 'bin', 'index.mjs')) && existsSync(join(ricPackageDir, 'dist', 'rapid-client.node')),
    missing:
      'aws-lambda-ric 3.3.0 is not built in node_modules/.cache/adapt/aws-lambda-ric: run `node scripts/provision.mjs` ' +
      '(it needs autoconf automake libtool make g++ cmake python3; as root it installs them)',
  },
  supervisord: {
    present: () => runs('supervisord', ['--version']),
    missing: `supervisord is not installed: apt-get install supervisor (${provisionHint})`,
  },
  moto: {
    present: () => runs('python3', ['-c', 'import moto.server']),
    missing: 'python3 cannot import moto.server: pip install "moto[server]>=5.2,<6"',
  },
};

const probed = new Map<Component, boolean>();

/** Whether the component is here (probed once per test file). */
export function hasComponent(component: Component): boolean {
  let present = probed.get(component);
  if (present === undefined) {
    present = components[component].present();
    probed.set(component, present);
  }
  return present;
}

/** What to install to get the component. */
export function missingReason(component: Component): string {
  return components[component].missing;
}

/**
 * Call inside a describe (or at a file's top level). True when the component is here; otherwise
 * the tests in scope are skipped with the reason (false), or, under CI=true, this throws. Inside
 * one test, pass the test context's `skip` to skip just that test.
 */
export function requireComponent(component: Component, skip?: (note: string) => never): boolean {
  if (hasComponent(component)) return true;
  const reason = missingReason(component);
  if (process.env.CI === 'true') throw new Error(`${reason}. CI=true: a missing component fails the run.`);
  if (skip) skip(reason);
  beforeEach((context) => context.skip(reason));
  return false;
}
