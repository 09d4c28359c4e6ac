/**
 * `adapt start --target gcf`: the build under Google's own functions-framework
 * (`functions-framework --target=adapt --source=.adapt/gcf`), resolved from the app's node_modules
 * first, with the variables Cloud Run functions sets. `adapt start --target appengine`: `npm start`
 * in .adapt/appengine with PORT and the GAE_* variables App Engine standard sets.
 * SIGINT/SIGTERM are forwarded to the child; we resolve when it exits.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer, connect } from 'node:net';
import { createRequire } from 'node:module';
import path from 'node:path';
import { AdaptError, type StartOptions, type TargetContext } from '@adapt/core';
import { appEngineBundleFile, entryPoint, gcfBundleFile } from './bundle.js';
import { resolveGoogleSettings } from './settings.js';

const ownGroup = process.platform !== 'win32';
const forwarded: NodeJS.Signals[] = ownGroup ? ['SIGINT', 'SIGTERM', 'SIGHUP'] : ['SIGTERM'];

/**
 * Signals the child's whole process group (on POSIX it has its own): `npm start` runs the server
 * under a shell, and a signal to npm alone would leave the server running.
 */
export function signalBuild(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.exitCode !== null || child.signalCode !== null) return;
  try {
    if (ownGroup && child.pid) process.kill(-child.pid, signal);
    else child.kill(signal);
  } catch {
    child.kill(signal);
  }
}

/** functions-framework's CLI script: the app's copy, else the one installed beside adapt. */
export function functionsFrameworkMain(cwd: string): string {
  for (const base of [path.join(cwd, 'package.json'), import.meta.url]) {
    try {
      // the package exports only its entry (build/src/index.js); the CLI script sits beside it
      const entry = createRequire(base).resolve('@google-cloud/functions-framework');
      return path.join(path.dirname(entry), 'main.js');
    } catch {
      // not there; try the next place
    }
  }
  throw new AdaptError('FRAMEWORK_MISSING', 'adapt start --target gcf runs the build under @google-cloud/functions-framework, which is not installed', {
    hint: 'install it in the app: npm install --save-dev @google-cloud/functions-framework',
  });
}

/** A free port when 0 is asked for (the framework does not say which port it took). */
export async function choosePort(port: number, host: string): Promise<number> {
  if (port !== 0) return port;
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, host, () => {
      const chosen = (server.address() as { port: number }).port;
      server.close(() => resolve(chosen));
    });
  });
}

/** Resolves once something accepts connections on host:port (or rejects when the child exits first). */
export function waitForPort(child: ChildProcess, host: string, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    let done = false;
    const onExit = () => finish(new AdaptError('START_FAILED', `the server exited before it listened on port ${port}`, { hint: 'its own error is printed above' }));
    const finish = (error?: Error) => {
      if (done) return;
      done = true;
      child.off('exit', onExit);
      if (error) reject(error);
      else resolve();
    };
    child.once('exit', onExit);
    const attempt = () => {
      if (done) return;
      const socket = connect(port, host);
      socket.once('connect', () => {
        socket.destroy();
        finish();
      });
      socket.once('error', () => {
        socket.destroy();
        setTimeout(attempt, 50);
      });
    };
    attempt();
  });
}

function checkBuilt(ctx: TargetContext, file: string, target: string): void {
  if (!existsSync(path.join(ctx.outDir, file))) {
    throw new AdaptError('NOT_BUILT', `${path.join(ctx.outDir, file)} does not exist`, { hint: `build it first: adapt build --target ${target}` });
  }
}

/** The child running the build, with the platform's variables. */
export async function spawnBuild(ctx: TargetContext, target: 'gcf' | 'appengine', port: number, host: string, stdout: 'inherit' | 'pipe'): Promise<ChildProcess> {
  const settings = resolveGoogleSettings(target, ctx);
  const base = { ...process.env, NODE_ENV: process.env.NODE_ENV ?? 'production', ...settings.env, PORT: String(port) };
  const stdio: ['ignore', 'inherit' | 'pipe', 'inherit'] = ['ignore', stdout, 'inherit'];
  if (target === 'gcf') {
    checkBuilt(ctx, gcfBundleFile, 'gcf');
    const main = functionsFrameworkMain(ctx.cwd);
    return spawn(process.execPath, [main, `--target=${entryPoint}`, `--source=${ctx.outDir}`, '--signature-type=http', `--port=${port}`], {
      cwd: ctx.outDir,
      stdio,
      detached: ownGroup,
      env: {
        ...base,
        K_SERVICE: settings.name,
        K_REVISION: `${settings.name}-local`,
        K_CONFIGURATION: settings.name,
        FUNCTION_TARGET: entryPoint,
        FUNCTION_SIGNATURE_TYPE: 'http',
      },
    });
  }
  checkBuilt(ctx, appEngineBundleFile, 'appengine');
  const project = settings.project ?? 'local-project';
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  return spawn(npm, ['start', '--silent'], {
    cwd: ctx.outDir,
    stdio,
    detached: ownGroup,
    env: {
      ...base,
      HOST: host,
      GAE_ENV: 'standard',
      GAE_SERVICE: settings.name,
      GAE_VERSION: 'local',
      GAE_DEPLOYMENT_ID: 'local',
      GAE_INSTANCE: 'local-instance',
      GAE_RUNTIME: settings.runtime,
      GAE_APPLICATION: `s~${project}`,
      GAE_MEMORY_MB: String(settings.memory),
      GOOGLE_CLOUD_PROJECT: project,
    },
  });
}

export function startTarget(target: 'gcf' | 'appengine') {
  return async (ctx: TargetContext, options: StartOptions): Promise<void> => {
    const port = await choosePort(options.port, options.host);
    const child = await spawnBuild(ctx, target, port, options.host, options.stdout === 'stderr' ? 'pipe' : 'inherit');
    child.stdout?.pipe(process.stderr);
    const exited = new Promise<void>((resolve, reject) => {
      let signalled = false;
      const forward = (signal: NodeJS.Signals) => {
        signalled = true;
        signalBuild(child, signal);
      };
      const orphanGuard = () => signalBuild(child, 'SIGKILL');
      for (const signal of forwarded) process.on(signal, forward);
      process.on('exit', orphanGuard);
      child.once('error', (error) =>
        reject(new AdaptError('START_FAILED', `cannot start the ${target} build: ${error.message}`, { hint: 'check that node and npm run in this folder', cause: error })),
      );
      child.once('close', (code, signal) => {
        for (const name of forwarded) process.off(name, forward);
        process.off('exit', orphanGuard);
        if (code === 0 || signalled) resolve();
        else
          reject(
            new AdaptError('START_FAILED', `the ${target} build exited with ${signal ? `signal ${signal}` : `code ${code}`}`, {
              hint: `its own error is printed above; fix it, rebuild with adapt build --target ${target}, and start again`,
            }),
          );
      });
    });
    await Promise.race([waitForPort(child, options.host === '0.0.0.0' ? '127.0.0.1' : options.host, port), exited]);
    if (child.exitCode === null) {
      const url = `http://${options.host.includes(':') ? `[${options.host}]` : options.host}:${port}`;
      ctx.log.info(`${target === 'gcf' ? 'functions-framework' : 'App Engine build'} listening on ${url}`);
      options.onListening?.(url);
    }
    await exited;
  };
}
