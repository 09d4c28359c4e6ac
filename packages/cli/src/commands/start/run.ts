/** `adapt start`: hands the build to its target, which runs it as the platform would. */
import { AdaptError } from '@adapt/core';
import { existsSync } from 'node:fs';
import { loadProject } from '../../config.js';
import { targetContext } from '../../context.js';
import { shownPath, type Output } from '../../output.js';
import { portFromEnv } from '../../ports.js';
import { loadTarget, requireCapability } from '../../targets.js';
import { startDaemon } from './daemon.js';
import { usageError } from '../../errors.js';

export interface StartOptions {
  cwd: string;
  target: string;
  port?: number;
  host: string;
  out?: string;
  stage?: string;
  source?: string;
  runtimeApi?: boolean;
  daemon?: boolean;
  withDaemon?: string | boolean;
}

export async function runStart(options: StartOptions, output: Output): Promise<void> {
  const project = await loadProject(options.cwd);
  const target = await loadTarget(project.dir, options.target);
  const withDaemon = options.withDaemon === true ? 'daemon' : options.withDaemon || undefined;
  if (withDaemon !== undefined && target.name !== 'node')
    throw usageError(`--with-daemon runs beside the node target's server, not ${target.name}`, 'adapt start --target node --with-daemon');
  if (withDaemon !== undefined && options.daemon) {
    throw usageError(
      '--with-daemon runs in the foreground only, not with --daemon',
      "on a server, install the <service>-daemon.service (or the supervisord program) that adapt build writes beside the app's unit",
    );
  }
  const start = await requireCapability(project.dir, target, 'start');
  const context = targetContext(project, target, output, { stage: options.stage, out: options.out });
  // --port, else $PORT, else the target's port setting (the one its unit files use), else 3000
  const configured = context.settings.port;
  const port = options.port ?? portFromEnv(process.env.PORT) ?? (typeof configured === 'number' ? configured : 3000);
  if (!existsSync(context.outDir)) {
    throw new AdaptError('NOT_BUILT', `no ${target.name} build in ${shownPath(context.outDir)}`, {
      hint: `build it first: adapt build --target ${target.name}${options.stage ? ` --stage ${options.stage}` : ''}${options.out ? ` --out ${options.out}` : ''}`,
    });
  }
  if (options.daemon) return startDaemon(project, target.name, context, start, port, options, output);
  await start(context, {
    port,
    host: options.host,
    // whether the port was asked for (--port or $PORT), not the default: the fastcgi target then serves TCP, not its socket
    ...(options.port !== undefined || portFromEnv(process.env.PORT) !== undefined ? { portGiven: true } : {}),
    ...(options.source !== undefined ? { source: options.source } : {}),
    ...(options.runtimeApi ? { runtimeApi: true } : {}),
    ...(withDaemon !== undefined ? { withDaemon } : {}),
    ...(output.json ? { stdout: 'stderr' as const, onListening: (url: string) => output.result({ ok: true, target: target.name, url, outDir: context.outDir }, () => '') } : {}),
  });
}
