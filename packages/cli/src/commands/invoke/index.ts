import { Option, type Command } from 'commander';
import { addGlobalOptions, addStageOption, examples, runWithOutput } from '../../command.js';
import { usageError } from '../../errors.js';
import { addTargetOption } from '../build/index.js';

export interface InvokeFlags {
  target?: string;
  event?: string;
  path?: string;
  method: string;
  stage?: string;
  out?: string;
  json: boolean;
  verbose: boolean;
}

export function registerInvoke(program: Command): Command {
  const command = program.command('invoke').description('run one event or request through the built handler, without deploying');
  addTargetOption(command, 'the target whose build handles the event, such as lambda');
  command
    .addOption(new Option('-e, --event <file>', "a JSON event file in the platform's own shape").conflicts('path'))
    .addOption(new Option('--path <path>', 'build a request for this path instead, such as /users?id=1'))
    .addOption(new Option('-X, --method <method>', 'method of the request built for --path').default('GET'))
    .addOption(new Option('-o, --out <dir>', 'the build folder, if built with --out'));
  addStageOption(command);
  addGlobalOptions(command);
  examples(command, [
    'adapt invoke --target lambda --event events/get.json',
    'adapt invoke --target lambda --path /hello',
    'adapt invoke --target lambda --path /items -X POST --json',
  ]);
  return command.action(async (flags: InvokeFlags) =>
    runWithOutput(flags, async (output) => {
      if (!flags.event && !flags.path) throw usageError('give either --event <file> or --path <path>', 'such as: adapt invoke --target lambda --path /');
      if (flags.path !== undefined && !flags.path.startsWith('/')) throw usageError(`--path must start with "/", got "${flags.path}"`, `such as: --path /${flags.path}`);
      const { runInvoke } = await import('./run.js');
      await runInvoke({ ...flags, cwd: process.cwd() }, output);
    }),
  );
}
