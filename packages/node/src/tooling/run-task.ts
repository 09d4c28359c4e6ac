/**
 * `adapt run <task> --target node`, on the server: `node server.mjs run <task>` beside the running
 * server, with the environment the server has: the systemd unit's Environment= lines and
 * EnvironmentFile= files (the installed unit in /etc/systemd/system first, else the build's),
 * or, without a unit, the stage's settings.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { AdaptError, type RunTaskOptions, type RunTaskResult, type TargetContext } from '@adapt/core';
import { nodeSettings } from './settings.js';

export async function runNodeTask(context: TargetContext, options: RunTaskOptions, systemDir = '/etc/systemd/system'): Promise<RunTaskResult> {
  const settings = nodeSettings(context);
  const unitFile = [join(systemDir, `${settings.serviceName}.service`), join(context.outDir, `${settings.serviceName}.service`)].find((file) => existsSync(file));
  const built = join(context.outDir, 'server.mjs');
  if (unitFile === undefined) {
    if (!existsSync(built)) throw notBuilt(context);
    context.log.info(`environment: the stage's settings (no ${settings.serviceName}.service here)`);
    return options.runBuiltEntry(built, { ...process.env, NODE_ENV: 'production', ...settings.env });
  }
  const unit = readUnitEnvironment(readFileSync(unitFile, 'utf8'));
  const file = unit.script && existsSync(unit.script) ? unit.script : built;
  if (!existsSync(file)) throw notBuilt(context);
  context.log.info(`environment: ${unitFile}${unit.files.length ? ` and ${unit.files.join(', ')}` : ''}`);
  return options.runBuiltEntry(file, { ...process.env, ...unit.env });
}

function notBuilt(context: TargetContext): AdaptError {
  return new AdaptError('NOT_BUILT', `no node build at ${context.outDir} and no installed server.mjs`, {
    hint: `build it first: adapt build --target node --stage ${context.stage}`,
  });
}

export interface UnitEnvironment {
  env: Record<string, string>;
  /** The EnvironmentFile= files read (an optional `-` one that is absent is skipped). */
  files: string[];
  /** The script ExecStart runs (`<node> <script>`). */
  script: string | undefined;
}

/** The environment a unit gives its process: Environment= in order, then EnvironmentFile= (which wins, as in systemd). */
export function readUnitEnvironment(text: string): UnitEnvironment {
  const env: Record<string, string> = {};
  const fromFiles: Record<string, string> = {};
  const files: string[] = [];
  let script: string | undefined;
  for (const line of text.split('\n')) {
    const match = /^\s*(Environment|EnvironmentFile|ExecStart)\s*=\s*(.*)$/.exec(line);
    if (!match) continue;
    const [, key, value] = match;
    if (key === 'Environment') {
      for (const word of unitWords(value!)) {
        const equals = word.indexOf('=');
        if (equals > 0) env[word.slice(0, equals)] = word.slice(equals + 1);
      }
    } else if (key === 'EnvironmentFile') {
      const optional = value!.startsWith('-');
      const file = value!.slice(optional ? 1 : 0).trim();
      if (!existsSync(file)) {
        if (optional) continue;
        throw new AdaptError('ENV_FILE_MISSING', `the unit's EnvironmentFile=${file} does not exist`, { hint: 'create it, or run adapt run on the server that has it' });
      }
      Object.assign(fromFiles, readEnvironmentFile(readFileSync(file, 'utf8')));
      files.push(file);
    } else {
      script = unitWords(value!.replace(/^[-@:+!]+/, ''))[1];
    }
  }
  return { env: { ...env, ...fromFiles }, files, script };
}

/** A unit setting's words: double or single quotes with backslash escapes, `%%` for `%` (systemd.syntax(7)). */
function unitWords(value: string): string[] {
  const words: string[] = [];
  const pattern = /"((?:[^"\\]|\\.)*)"|'((?:[^'\\]|\\.)*)'|(\S+)/g;
  for (const match of value.matchAll(pattern)) {
    const raw = match[1] ?? match[2] ?? match[3]!;
    words.push(raw.replace(/\\(.)/g, '$1').replace(/%%/g, '%'));
  }
  return words;
}

/** An EnvironmentFile: `KEY=VALUE` lines, `#` and `;` comments, values optionally quoted. */
export function readEnvironmentFile(text: string): Record<string, string> {
  const env: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const match = /^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*?)\s*$/.exec(line);
    if (!match || /^\s*[#;]/.test(line)) continue;
    const [, name, value] = match;
    const quoted = /^"((?:[^"\\]|\\.)*)"$/.exec(value!) ?? /^'([^']*)'$/.exec(value!);
    env[name!] = quoted ? quoted[1]!.replace(/\\(.)/g, '$1') : value!;
  }
  return env;
}
