import { CommanderError } from 'commander';
import { describe, expect, it } from 'vitest';
import { createProgram } from './program.js';

/** The help a user sees for `adapt <command> --help`, captured in-process. */
async function helpOf(command: string): Promise<string> {
  const program = createProgram();
  let text = '';
  const capture = { writeOut: (chunk: string) => (text += chunk), writeErr: (chunk: string) => (text += chunk) };
  program.configureOutput(capture);
  for (const sub of program.commands) sub.configureOutput(capture);
  await expect(program.parseAsync(['node', 'adapt', command, '--help'])).rejects.toSatisfy((error) => error instanceof CommanderError && error.code === 'commander.helpDisplayed');
  return text;
}

describe('adapt <command> --help', () => {
  it.each([
    ['init', ['--template <name>', '--force', '$ adapt init my-api --template hono']],
    ['dev', ['--port <port>', '--stage <name>', 'the last good version keeps serving', '$ adapt dev']],
    ['build', ['--target <name>', '--out <dir>', '--sourcemap', '--no-minify', '$ adapt build --target all --json']],
    ['start', ['--target <name>', '--port <port>', '(default: "node")', '$ adapt start --target node --port 8080']],
    ['deploy', ['--dry-run', '--list', '--stage <name>', '$ adapt deploy --target lambda --dry-run']],
    ['rollback', ['--to <version>', '$ adapt rollback --target lambda --stage prod --to 41']],
    ['invoke', ['--event <file>', '--path <path>', '$ adapt invoke --target lambda --path /hello']],
  ])('%s', async (command, expected) => {
    const help = await helpOf(command);
    expect(help).toContain(`Usage: adapt ${command} [options]`);
    for (const text of [...expected, '--json', '--verbose', 'Examples:']) expect(help).toContain(text);
  });
});
