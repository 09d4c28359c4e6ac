/** `adapt start --daemon`: refuses a second daemon and a taken port, then starts the build detached. */
import { AdaptError, type AdaptTarget, type TargetContext } from '@adapt/core';
import { pickStage, type Project } from '../../config.js';
import { daemonFiles, portHolder, prepareFolders, readDaemon, removeDaemonFiles, writeDaemon, type DaemonState } from '../../daemon.js';
import { usageError } from '../../errors.js';
import { shownPath, type Output } from '../../output.js';
import type { StartOptions } from './run.js';

type Start = NonNullable<AdaptTarget['start']>;

function portTaken(port: number, host: string): AdaptError {
  const holder = portHolder(port);
  const who = holder ? ` by process ${holder.pid}${holder.command ? ` (${holder.command})` : ''}` : '';
  return new AdaptError('PORT_IN_USE', `port ${port} on ${host} is already in use${who}`, {
    hint: `stop that server${holder ? ` (kill ${holder.pid})` : ''}, or choose another port: adapt start --daemon --port <port>`,
  });
}

export async function startDaemon(project: Project, targetName: string, context: TargetContext, start: Start, port: number, options: StartOptions, output: Output): Promise<void> {
  if (targetName !== 'node') throw usageError(`--daemon runs the node target only, not ${targetName}`, 'adapt start --target node --daemon');
  const files = daemonFiles(project);
  prepareFolders(files);
  const existing = readDaemon(files);
  if (existing.running) {
    throw new AdaptError('ALREADY_RUNNING', `${project.appName} is already running as process ${existing.pid}${existing.state ? ` on ${existing.state.url}` : ''}`, {
      hint: 'load a new build with adapt restart, or stop it first with adapt stop',
    });
  }
  if (existing.stalePid !== undefined) output.warn(`removed a stale pid file: process ${existing.stalePid} is gone (${shownPath(files.pid)})`);
  if (port !== 0 && portHolder(port)) throw portTaken(port, options.host);
  const picked = pickStage(project.config, options.stage);
  let pid = 0;
  let url = '';
  try {
    await start(context, {
      port,
      host: options.host,
      daemon: {
        out: files.out,
        err: files.err,
        onSpawned(spawned: number) {
          pid = spawned;
          writeDaemon(files, { pid, url: '', target: targetName, stage: context.stage, startedAt: new Date().toISOString(), out: files.out, err: files.err });
        },
      },
      onListening(listening: string) {
        url = listening;
      },
    });
  } catch (error) {
    removeDaemonFiles(files);
    if (error instanceof Error && /already in use/.test(error.message) && port !== 0) throw portTaken(port, options.host);
    throw error;
  }
  const state: DaemonState = { pid, url, target: targetName, stage: context.stage, startedAt: new Date().toISOString(), out: files.out, err: files.err };
  writeDaemon(files, state);
  output.result({ ok: true, running: true, ...state, stageReason: picked.reason, pidFile: files.pid }, () =>
    [
      `${project.appName} started in the background as process ${pid}, listening on ${url}`,
      `  stage ${context.stage} (${picked.reason})`,
      `  pid file ${shownPath(files.pid)}, logs ${shownPath(files.out)} and ${shownPath(files.err)}`,
      '  adapt status | adapt restart | adapt stop',
    ].join('\n'),
  );
}
