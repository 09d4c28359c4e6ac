/**
 * `adapt run <task> --target node`, on the server: `node server.mjs run <task>` beside the running
 * server, with the environment the server has: the systemd unit's Environment= lines and
 * EnvironmentFile= files (the installed unit in /etc/systemd/system first, else the build's),
 * or, without a unit, the stage's settings. Run as root, the task runs as the unit's User= and
 * Group=, as the service does, so what it writes (a database file, uploads) the service can use.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { userInfo } from 'node:os';
import { dirname, join } from 'node:path';
import { AdaptError, type RunTaskOptions, type RunTaskResult, type TargetContext, type TaskIdentity } from '@adapt/core';
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
  const env: Record<string, string | undefined> = { ...process.env, ...unit.env };
  const as = serviceIdentity(context, unit, dirname(file), env);
  return options.runBuiltEntry(file, env, as);
}

/**
 * The unit's User= and Group= when this process may become them (it runs as root), with HOME,
 * USER and LOGNAME set in `env` as systemd sets them; undefined when the task runs as this user,
 * with a warning when that is not the service's.
 */
function serviceIdentity(context: TargetContext, unit: UnitEnvironment, cwd: string, env: Record<string, string | undefined>): TaskIdentity | undefined {
  if (!unit.user || unit.user === 'root') return undefined;
  const me = currentUser();
  if (process.getuid?.() !== 0) {
    if (me !== unit.user)
      context.log.warn(`the service runs as ${unit.user}, this task as ${me}: what it writes belongs to ${me}. To run it as the service does: sudo adapt run ...`);
    return undefined;
  }
  const user = lookup('passwd', unit.user);
  if (!user)
    throw new AdaptError('NO_SUCH_USER', `the unit runs the service as ${unit.user}, and there is no such user here`, {
      hint: `create it (useradd --system --no-create-home ${unit.user}), or set targets.node.user to the user the service runs as`,
    });
  const [, , uid, gid, , home] = user;
  let groupId = Number(gid);
  if (unit.group && unit.group !== unit.user) {
    const group = lookup('group', unit.group);
    if (!group)
      throw new AdaptError('NO_SUCH_GROUP', `the unit runs the service in the group ${unit.group}, and there is no such group here`, {
        hint: `create it (groupadd --system ${unit.group})`,
      });
    groupId = Number(group[2]);
  }
  Object.assign(env, { USER: unit.user, LOGNAME: unit.user, HOME: home });
  context.log.info(`as ${unit.user} (uid ${uid}), the unit's User=, in ${cwd}`);
  return { uid: Number(uid), gid: groupId, cwd };
}

function currentUser(): string {
  try {
    return userInfo().username;
  } catch {
    return `uid ${process.getuid?.()}`; // a uid with no passwd entry (some containers)
  }
}

/** One entry of the passwd or group database (getent), split on ":"; undefined when there is none. */
function lookup(database: 'passwd' | 'group', name: string): string[] | undefined {
  const found = spawnSync('getent', [database, name], { encoding: 'utf8' });
  if (found.status !== 0 || !found.stdout) return undefined;
  return found.stdout.trim().split(':');
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
  /** User= and Group=, when set. */
  user?: string;
  group?: string;
}

/** The environment a unit gives its process: Environment= in order, then EnvironmentFile= (which wins, as in systemd). */
export function readUnitEnvironment(text: string): UnitEnvironment {
  const env: Record<string, string> = {};
  const fromFiles: Record<string, string> = {};
  const files: string[] = [];
  let script: string | undefined;
  let user: string | undefined;
  let group: string | undefined;
  for (const line of text.split('\n')) {
    const match = /^\s*(Environment|EnvironmentFile|ExecStart|User|Group)\s*=\s*(.*)$/.exec(line);
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
    } else if (key === 'User') {
      user = value!.trim() || undefined;
    } else if (key === 'Group') {
      group = value!.trim() || undefined;
    } else {
      script = unitWords(value!.replace(/^[-@:+!]+/, ''))[1];
    }
  }
  return { env: { ...env, ...fromFiles }, files, script, ...(user ? { user } : {}), ...(group ? { group } : {}) };
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
