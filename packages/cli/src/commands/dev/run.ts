/**
 * `adapt dev`: one http.Server for the whole session; esbuild's watch mode rebuilds the app on
 * change, each build is written under a new file name (so the ESM cache never hands back an old
 * version) and imported, and the server's request handler switches to it. Requests already in
 * flight finish on the version that accepted them. How a version is served is the target's
 * (`AdaptTarget.dev`): node by default, lambda turns each request into its event source's event.
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { AdaptError, appFetch, type App } from '@adapt/core';
import { loadProject } from '../../config.js';
import { targetContext } from '../../context.js';
import { describeBuildErrors, esmRequireBanner } from '../../bundle.js';
import type { Output } from '../../output.js';
import { portFromEnv } from '../../ports.js';
import { loadTarget, requireCapability } from '../../targets.js';
import { DevServer } from './server.js';

export interface DevOptions {
  cwd: string;
  port?: number;
  host: string;
  stage?: string;
  /** The target whose way of serving applies. Default: node. */
  target?: string;
  /** Lambda: the event source each request becomes. */
  source?: string;
}

export interface DevSession {
  url: string;
  close(): Promise<void>;
}

export async function runDev(options: DevOptions, output: Output): Promise<DevSession> {
  const port = options.port ?? portFromEnv(process.env.PORT) ?? 3000;
  // dev is a server: its progress lines go to stderr even with --json (stdout holds the one JSON document)
  const say = (line: string) => process.stderr.write(line + '\n');
  const project = await loadProject(options.cwd);
  const target = await loadTarget(project.dir, options.target ?? 'node');
  const dev = await requireCapability(project.dir, target, 'dev');
  const targetCtx = targetContext(project, target, output, { stage: options.stage, production: false });
  const { entry, stage, settings } = targetCtx;
  const serving = await dev(targetCtx, options.source === undefined ? {} : { source: options.source });
  // like other dev servers: libraries read it at run time (the bundle does not inline it)
  process.env.NODE_ENV ??= 'development';
  // the stage's env, as the deployed app gets it (config wins over the shell, as with adapt start)
  for (const [name, value] of Object.entries(settings.env ?? {})) process.env[name] = String(value);
  process.setSourceMapsEnabled?.(true);

  const buildDir = join(project.dir, '.adapt', 'dev');
  rmSync(buildDir, { recursive: true, force: true });
  mkdirSync(buildDir, { recursive: true });
  const server = new DevServer({ serving, output });

  const { context, formatMessages } = await import('esbuild');
  let buildNumber = 0;
  let started = performance.now();
  let firstBuildDone!: () => void;
  const firstBuild = new Promise<void>((resolve) => (firstBuildDone = resolve));
  const ctx = await context({
    entryPoints: [entry],
    absWorkingDir: project.dir,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    packages: 'external',
    outfile: join(buildDir, 'app.mjs'),
    write: false,
    sourcemap: 'inline',
    banner: { js: esmRequireBanner },
    logLevel: 'silent',
    plugins: [
      {
        name: 'adapt-dev',
        setup(build) {
          build.onStart(() => {
            started = performance.now();
          });
          build.onEnd(async (result) => {
            try {
              const took = `${Math.round(performance.now() - started)} ms`;
              if (result.errors.length > 0) {
                const text = (await formatMessages(result.errors, { kind: 'error', color: output.colors.isColorSupported })).join('');
                const plain = (await formatMessages(result.errors, { kind: 'error', color: false })).join('');
                output.warn(`build failed after ${took}; ${server.hasVersion ? 'the last good version keeps serving' : 'nothing to serve until it builds'}:\n${text}`);
                server.setBuildError(plain.trim(), describeBuildErrors(result.errors).split('\n')[0]);
                return;
              }
              const code = result.outputFiles?.[0]?.contents;
              if (!code) return;
              const number = ++buildNumber;
              const file = join(buildDir, `app-${number}.mjs`);
              writeFileSync(file, code);
              try {
                const loaded = (await import(pathToFileURL(file).href)) as { default?: App; app?: App };
                const app = (loaded.default ?? loaded.app) as App;
                appFetch(app);
                await server.swap(app, number);
              } catch (error) {
                const message = error instanceof Error ? (error.stack ?? error.message) : String(error);
                output.warn(`the new version failed to start; ${server.hasVersion ? 'the last good version keeps serving' : 'nothing to serve until it starts'}:\n${message}`);
                server.setBuildError(
                  `The new version failed to start (loading the module or its setup() threw):\n${message}`,
                  `failed to start: ${String(error instanceof Error ? error.message : error)}`,
                );
                return;
              } finally {
                rmSync(file, { force: true });
              }
              say(number === 1 ? `built in ${took}` : `rebuilt in ${took}; serving version ${number}`);
            } finally {
              firstBuildDone();
            }
          });
        },
      },
    ],
  });
  await ctx.watch();
  await firstBuild;

  let url: string;
  try {
    url = await server.listen(port, options.host);
  } catch (error) {
    await ctx.dispose();
    const code = (error as NodeJS.ErrnoException).code;
    throw new AdaptError('DEV_FAILED', `cannot listen on ${options.host}:${port}: ${(error as Error).message}`, {
      hint: code === 'EADDRINUSE' ? `port ${port} is taken; pass --port 0 for any free port, or another number` : 'check --host and --port',
      cause: error,
    });
  }
  output.result({ ok: true, url, port: server.port, target: target.name, stage, entry }, () => '');
  say(`${output.colors.bold('adapt dev')} ${output.colors.cyan(url)} (${target.name}, stage ${stage}); watching for changes, Ctrl+C to stop`);

  let closing: Promise<void> | undefined;
  const close = () =>
    (closing ??= (async () => {
      await ctx.dispose();
      await server.close();
      rmSync(buildDir, { recursive: true, force: true });
    })());
  const onSignal = (signal: NodeJS.Signals) => {
    if (closing) process.exit(130);
    say(`${signal}: stopping`);
    void close().then(() => process.exit(0));
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  return { url, close };
}
