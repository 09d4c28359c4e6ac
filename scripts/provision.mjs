#!/usr/bin/env node
/**
 * What the tests need beyond `npm ci`, provisioned by `npm test` itself (idempotent; a second
 * run only checks):
 *
 * 1. Debian packages, installed with apt-get when run as root: the build tools for aws-lambda-ric,
 *    nginx-light, apache2, libapache2-mod-fcgid, libapache2-mod-xsendfile, lighttpd, passenger and
 *    libapache2-mod-passenger
 *    (the generated sites are served by the real servers; FastCGI and CGI behind them), wrk (bench/)
 *    systemd (systemd-analyze verifies the generated unit) and supervisor (the generated program
 *    section runs under a real supervisord).
 * 2. aws-lambda-ric 3.3.0, the Runtime Interface Client of AWS's Node.js images, built once into
 *    node_modules/.cache/adapt/aws-lambda-ric (a native addon: it compiles curl and
 *    aws-lambda-cpp, so it stays out of `npm ci`).
 * 3. moto (`python3 -m moto.server`), only checked: it comes from python3 and cannot be installed
 *    from here.
 *
 * Whatever cannot be had is said in one line; the tests that need it are skipped with the same
 * advice (test/components.ts), or fail the run under CI=true. This script itself exits 1 only
 * on its own bugs, never for a missing component.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, renameSync, rmSync, writeFileSync, openSync, closeSync, readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const ricVersion = '3.3.0';
const ricCache = join(root, 'node_modules', '.cache', 'adapt', 'aws-lambda-ric');
const ricPackage = join(ricCache, 'node_modules', 'aws-lambda-ric');

/** Command on PATH -> the Debian package that provides it. */
const ricTools = { autoconf: 'autoconf', automake: 'automake', libtoolize: 'libtool', make: 'make', 'g++': 'g++', cmake: 'cmake', python3: 'python3' };
const testTools = {
  nginx: 'nginx-light',
  apache2: 'apache2',
  lighttpd: 'lighttpd',
  'passenger-config': 'passenger',
  wrk: 'wrk',
  'systemd-analyze': 'systemd',
  supervisord: 'supervisor',
};
/** Files -> the Debian package that provides them (modules, not commands). */
const testFiles = {
  '/usr/lib/apache2/modules/mod_fcgid.so': 'libapache2-mod-fcgid',
  '/usr/lib/apache2/modules/mod_passenger.so': 'libapache2-mod-passenger',
  '/usr/lib/apache2/modules/mod_xsendfile.so': 'libapache2-mod-xsendfile',
};

let said = 0;
const say = (line) => {
  said++;
  console.log(`provision: ${line}`);
};
const has = (command) => spawnSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' }).status === 0;
const missingPackages = (tools) => [
  ...new Set(
    Object.entries(tools)
      .filter(([command]) => !has(command))
      .map(([, pkg]) => pkg),
  ),
];
const rel = (path) => relative(process.cwd(), path) || '.';

function installDebianPackages() {
  const missingFiles = Object.keys(testFiles).filter((file) => !existsSync(file));
  const needed = [...missingPackages({ ...ricTools, ...testTools }), ...missingFiles.map((file) => testFiles[file])];
  if (needed.length === 0) return;
  const command = `apt-get install -y --no-install-recommends ${needed.join(' ')}`;
  if (process.getuid?.() !== 0 || !has('apt-get')) {
    const how = has('apt-get') ? `sudo ${command}` : `install ${needed.join(', ')} with the system's package manager`;
    say(`missing system packages: ${needed.join(' ')} (not root, so not installed; the tests that need them are skipped). To install: ${how}`);
    return;
  }
  say(`installing system packages: ${needed.join(' ')}`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const update = spawnSync('apt-get', ['update', '-qq'], { stdio: 'inherit', env });
  const install = update.status === 0 ? spawnSync('sh', ['-c', `${command} >/dev/null`], { stdio: 'inherit', env }) : update;
  if (install.status !== 0) say(`apt-get could not install ${needed.join(' ')}; the tests that need them are skipped`);
}

/** Whether the built client is in the cache: its JS entry and its compiled addon. */
function ricBuilt() {
  return existsSync(join(ricPackage, 'bin', 'index.mjs')) && existsSync(join(ricPackage, 'dist', 'rapid-client.node'));
}

async function buildRic() {
  if (ricBuilt()) return;
  const missing = missingPackages(ricTools);
  if (missing.length > 0) {
    say(`cannot build aws-lambda-ric ${ricVersion}: it needs ${missing.join(' ')} (apt-get install ${missing.join(' ')}); its tests are skipped`);
    return;
  }
  const partial = `${ricCache}.partial`;
  rmSync(partial, { recursive: true, force: true });
  mkdirSync(partial, { recursive: true });
  writeFileSync(
    join(partial, 'package.json'),
    JSON.stringify({ private: true, dependencies: { 'aws-lambda-ric': ricVersion }, allowScripts: { 'aws-lambda-ric': true } }, null, 2),
  );
  const logFile = join(partial, 'build.log');
  say(`building aws-lambda-ric ${ricVersion} into ${rel(ricCache)} (a native addon: a few minutes, once; log: ${rel(logFile)})`);
  const started = Date.now();
  const log = openSync(logFile, 'w');
  const child = spawn('npm', ['install', '--no-audit', '--no-fund', '--foreground-scripts', '--no-package-lock'], { cwd: partial, stdio: ['ignore', log, log] });
  const ticker = setInterval(() => say(`still building aws-lambda-ric (${Math.round((Date.now() - started) / 1000)} s)`), 30_000);
  const code = await new Promise((resolve) => child.once('exit', resolve));
  clearInterval(ticker);
  closeSync(log);
  const seconds = Math.round((Date.now() - started) / 1000);
  if (code !== 0 || !existsSync(join(partial, 'node_modules', 'aws-lambda-ric', 'dist', 'rapid-client.node'))) {
    const tail = readFileSync(logFile, 'utf8').trim().split('\n').slice(-15).join('\n');
    say(`building aws-lambda-ric failed after ${seconds} s (npm exit ${code}); its tests are skipped. Last lines of ${rel(logFile)}:\n${tail}`);
    return;
  }
  rmSync(ricCache, { recursive: true, force: true });
  renameSync(partial, ricCache);
  say(`built aws-lambda-ric ${ricVersion} in ${seconds} s`);
}

function checkMoto() {
  if (spawnSync('python3', ['-c', 'import moto.server'], { stdio: 'ignore' }).status === 0) return;
  say('python3 cannot import moto.server; the Lambda deploy tests are skipped. To install: pip install "moto[server]>=5.2,<6"');
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  installDebianPackages();
  await buildRic();
  checkMoto();
  if (said === 0) say(`all here: the system packages, aws-lambda-ric ${ricVersion} (${rel(ricCache)}), moto`);
}
