import type { Command } from 'commander';
import { addGlobalOptions, addStageOption, examples, runWithOutput } from '../../command.js';

export interface DaemonFlags {
  stage?: string;
  timeout?: string;
  json: boolean;
  verbose: boolean;
}

export function registerStatus(program: Command): Command {
  const command = program
    .command('status')
    .description('show whether the app started with adapt start --daemon is running: pid, uptime, URL, stage, log files')
    .addHelpText('after', '\nExit codes: 0 running, 3 not running (as systemctl status), 1 on an error.');
  addStageOption(command);
  addGlobalOptions(command);
  examples(command, ['adapt status', 'adapt status --json', 'adapt status || adapt start --daemon']);
  return command.action(async (flags: DaemonFlags) =>
    runWithOutput(flags, async (output) => {
      const { runStatus } = await import('./run.js');
      await runStatus({ cwd: process.cwd(), stage: flags.stage }, output);
    }),
  );
}
