/**
 * The project: adapt.config.ts|mts|js|mjs (TypeScript compiled on the fly with esbuild), validated
 * with precise messages, the stage applied, and the app's entry found.
 */
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { createHash } from 'node:crypto';
import {
  AdaptError,
  describeSetting,
  didYouMean,
  isAdaptError,
  knownStages,
  settingProblems,
  sharedSettings,
  stageSettings,
  throwSettingProblems,
  topLevelSettings,
  type AdaptConfig,
} from '@adapt/core';
import { cliNodePaths } from './resolve.js';
import { currentHostname, stageForHost, type PickedStage } from './stage-hosts.js';

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
    throw new AdaptError('CONFIG_LOAD', `${file} is not valid JSON: ${(error as Error).message}`, { hint: 'fix the syntax error in package.json' });
  }
}

function appNameOf(config: AdaptConfig, packageJson: Record<string, unknown> | undefined, dir: string): string {
  const raw = config.name ?? (typeof packageJson?.name === 'string' ? packageJson.name : basename(dir));
  const name = raw
    .replace(/^@[^/]+\//, '')
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, '-')
    .replace(/^-+|-+$/g, '');
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
        throw new AdaptError('CONFIG_LOAD', `cannot compile ${basename(file)}: ${where}${first?.text ?? String(error)}`, {
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
      throw new AdaptError('CONFIG_INVALID', `${basename(file)} has no default export`, {
        hint: "export the config: export default defineConfig({ ... }) (defineConfig comes from '@adapt/core')",
      });
    }
    return loaded.default;
  } catch (error) {
    if (isAdaptError(error)) throw error;
    throw new AdaptError('CONFIG_LOAD', `cannot load ${basename(file)}: ${(error as Error)?.message ?? String(error)}`, {
      hint: 'the config module threw while loading; run with --verbose for the stack trace',
      cause: error,
    });
  } finally {
    if (temporary) rmSync(temporary, { force: true });
  }
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Validates a loaded config against the shared settings schema of @adapt/core. Shared and
 * per-stage layers accept only the shared settings; a target's layers are checked against the
 * target's own schema when the target is loaded (targetContext), and here only for keys that look
 * like a misspelled shared one. Throws one error naming each key, what was expected and, for
 * typos, the likely key.
 */
export function validateConfig(value: unknown, file = 'adapt.config.ts'): AdaptConfig {
  if (!isPlainObject(value)) {
    throw new AdaptError('CONFIG_INVALID', `${file} must export an object, got ${describeSetting(value)}`, {
      hint: "export default defineConfig({ entry: 'src/app.ts' })",
    });
  }
  const problems: string[] = [];
  const fail = (path: string, message: string) => problems.push(`${path}: ${message}`);
  const checkStages = (stages: unknown, path: string, open: boolean, topLevel = false) => {
    if (stages === undefined) return;
    if (!isPlainObject(stages)) return fail(path, `expected an object of stages, such as { prod: { memory: 1024 } }, got ${describeSetting(stages)}`);
    for (const [stage, settings] of Object.entries(stages)) {
      if (!isPlainObject(settings)) fail(`${path}.${stage}`, `expected an object of settings, got ${describeSetting(settings)}`);
      else problems.push(...settingProblems(settings, topLevel ? { ...sharedSettings, ...stageSettings } : sharedSettings, `${path}.${stage}`, open));
    }
  };

  const { stages, targets, ...shared } = value;
  problems.push(...settingProblems(shared, { ...sharedSettings, ...topLevelSettings }, ''));
  checkStages(stages, 'stages', false, true);
  if (targets !== undefined) {
    if (!isPlainObject(targets)) fail('targets', `expected an object keyed by target name, such as { lambda: { memory: 512 } }, got ${describeSetting(targets)}`);
    else {
      for (const [target, settings] of Object.entries(targets)) {
        if (!/^[a-z0-9][a-z0-9-]*$/.test(target)) fail(`targets.${target}`, 'a target name is lowercase letters, digits and dashes, such as "node" or "lambda"');
        if (!isPlainObject(settings)) {
          fail(`targets.${target}`, `expected an object of settings, got ${describeSetting(settings)}`);
          continue;
        }
        // open: the target's own keys are checked against its schema once it is loaded (targetContext)
        const { stages: targetStages, ...targetShared } = settings;
        problems.push(...settingProblems(targetShared, sharedSettings, `targets.${target}`, true));
        checkStages(targetStages, `targets.${target}.stages`, true);
      }
    }
  }
  throwSettingProblems(problems, file);
  return value as AdaptConfig;
}

/**
 * The stage to use and why: the flag, else the stage whose `hosts` name this machine
 * (stage-hosts.ts), else the config's defaultStage, else `dev`; an unknown stage is an error.
 */
export function pickStage(config: AdaptConfig, requested: string | undefined, host: string = currentHostname()): PickedStage {
  const fallback = config.defaultStage ?? 'dev';
  if (requested === undefined) {
    return (
      stageForHost(config, host) ?? {
        stage: fallback,
        by: 'default',
        reason: `no stage's hosts match host "${host}"; ${config.defaultStage ? 'defaultStage' : 'the default stage'}`,
      }
    );
  }
  const stages = knownStages(config);
  if (stages.includes(requested)) return { stage: requested, by: 'flag', reason: '--stage' };
  const suggestion = didYouMean(requested, stages);
  throw new AdaptError('UNKNOWN_STAGE', `unknown stage "${requested}"${suggestion ? `; did you mean "${suggestion}"?` : ''}`, {
    hint: `known stages: ${stages.join(', ')}. Add "${requested}" under stages in adapt.config.ts to create it.`,
  });
}

/** The stage's name only (see pickStage). */
export function selectStage(config: AdaptConfig, requested: string | undefined, host?: string): string {
  return pickStage(config, requested, host).stage;
}

/** The app's entry module: config `entry`, else the usual files, else package.json `adapt.entry` or `main`. */
export function findEntry(project: Project): string {
  const { dir, config, packageJson } = project;
  if (config.entry) {
    const file = resolve(dir, config.entry);
    if (!existsSync(file)) {
      throw new AdaptError('ENTRY_NOT_FOUND', `the entry "${config.entry}" set in ${basename(project.configFile ?? 'adapt.config.ts')} does not exist (${file})`, {
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
    throw new AdaptError('ENTRY_NOT_FOUND', `package.json names the entry "${fromPackage}", which does not exist`, {
      hint: 'fix "adapt.entry" or "main" in package.json, or set entry in adapt.config.ts',
    });
  }
  throw new AdaptError('ENTRY_NOT_FOUND', `no app entry found in ${dir}`, {
    hint: `create src/app.ts exporting your app as default, or set entry in adapt.config.ts; looked for ${entryCandidates.slice(0, 6).join(', ')}, ..., package.json "adapt.entry" and "main"`,
  });
}

/** The entry as a specifier relative to the project folder, for `import ... from`. */
export function entrySpecifier(dir: string, entry: string): string {
  const path = relative(dir, entry).split('\\').join('/');
  return path.startsWith('.') ? path : `./${path}`;
}
