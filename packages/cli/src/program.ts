/**
 * The `adapt` program: registers each command. Command bodies live in commands/<name>/run.ts and
 * are imported only when the command runs, so `adapt --help` stays fast.
 */
import { Command, CommanderError } from 'commander';
import { registerInit } from './commands/init/index.js';
import { registerDev } from './commands/dev/index.js';
import { registerBuild } from './commands/build/index.js';
import { registerStart } from './commands/start/index.js';
import { registerStop } from './commands/stop/index.js';
import { registerRestart } from './commands/restart/index.js';
import { registerStatus } from './commands/status/index.js';
import { registerDeploy } from './commands/deploy/index.js';
import { registerRollback } from './commands/rollback/index.js';
import { registerInvoke } from './commands/invoke/index.js';
import { registerRun } from './commands/run/index.js';
import { examples } from './command.js';

export const version = '0.1.0';

export function createProgram(): Command {
  const program = new Command('adapt')
    .description('Build, run, deploy and roll back one fetch app on every platform.')
    .version(version, '-v, --version')
    .showHelpAfterError('(run with --help for usage)')
    .configureHelp({ sortSubcommands: false, showGlobalOptions: false })
    .exitOverride();
  examples(program, [
    'adapt init my-app --template hono',
    'adapt dev',
    'adapt build --target node',
    'adapt start --target node --port 8080',
    'adapt deploy --target lambda --stage prod',
    'adapt run setup --target lambda --stage prod',
  ]);
  for (const register of [
    registerInit,
    registerDev,
    registerBuild,
    registerStart,
    registerStop,
    registerRestart,
    registerStatus,
    registerDeploy,
    registerRollback,
    registerInvoke,
    registerRun,
  ]) {
    register(program).exitOverride();
  }
  return program;
}

/** Parses argv and runs; usage errors exit with 2, help and version with 0. */
export async function main(argv: string[] = process.argv): Promise<void> {
  const program = createProgram();
  try {
    await program.parseAsync(argv);
  } catch (error) {
    if (error instanceof CommanderError) {
      const ok = error.code === 'commander.helpDisplayed' || error.code === 'commander.version' || error.code === 'commander.help';
      process.exitCode = ok ? 0 : 2;
      if (!ok && argv.includes('--json')) {
        const message = error.message.replace(/^error: /, '');
        process.stdout.write(JSON.stringify({ ok: false, error: { code: 'USAGE', message, hint: 'run with --help for usage' } }, null, 2) + '\n');
      }
      return;
    }
    throw error;
  }
}
