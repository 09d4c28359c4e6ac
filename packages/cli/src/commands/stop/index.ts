import { Option, type Command } from 'commander';
import { addGlobalOptions, examples, runWithOutput } from '../../command.js';
import type { DaemonFlags } from '../status/index.js';

export function registerStop(program: Command): Command {
  const command = program
    .command('stop')
    .description('stop the app started with adapt start --daemon: SIGTERM, in-flight requests finish, then it exits and its pid file goes')
    .addOption(new Option('--timeout <seconds>', 'how long to wait for it to exit').default('60'))
    .addHelpText('after', '\nExit codes: 0 stopped, 3 nothing was running, 1 on an error (such as still running after --timeout).');
  addGlobalOptions(command);
  examples(command, ['adapt stop', 'adapt stop --timeout 120 --json']);
  return command.action(async (flags: DaemonFlags) =>
    runWithOutput(flags, async (output) => {
      const { runStop } = await import('./run.js');
      await runStop({ cwd: process.cwd(), timeout: flags.timeout }, output);
    }),
  );
}
