import { Option, type Command } from 'commander';
import { addGlobalOptions, addStageOption, examples, runWithOutput } from '../../command.js';
import { addTargetOption } from '../build/index.js';

export interface RollbackFlags {
  target?: string;
  stage?: string;
  out?: string;
  to?: string;
  dryRun: boolean;
  json: boolean;
  verbose: boolean;
}

export function registerRollback(program: Command): Command {
  const command = program.command('rollback').description('point the stage back at an earlier deployed version');
  addTargetOption(command, 'the target to roll back, such as lambda');
  command
    .addOption(new Option('--to <version>', 'the version to return to (default: the one before the current); iisnode: the site folder to roll back, or azure'))
    .addOption(new Option('-o, --out <dir>', 'the build folder, if built with --out'))
    .addOption(new Option('--dry-run', 'show what would change without changing anything'));
  addStageOption(command);
  addGlobalOptions(command);
  examples(command, ['adapt rollback --target lambda --stage prod', 'adapt rollback --target lambda --stage prod --to 41', 'adapt deploy --target lambda --list']);
  return command.action(async (flags: RollbackFlags) =>
    runWithOutput(flags, async (output) => {
      const { runRollback } = await import('./run.js');
      await runRollback({ ...flags, cwd: process.cwd() }, output);
    }),
  );
}
