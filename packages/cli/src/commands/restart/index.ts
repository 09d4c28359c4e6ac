import { Option, type Command } from 'commander';
import { addGlobalOptions, examples, runWithOutput } from '../../command.js';
import type { DaemonFlags } from '../status/index.js';

export function registerRestart(program: Command): Command {
  const command = program
    .command('restart')
    .description('load the current build into the app started with adapt start --daemon, without downtime: its workers are replaced one at a time')
    .addOption(new Option('--timeout <seconds>', 'how long to wait for the restart to complete').default('120'))
    .addHelpText(
      'after',
      '\nThe daemon is a cluster primary that keeps the listening socket: each new worker loads server.mjs from disk and listens\nbefore an old one drains, so no connection is refused. The primary itself, its port and its environment stay: to change\nthose, adapt stop && adapt start --daemon.\nExit codes: 0 restarted, 3 nothing was running, 1 on an error (such as a new build that fails to start: the old one keeps serving).',
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
