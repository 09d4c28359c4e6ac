/**
 * The settings schema: every setting declared once, as a name, a check, a description and an
 * example. The shared settings live here; each target declares its own fields the same way (its
 * `settings` in AdaptTarget). Validation and did-you-mean live here too: the CLI checks a config
 * with them, and a target resolving its settings uses the same function.
 *
 * Build-side code: nothing in a runtime entry imports it.
 */
import { AdaptError } from './adapt-error.js';
import { trustProxyProblem } from './client-address.js';
import type { AdaptConfig } from './config.js';
import { sendFileSettingProblem } from './send-file.js';

/** What a check answers: undefined when the value is fine, else what was expected ("a positive integer"). */
export type SettingCheck = (value: unknown) => string | undefined;

export interface SettingSpec {
  check: SettingCheck;
  description: string;
  /** A value as written in adapt.config.ts, shown in errors and docs: `512`, `"eu-west-1"`. */
  example: string;
}

export type SettingsSchema = Readonly<Record<string, SettingSpec>>;

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Reusable checks. */
export const checks = {
  string: ((value) => (typeof value === 'string' && value.length > 0 ? undefined : 'a non-empty string')) as SettingCheck,
  boolean: ((value) => (typeof value === 'boolean' ? undefined : 'true or false')) as SettingCheck,
  positiveInteger: ((value) => (Number.isInteger(value) && (value as number) > 0 ? undefined : 'a positive integer')) as SettingCheck,
  positiveNumber: ((value) => (typeof value === 'number' && Number.isFinite(value) && value > 0 ? undefined : 'a positive number')) as SettingCheck,
  integer(min: number, max: number): SettingCheck {
    return (value) => (Number.isInteger(value) && (value as number) >= min && (value as number) <= max ? undefined : `an integer from ${min} to ${max}`);
  },
  oneOf(values: readonly unknown[]): SettingCheck {
    return (value) => (values.includes(value) ? undefined : `one of ${values.map((item) => JSON.stringify(item)).join(', ')}`);
  },
  /** A one-line string matching `pattern`. */
  matches(pattern: RegExp, expected: string): SettingCheck {
    return (value) => (typeof value === 'string' && value !== '' && !/[\r\n]/.test(value) && pattern.test(value) ? undefined : expected);
  },
  methodList: ((value) =>
    Array.isArray(value) && value.every((item) => typeof item === 'string' && /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/.test(item))
      ? undefined
      : 'a list of HTTP method names, such as ["TRACE"]') as SettingCheck,
  stringList: ((value) => (Array.isArray(value) && value.every((item) => typeof item === 'string') ? undefined : 'a list of strings')) as SettingCheck,
  env: ((value) => {
    if (!isPlainObject(value)) return 'an object of string values, such as { API_URL: "https://..." }';
    for (const [key, item] of Object.entries(value)) {
      if (typeof item !== 'string') return `an object of string values (env.${key} is ${typeof item}; write it as a string)`;
    }
    return undefined;
  }) as SettingCheck,
  /** Any of these checks; the expectation names them all. */
  either(...options: SettingCheck[]): SettingCheck {
    return (value) => {
      const expected: string[] = [];
      for (const check of options) {
        const problem = check(value);
        if (problem === undefined) return undefined;
        expected.push(problem);
      }
      return expected.join(' or ');
    };
  },
};

/** The settings every target understands (they may appear at the top, per stage and per target). */
export const sharedSettings: SettingsSchema = {
  name: { check: checks.string, description: 'Function or service name on the platform.', example: '"shop-api"' },
  memory: { check: checks.positiveInteger, description: 'Memory in MB (Lambda, Cloud Functions).', example: '512' },
  timeout: { check: checks.positiveNumber, description: 'Request timeout in seconds.', example: '30' },
  region: { check: checks.string, description: 'Cloud region.', example: '"eu-west-1"' },
  env: { check: checks.env, description: 'Environment variables set on the deployed app.', example: '{ API_URL: "https://api.example.com" }' },
  static: { check: checks.string, description: 'A folder of static files served beside the app.', example: '"public"' },
  domain: { check: checks.string, description: 'A custom domain.', example: '"shop.example.com"' },
  bodyLimit: { check: checks.positiveInteger, description: 'Largest request body accepted, in bytes.', example: '1048576' },
  trustProxy: {
    check: trustProxyProblem,
    description: 'Which proxies in front may set X-Forwarded-For: false, true, a hop count, or addresses and CIDRs.',
    example: '["10.0.0.0/8"]',
  },
  refuseMethods: { check: checks.methodList, description: 'HTTP methods answered 405 before the app runs.', example: '["TRACE"]' },
  sendFile: {
    check: sendFileSettingProblem,
    description: 'Who sends sendFile() files (mode: x-accel-redirect, x-sendfile or stream), from which folders (roots), nginx internalPrefix.',
    example: '{ mode: "x-accel-redirect", roots: ["/srv/files"] }',
  },
};

