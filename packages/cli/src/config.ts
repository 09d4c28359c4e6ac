/**
 * The project: adapt.config.ts|mts|js|mjs (TypeScript compiled on the fly with esbuild), validated
 * with precise messages, the stage applied, and the app's entry found.
 */
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { createHash } from 'node:crypto';
import { knownStages, trustProxyProblem, type AdaptConfig } from '@adapt/core';
import { CliError, didYouMean } from './errors.js';
import { cliNodePaths } from './resolve.js';

export const configFileNames = ['adapt.config.ts', 'adapt.config.mts', 'adapt.config.js', 'adapt.config.mjs'] as const;
export const entryCandidates = ['src/app.ts', 'src/app.js', 'src/app.mts', 'src/app.mjs', 'app.ts', 'app.js', 'app.mjs', 'src/index.ts', 'src/index.js', 'src/index.mjs'];

export interface Project {
  /** The folder that holds the config file (or package.json, or the current folder). */
  dir: string;
  configFile: string | undefined;
  config: AdaptConfig;
  packageJson: Record<string, unknown> | undefined;
  appName: string;
}

/** Finds and loads the project around `cwd`: the nearest adapt.config.*, stopping at the first package.json. */
export async function loadProject(cwd: string): Promise<Project> {
  let dir = resolve(cwd);
  let configFile: string | undefined;
  for (let current = dir; ; current = dirname(current)) {
    const found = configFileNames.map((name) => join(current, name)).find((file) => existsSync(file));
    if (found) {
      configFile = found;
      dir = current;
      break;
    }
    if (existsSync(join(current, 'package.json'))) {
      dir = current; // the project root, even when run from a subfolder
      break;
    }
    if (dirname(current) === current) break;
  }
  const config = configFile ? validateConfig(await importConfig(configFile, dir), basename(configFile)) : {};
  const packageJson = readPackageJson(dir);
  return { dir, configFile, config, packageJson, appName: appNameOf(config, packageJson, dir) };
}

function readPackageJson(dir: string): Record<string, unknown> | undefined {
  const file = join(dir, 'package.json');
  if (!existsSync(file)) return undefined;
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
  } catch (error) {
    throw new CliError('CONFIG_LOAD', `${file} is not valid JSON: ${(error as Error).message}`, { hint: 'fix the syntax error in package.json' });
  }
}

