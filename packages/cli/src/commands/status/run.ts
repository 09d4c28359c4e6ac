/** `adapt status`: the daemon's pid, uptime and URL from .adapt/run/, and the stage this machine picks. */
import { loadProject, pickStage } from '../../config.js';
import { daemonFiles, formatUptime, readDaemon } from '../../daemon.js';
import { shownPath, type Output } from '../../output.js';

export async function runStatus(options: { cwd: string; stage?: string }, output: Output): Promise<void> {
  const project = await loadProject(options.cwd);
  const files = daemonFiles(project);
  const daemon = readDaemon(files);
  const picked = pickStage(project.config, options.stage);
  const stage = { name: picked.stage, reason: picked.reason };
  if (!daemon.running) {
    const stale = daemon.stalePid !== undefined ? ` (removed a stale pid file: process ${daemon.stalePid} is gone)` : '';
    output.result({ ok: true, app: project.appName, running: false, ...(daemon.stalePid !== undefined ? { removedStalePid: daemon.stalePid } : {}), stage }, () =>
      [`${project.appName} is not running${stale}`, `  stage here: ${stage.name} (${stage.reason})`, '  start it with adapt start --daemon'].join('\n'),
    );
    process.exitCode = 3;
    return;
  }
  const state = daemon.state;
  const uptimeMs = state ? Date.now() - Date.parse(state.startedAt) : undefined;
  output.result(
    {
      ok: true,
      app: project.appName,
      running: true,
      pid: daemon.pid,
      url: state?.url,
      uptimeMs,
      startedAt: state?.startedAt,
      runningStage: state?.stage,
      stage,
      pidFile: files.pid,
      logs: { out: files.out, err: files.err },
    },
    () =>
      [
        `${project.appName} is running as process ${daemon.pid}${state?.url ? ` on ${state.url}` : ''}${uptimeMs !== undefined ? `, up ${formatUptime(uptimeMs)}` : ''}`,
        ...(state ? [`  started with stage ${state.stage}`] : []),
        `  stage here: ${stage.name} (${stage.reason})`,
        `  logs ${shownPath(files.out)} and ${shownPath(files.err)}`,
      ].join('\n'),
  );
}
