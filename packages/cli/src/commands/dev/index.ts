import { Option, type Command } from 'commander';
import { addGlobalOptions, addStageOption, examples, portFlag, runWithOutput } from '../../command.js';
import { addTargetOption } from '../build/index.js';

export interface DevFlags {
  port?: number;
  host: string;
  stage?: string;
  target: string;
  source?: string;
  json: boolean;
  verbose: boolean;
}

export function registerDev(program: Command): Command {
  const command = program
    .command('dev')
    .description('serve the app locally; rebuild and swap to the new version on every change, without dropping requests')
    .addOption(new Option('-p, --port <port>', 'port to listen on, 0 for any free port (default: $PORT, else 3000)').argParser(portFlag))
    .addOption(new Option('--host <host>', 'address to listen on').default('127.0.0.1'))
    .addOption(
      new Option('--source <source>', 'lambda: the event each request becomes: function-url, apigw-v1, apigw-v2, alb, alb-multi, lattice-v1, lattice-v2 (default: function-url)'),
    );
  addTargetOption(command, 'the target whose way of serving applies: node, lambda...', 'node');
  addStageOption(command);
  addGlobalOptions(command);
  examples(command, [
    'adapt dev',
    'adapt dev --port 8080 --stage staging',
    'adapt dev --port 0 --json   # prints {"url": ...} once listening',
    'adapt dev --target lambda --source apigw-v1',
  ]);
  command.addHelpText(
    'after',
    '\nWhile a change does not build, the last good version keeps serving: the error is printed here, HTML pages\n' +
      'get a banner with it, and every response carries an x-adapt-build-error header. Restart after editing adapt.config.ts.\n',
  );
  return command.action(async (flags: DevFlags) =>
    runWithOutput(flags, async (output) => {
      const { runDev } = await import('./run.js');
      await runDev({ ...flags, cwd: process.cwd() }, output);
    }),
  );
}