/** Settings only the top level of the config holds. */
export const topLevelSettings: SettingsSchema = {
  entry: { check: checks.string, description: "The app's module, relative to the config file.", example: '"src/app.ts"' },
  defaultStage: { check: checks.string, description: 'Stage used when none is given.', example: '"dev"' },
};

/** Settings only a top-level stage holds (`stages.<name>`). */
export const stageSettings: SettingsSchema = {
  hosts: {
    check: (value) =>
      Array.isArray(value) && value.length > 0 && value.every((item) => typeof item === 'string' && /^[A-Za-z0-9*][A-Za-z0-9*.-]*$/.test(item))
        ? undefined
        : 'a list of host names, `*` for any characters but a dot',
    description: 'Machines this stage is picked on when no --stage is given (host names, `*` wildcards).',
    example: '["web-*.example.com", "db1"]',
  },
};

/** Edit distance counting a swap of two neighbours as one edit (optimal string alignment). */
export function editDistance(a: string, b: string): number {
  const rows = Array.from({ length: a.length + 1 }, (_, i) => Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      rows[i][j] = Math.min(rows[i - 1][j] + 1, rows[i][j - 1] + 1, rows[i - 1][j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) rows[i][j] = Math.min(rows[i][j], rows[i - 2][j - 2] + 1);
    }
  }
  return rows[a.length][b.length];
}

/** The closest candidate within a small distance, case-insensitively. */
export function didYouMean(input: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of candidates) {
    const distance = editDistance(input.toLowerCase(), candidate.toLowerCase());
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  const allowed = Math.max(1, Math.min(3, Math.floor(input.length / 3)));
  return bestDistance <= allowed ? best : undefined;
}

/** How a value reads in an error: `"text"`, `an array`, `number 0`. */
export function describeSetting(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'object') return 'an object';
  return `${typeof value} ${String(value)}`;
}

/**
 * The problems of one layer of settings, each as `path.key: message`. `open` lets unknown keys
 * through unless they look like a misspelled known one (a target layer whose target is not loaded).
 */
export function settingProblems(layer: Record<string, unknown>, schema: SettingsSchema, path: string, open = false): string[] {
  const problems: string[] = [];
  const known = Object.keys(schema);
  for (const [key, value] of Object.entries(layer)) {
    const at = path ? `${path}.${key}` : key;
    const spec = schema[key];
    if (spec) {
      if (value === undefined) continue;
      const expected = spec.check(value);
      if (expected) problems.push(`${at}: expected ${expected}, got ${describeSetting(value)} (for example ${key}: ${spec.example})`);
      continue;
    }
    const suggestion = didYouMean(key, known);
    if (suggestion) problems.push(`${at}: unknown key; did you mean "${suggestion}"?`);
    else if (!open) problems.push(`${at}: unknown key; known keys here: ${known.join(', ')}`);
  }
  return problems;
}

/** One CONFIG_INVALID error listing every problem, or nothing when there is none. */
export function throwSettingProblems(problems: string[], file = 'adapt.config.ts'): void {
  if (problems.length === 0) return;
  const list = problems.length === 1 ? problems[0] : problems.map((problem) => `\n  - ${problem}`).join('');
  throw new AdaptError('CONFIG_INVALID', `${file} is invalid: ${list}`, {
    hint: 'fix the keys above; the shared settings are documented on AdaptConfig in @adapt/core, each target documents its own',
  });
}

/**
 * Checks a target's layers of the config (`targets.<name>` and its stages) against the shared
 * settings plus the target's own: an unknown key is refused, with the likely one named.
 */
export function checkTargetSettings(config: AdaptConfig, target: string, schema: SettingsSchema, file?: string): void {
  const layer = config.targets?.[target];
  if (!isPlainObject(layer)) return;
  const full = { ...sharedSettings, ...schema };
  const { stages, ...own } = layer;
  const problems = settingProblems(own, full, `targets.${target}`);
  if (isPlainObject(stages)) {
    for (const [stage, settings] of Object.entries(stages)) {
      if (isPlainObject(settings)) problems.push(...settingProblems(settings, full, `targets.${target}.stages.${stage}`));
    }
  }
  throwSettingProblems(problems, file);
}

/** Checks settings already merged for one target and stage (a target resolving its own). */
export function checkResolvedSettings(settings: Record<string, unknown>, target: string, schema: SettingsSchema): void {
  throwSettingProblems(settingProblems(settings, { ...sharedSettings, ...schema }, `targets.${target}`));
}
