import { Option, type Command } from 'commander';
import { addGlobalOptions, examples, runWithOutput } from '../../command.js';
import type { DaemonFlags } from '../status/index.js';

export function registerRestart(program: Command): Command {
  const command = program
    .command('restart')
    .description(
      'load the current build into the app started with adapt start --daemon, without downtime: a new process takes over its socket (or, on Windows, its workers are replaced one at a time)',
    )
    .addOption(new Option('--timeout <seconds>', 'how long to wait for the restart to complete').default('120'))
    .addHelpText(
      'after',
      "\nadapt start --daemon opens the listening socket and hands it to the daemon (a cluster primary). On restart the daemon\nstarts a new primary from server.mjs on disk with the same socket; once its workers listen, the old primary drains its\nrequests and exits, so no connection is refused and all the serving code is the new build's. The port and the environment\nstay: to change those, adapt stop && adapt start --daemon. Where the socket cannot be handed on (Windows), the workers\nare replaced one at a time and the primary stays.\nExit codes: 0 restarted, 3 nothing was running, 1 on an error (such as a new build that fails to start: the old one keeps serving).",
    );
  addGlobalOptions(command);
  examples(command, ['adapt build --target node && adapt restart', 'adapt restart --json']);
  return command.action(async (flags: DaemonFlags) =>
    runWithOutput(flags, async (output) => {
      const { runRestart } = await import('./run.js');
      await runRestart({ cwd: process.cwd(), timeout: flags.timeout }, output);
    }),
  );
}
