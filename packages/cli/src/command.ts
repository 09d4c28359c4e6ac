/** What every command shares: --json, --verbose and --stage declared once, and one way to run and fail. */
import { parsePort, portRule } from '@adapt/core';
import { InvalidArgumentError, Option, type Command } from 'commander';
import { createOutput, type GlobalOptions, type Output } from './output.js';
import { exitCodeOf } from './errors.js';

export function addGlobalOptions(command: Command): Command {
  return command.addOption(new Option('--json', 'print one JSON document on stdout and nothing else')).addOption(new Option('--verbose', 'show debug lines and stack traces'));
}

export function addStageOption(command: Command): Command {
  return command.addOption(
    new Option('-s, --stage <name>', 'the stage whose settings apply (default: the stage whose hosts match this machine, else config defaultStage, else dev)'),
  );
}

/** Examples shown at the end of `--help`. */
export function examples(command: Command, lines: string[]): Command {
  return command.addHelpText('after', `\nExamples:\n${lines.map((line) => `  $ ${line}`).join('\n')}\n`);
}

/** Runs a command body with an Output; prints a failure as `error: message` + hint and sets the exit code. */
export async function runWithOutput(options: Partial<GlobalOptions>, body: (output: Output) => Promise<void>): Promise<void> {
  const output = createOutput({ json: Boolean(options.json), verbose: Boolean(options.verbose) });
  try {
    await body(output);
  } catch (error) {
    output.error(error);
    process.exitCode = exitCodeOf(error);
  }
}

/** A --port flag, by @adapt/core's port rule; commander reports a bad one as a usage error. */
export function portFlag(value: string): number {
  const port = parsePort(value);
  if (port === undefined) throw new InvalidArgumentError(`port must be ${portRule}, got "${value}"`);
  return port;
}