function appNameOf(config: AdaptConfig, packageJson: Record<string, unknown> | undefined, dir: string): string {
  const raw = config.name ?? (typeof packageJson?.name === 'string' ? packageJson.name : basename(dir));
  const name = raw.replace(/^@[^/]+\//, '').toLowerCase().replace(/[^a-z0-9-]+/g, '-').replace(/^-+|-+$/g, '');
  return name || 'app';
}

/** Imports a config module; TypeScript is bundled by esbuild to a temporary .mjs first. */
async function importConfig(file: string, dir: string): Promise<unknown> {
  let moduleFile = file;
  let temporary: string | undefined;
  try {
    if (/\.m?ts$/.test(file)) {
      const { build } = await import('esbuild');
      const result = await build({
        entryPoints: [file],
        bundle: true,
        platform: 'node',
        format: 'esm',
        target: 'node20',
        write: false,
        logLevel: 'silent',
        nodePaths: cliNodePaths(),
        absWorkingDir: dir,
        banner: { js: "import { createRequire as __adaptCreateRequire } from 'node:module'; const require = __adaptCreateRequire(import.meta.url);" },
      }).catch((error: { errors?: Array<{ text: string; location?: { file: string; line: number; column: number } | null }> }) => {
        const first = error.errors?.[0];
        const where = first?.location ? `${first.location.file}:${first.location.line}:${first.location.column}: ` : '';
        throw new CliError('CONFIG_LOAD', `cannot compile ${basename(file)}: ${where}${first?.text ?? String(error)}`, {
          hint: 'fix the error above; the config is TypeScript compiled with esbuild',
          cause: error,
        });
      });
      const code = result.outputFiles[0].text;
      const folder = join(dir, '.adapt');
      mkdirSync(folder, { recursive: true });
      temporary = join(folder, `config.${createHash('sha256').update(code).digest('hex').slice(0, 12)}.${process.pid}.mjs`);
      writeFileSync(temporary, code);
      moduleFile = temporary;
    }
    const loaded = (await import(pathToFileURL(moduleFile).href)) as { default?: unknown };
    if (!('default' in loaded)) {
      throw new CliError('CONFIG_INVALID', `${basename(file)} has no default export`, {
        hint: "export the config: export default defineConfig({ ... }) (defineConfig comes from '@adapt/core')",
      });
    }
    return loaded.default;
  } catch (error) {
    if (error instanceof CliError) throw error;
    throw new CliError('CONFIG_LOAD', `cannot load ${basename(file)}: ${(error as Error)?.message ?? String(error)}`, {
      hint: 'the config module threw while loading; run with --verbose for the stack trace',
      cause: error,
    });
  } finally {
    if (temporary) rmSync(temporary, { force: true });
  }
}

type Check = (value: unknown) => string | undefined;

const isString: Check = (value) => (typeof value === 'string' && value.length > 0 ? undefined : 'a non-empty string');
const isMethodList: Check = (value) =>
  Array.isArray(value) && value.every((item) => typeof item === 'string' && /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/.test(item)) ? undefined : 'a list of HTTP method names, such as ["TRACE"]';
const isPositiveInteger: Check = (value) => (Number.isInteger(value) && (value as number) > 0 ? undefined : 'a positive integer');
const isPositiveNumber: Check = (value) => (typeof value === 'number' && Number.isFinite(value) && value > 0 ? undefined : 'a positive number');
const isEnv: Check = (value) => {
  if (!isPlainObject(value)) return 'an object of string values, such as { API_URL: "https://..." }';
  for (const [key, item] of Object.entries(value)) {
    if (typeof item !== 'string') return `an object of string values (env.${key} is ${typeof item}; write it as a string)`;
  }
  return undefined;
};

/** The settings every target understands, and what each must be. */
export const settingChecks: Record<string, Check> = {
  name: isString,
  memory: isPositiveInteger,
  timeout: isPositiveNumber,
  region: isString,
  env: isEnv,
  static: isString,
  domain: isString,
  bodyLimit: isPositiveInteger,
  trustProxy: trustProxyProblem,
  refuseMethods: isMethodList,
};

const topLevelOnly: Record<string, Check> = { entry: isString, defaultStage: isString };

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'object') return 'an object';
  return `${typeof value} ${String(value)}`;
}

/**
 * Validates a loaded config. Shared and per-stage layers accept only the common settings; a
 * target's layers also accept that target's own settings, unless the key looks like a misspelled
 * common one. Throws one error naming the key, what was expected and, for typos, the likely key.
 */
