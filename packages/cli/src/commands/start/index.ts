import { Option, type Command } from 'commander';
import { addGlobalOptions, addStageOption, examples, portFlag, runWithOutput } from '../../command.js';
import { addTargetOption } from '../build/index.js';

export interface StartFlags {
  target: string;
  port?: number;
  host: string;
  out?: string;
  stage?: string;
  source?: string;
  runtimeApi?: boolean;
  daemon?: boolean;
  withDaemon?: string | boolean;
  json: boolean;
  verbose: boolean;
}

export function registerStart(program: Command): Command {
  const command = program.command('start').description('run a build locally the way the platform would (build it first with adapt build)');
  addTargetOption(command, 'the target whose build runs', 'node');
  command
    .addOption(new Option('-p, --port <port>', 'port to listen on, 0 for any free port (default: $PORT, else the port setting, else 3000)').argParser(portFlag))
    .addOption(new Option('--host <host>', 'address to listen on').default('127.0.0.1'))
    .addOption(new Option('-o, --out <dir>', 'the build folder, if built with --out'))
    .addOption(
      new Option('--source <source>', 'lambda: the event each request becomes: function-url, apigw-v1, apigw-v2, alb, alb-multi, lattice-v1, lattice-v2 (default: function-url)'),
    )
    .addOption(new Option('-d, --daemon', 'node: run in the background (pid file .adapt/run/<app>.pid, logs in .adapt/log/); stop it with adapt stop'))
    .addOption(
      new Option('--with-daemon [task]', "node: also run the app's daemon task (default: daemon) beside the server, restarted with backoff when it fails, stopped with it"),
    )
    .addOption(new Option('--runtime-api', "lambda: run the handler under the real aws-lambda-ric (from the app's node_modules) against a local Runtime API"));
  addStageOption(command);
  addGlobalOptions(command);
  examples(command, [
    'adapt build --target node && adapt start --target node',
    'adapt start --target node --port 8080 --host 0.0.0.0',
    'PORT=0 adapt start',
    'adapt build --target lambda && adapt start --target lambda --source apigw-v1',
    'adapt start --target lambda --runtime-api',
    'adapt start --daemon --port 8080 && adapt status && adapt restart && adapt stop',
    'adapt start --target node --with-daemon',
    'adapt start --target node --with-daemon worker',
  ]);
  return command.action(async (flags: StartFlags) =>
    runWithOutput(flags, async (output) => {
      const { runStart } = await import('./run.js');
      await runStart({ ...flags, cwd: process.cwd() }, output);
    }),
  );
}
