import { Option, type Command } from 'commander';
import { addGlobalOptions, examples, runWithOutput } from '../../command.js';

export const templates = ['fetch', 'hono', 'express'] as const;
export type TemplateName = (typeof templates)[number];

export interface InitFlags {
  template: TemplateName;
  name?: string;
  force: boolean;
  adaptFrom?: string;
  json: boolean;
  verbose: boolean;
}

export function registerInit(program: Command): Command {
  const command = program
    .command('init')
    .description('scaffold an app and its adapt.config.ts')
    .argument('[dir]', 'folder to create the app in', '.')
    .addOption(new Option('-T, --template <name>', 'which kind of app').choices(templates).default('fetch'))
    .addOption(new Option('--name <name>', 'the app name (default: the folder name)'))
    .addOption(new Option('--force', 'write into a folder that is not empty, overwriting the template files'))
    .addOption(
      new Option(
        '--adapt-from <dir>',
        'take @adapt/* from a folder of tarballs (written by npm run pack in an adapt checkout) or from an adapt checkout (linked with file:); without it, package.json asks the npm registry, where @adapt/* are not published yet',
      ),
    );
  addGlobalOptions(command);
  examples(command, [
    'adapt init my-app',
    'adapt init my-api --template hono',
    'adapt init . --template express --force',
    'adapt init my-app --adapt-from ../adapt/.adapt-pack   # tarballs from npm run pack in ../adapt',
    'adapt init my-app --adapt-from ../adapt               # an adapt checkout, after npm ci && npm run build in it',
  ]);
  return command.action(async (dir: string, flags: InitFlags) =>
    runWithOutput(flags, async (output) => {
      const { runInit } = await import('./run.js');
      await runInit({ ...flags, dir, cwd: process.cwd() }, output);
    }),
  );
}
