import { Option, type Command } from 'commander';
import { addGlobalOptions, addStageOption, examples, runWithOutput } from '../../command.js';
import { addTargetOption } from '../build/index.js';

export interface DeployFlags {
  target?: string;
  stage?: string;
  out?: string;
  dryRun: boolean;
  list: boolean;
  to?: string;
  build: boolean;
  json: boolean;
  verbose: boolean;
}

export function registerDeploy(program: Command): Command {
  const command = program.command('deploy').description("build the app for a target and upload it to the target's platform");
  addTargetOption(command, 'the target to deploy to, such as lambda');
  command
    .addOption(new Option('-o, --out <dir>', 'the build folder, if built with --out'))
    .addOption(new Option('--no-build', 'deploy the build already in the out folder instead of building first'))
    .addOption(new Option('--dry-run', 'show what would change without changing anything (the build still runs, locally)'))
    .addOption(new Option('--list', 'show what is deployed (versions, which one serves, what rollback returns to) instead of deploying; changes nothing').conflicts('dryRun'))
    .addOption(new Option('--to <place>', 'where to deploy, for targets that deploy to a place (iisnode: the IIS site folder, or azure for Azure App Service)'));
  addStageOption(command);
  addGlobalOptions(command);
  examples(command, [
    'adapt deploy --target lambda --stage prod',
    'adapt build --target lambda --stage prod && adapt deploy --target lambda --stage prod --no-build',
    'adapt deploy --target lambda --dry-run',
    'adapt deploy --target lambda --list --json',
    'adapt deploy --target appengine --list',
    'adapt deploy --target iisnode --to D:\\sites\\shop',
    'adapt deploy --target iisnode --to azure --dry-run',
  ]);
  return command.action(async (flags: DeployFlags) =>
    runWithOutput(flags, async (output) => {
      const { runDeploy } = await import('./run.js');
      await runDeploy({ ...flags, cwd: process.cwd() }, output);
    }),
  );
}