export function validateConfig(value: unknown, file = 'adapt.config.ts'): AdaptConfig {
  const problems: string[] = [];
  const fail = (path: string, message: string) => problems.push(`${path}: ${message}`);
  if (!isPlainObject(value)) {
    throw new CliError('CONFIG_INVALID', `${file} must export an object, got ${describe(value)}`, {
      hint: "export default defineConfig({ entry: 'src/app.ts' })",
    });
  }

  const checkLayer = (layer: Record<string, unknown>, path: string, extra: Record<string, Check>, open: boolean) => {
    const known = { ...settingChecks, ...extra };
    for (const [key, item] of Object.entries(layer)) {
      const at = path ? `${path}.${key}` : key;
      const check = known[key];
      if (check) {
        if (item === undefined) continue;
        const expected = check(item);
        if (expected) fail(at, `expected ${expected}, got ${describe(item)}`);
        continue;
      }
      const suggestion = didYouMean(key, Object.keys(known));
      if (suggestion) fail(at, `unknown key; did you mean "${suggestion}"?`);
      else if (!open) fail(at, `unknown key; known keys here: ${Object.keys(known).join(', ')}`);
    }
  };

  const checkStages = (stages: unknown, path: string, open: boolean) => {
    if (stages === undefined) return;
    if (!isPlainObject(stages)) return fail(path, `expected an object of stages, such as { prod: { memory: 1024 } }, got ${describe(stages)}`);
    for (const [stage, settings] of Object.entries(stages)) {
      if (!isPlainObject(settings)) fail(`${path}.${stage}`, `expected an object of settings, got ${describe(settings)}`);
      else checkLayer(settings, `${path}.${stage}`, {}, open);
    }
  };

  const { stages, targets, ...shared } = value;
  checkLayer(shared, '', topLevelOnly, false);
  checkStages(stages, 'stages', false);
  if (targets !== undefined) {
    if (!isPlainObject(targets)) fail('targets', `expected an object keyed by target name, such as { lambda: { memory: 512 } }, got ${describe(targets)}`);
    else {
      for (const [target, settings] of Object.entries(targets)) {
        if (!/^[a-z0-9][a-z0-9-]*$/.test(target)) fail(`targets.${target}`, 'a target name is lowercase letters, digits and dashes, such as "node" or "lambda"');
        if (!isPlainObject(settings)) {
          fail(`targets.${target}`, `expected an object of settings, got ${describe(settings)}`);
          continue;
        }
        const { stages: targetStages, ...targetShared } = settings;
        checkLayer(targetShared, `targets.${target}`, {}, true);
        checkStages(targetStages, `targets.${target}.stages`, true);
      }
    }
  }
  if (problems.length > 0) {
    const list = problems.length === 1 ? problems[0] : problems.map((problem) => `\n  - ${problem}`).join('');
    throw new CliError('CONFIG_INVALID', `${file} is invalid: ${list}`, {
      hint: 'fix the keys above; every setting is documented on AdaptConfig in @adapt/core (config.ts)',
    });
  }
  return value as AdaptConfig;
}

/** The stage to use: the flag, else the config's defaultStage, else `dev`; an unknown stage is an error. */
export function selectStage(config: AdaptConfig, requested: string | undefined): string {
  const fallback = config.defaultStage ?? 'dev';
  if (requested === undefined) return fallback;
  const stages = knownStages(config);
  if (stages.includes(requested)) return requested;
  const suggestion = didYouMean(requested, stages);
  throw new CliError('UNKNOWN_STAGE', `unknown stage "${requested}"${suggestion ? `; did you mean "${suggestion}"?` : ''}`, {
    hint: `known stages: ${stages.join(', ')}. Add "${requested}" under stages in adapt.config.ts to create it.`,
  });
}

/** The app's entry module: config `entry`, else the usual files, else package.json `adapt.entry` or `main`. */
export function findEntry(project: Project): string {
  const { dir, config, packageJson } = project;
  if (config.entry) {
    const file = resolve(dir, config.entry);
    if (!existsSync(file)) {
      throw new CliError('ENTRY_NOT_FOUND', `the entry "${config.entry}" set in ${basename(project.configFile ?? 'adapt.config.ts')} does not exist (${file})`, {
        hint: 'fix entry in adapt.config.ts: a path relative to the config file',
      });
    }
    return file;
  }
  for (const candidate of entryCandidates) {
    const file = join(dir, candidate);
    if (existsSync(file)) return file;
  }
  const adaptField = packageJson?.adapt;
  const fromPackage = isPlainObject(adaptField) && typeof adaptField.entry === 'string' ? adaptField.entry : typeof packageJson?.main === 'string' ? packageJson.main : undefined;
  if (fromPackage) {
    const file = resolve(dir, fromPackage);
    if (existsSync(file)) return file;
    throw new CliError('ENTRY_NOT_FOUND', `package.json names the entry "${fromPackage}", which does not exist`, {
      hint: 'fix "adapt.entry" or "main" in package.json, or set entry in adapt.config.ts',
    });
  }
  throw new CliError('ENTRY_NOT_FOUND', `no app entry found in ${dir}`, {
    hint: `create src/app.ts exporting your app as default, or set entry in adapt.config.ts; looked for ${entryCandidates.slice(0, 6).join(', ')}, ..., package.json "adapt.entry" and "main"`,
  });
}

/** The entry as a specifier relative to the project folder, for `import ... from`. */
export function entrySpecifier(dir: string, entry: string): string {
  const path = relative(dir, entry).split('\\').join('/');
  return path.startsWith('.') ? path : `./${path}`;
}
