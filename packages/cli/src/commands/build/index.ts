import { Option, type Command } from 'commander';
import { addGlobalOptions, addStageOption, examples, runWithOutput } from '../../command.js';

export interface BuildFlags {
  target?: string;
  out?: string;
  stage?: string;
  sourcemap: boolean;
  minify: boolean;
  json: boolean;
  verbose: boolean;
}

/** Build's options, reused by the commands that work on a build (start, deploy...). */
export function addTargetOption(command: Command, description = 'the target: node, lambda...', defaultValue?: string): Command {
  const option = new Option('-t, --target <name>', description);
  return command.addOption(defaultValue === undefined ? option : option.default(defaultValue));
}

export function registerBuild(program: Command): Command {
  const command = program.command('build').description('bundle the app for a target into .adapt/<target>/');
  addTargetOption(command, 'the target to build: node, lambda... or "all" for every installed target');
  command
    .addOption(new Option('-o, --out <dir>', 'output folder (default .adapt/<target>/; with --target all, one subfolder per target)'))
    .addOption(new Option('--sourcemap', 'write a source map beside the bundle'))
    .addOption(new Option('--no-minify', 'keep the bundle readable'));
  addStageOption(command);
  addGlobalOptions(command);
  examples(command, [
    'adapt build --target node',
    'adapt build --target lambda --stage prod --sourcemap',
    'adapt build --target all --json',
    'adapt build --target node --out dist/server --no-minify',
  ]);
  return command.action(async (flags: BuildFlags) =>
    runWithOutput(flags, async (output) => {
      const { runBuild } = await import('./run.js');
      await runBuild({ ...flags, cwd: process.cwd() }, output);
    }),
  );
}
