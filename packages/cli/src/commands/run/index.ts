import { Option, type Command } from 'commander';
import { addGlobalOptions, addStageOption, examples, runWithOutput } from '../../command.js';
import { addTargetOption } from '../build/index.js';

export interface RunFlags {
  target?: string;
  stage?: string;
  out?: string;
  json: boolean;
  verbose: boolean;
}

export function registerRun(program: Command): Command {
  const command = program
    .command('run')
    .description("run one of the app's tasks: locally, or where a target runs it")
    .argument('[task]', 'the task to run (without it: the list of tasks and schedules)')
    .argument('[args...]', 'arguments handed to the task as strings, like argv (put them after -- when they start with -)');
  addTargetOption(command, 'where the task runs (default: here, in a child process)');
  command.addOption(new Option('-o, --out <dir>', 'the build folder, if built with --out'));
  addStageOption(command);
  addGlobalOptions(command);
  command.addHelpText(
    'after',
    `
Where the task runs:
  (no --target)       here: the app bundled alone and run in a child node with the stage's
                      settings (env) as its environment; the task's output is shown as it runs
  --target lambda     the deployed function, through the stage's alias, with the task event
                      {"adapt:task": {...}}; prints the result and the decoded log tail
  --target node       on the server: node <build>/server.mjs run <task>, with the environment of
                      the generated systemd unit (Environment= and EnvironmentFile=), else the
                      stage's settings; it runs beside the running server, not inside it
  --target fastcgi|cgi|iisnode
                      the build's own run mode (node <build>/<entry> run <task>), with the
                      stage's settings as env
  --target gcf|appengine
                      what that target provides (see its README)

Exit codes: 0 the task finished (its JSON result is printed), 1 the task threw (its stack on
stderr), 2 an unknown task or arguments its validator refused.
`,
  );
  examples(command, [
    'adapt run',
    'adapt run setup',
    'adapt run resize 800 600 --stage prod',
    'adapt run import --json -- --dry-run',
    'adapt run setup --target lambda --stage prod',
    'adapt run cleanup --target node',
  ]);
  return command.action(async (task: string | undefined, args: string[], flags: RunFlags) =>
    runWithOutput(flags, async (output) => {
      const { runRun } = await import('./run.js');
      await runRun({ ...flags, task, args, cwd: process.cwd() }, output);
    }),
  );
}
