/**
 * The Lambda target's settings (`targets.lambda` in adapt.config.ts, per stage), validated once
 * with the setting named in every error.
 */
import { AdaptError, checks, knownStages, resolveSettings, type SettingCheck, type Settings, type SettingsSchema, type TargetContext, type TrustProxy } from '@adapt/core';

/** The Node.js runtimes Lambda still creates and updates functions on. */
export type LambdaRuntime = 'nodejs22.x' | 'nodejs24.x';
export type LambdaArchitecture = 'arm64' | 'x86_64';

export interface LambdaUrlSettings {
  /** `NONE` makes the URL public (adapt adds both permissions that needs); `AWS_IAM` signs. */
  auth?: 'NONE' | 'AWS_IAM';
  cors?: {
    allowOrigins?: string[];
    allowMethods?: string[];
    allowHeaders?: string[];
    exposeHeaders?: string[];
    allowCredentials?: boolean;
    maxAge?: number;
  };
}

/** What `targets.lambda` understands beside the shared settings (name, memory, timeout, region, env). */
export interface LambdaSettings extends Settings {
  runtime?: LambdaRuntime;
  architecture?: LambdaArchitecture;
  /** Execution role ARN. Without it adapt creates `<function>-role` with AWSLambdaBasicExecutionRole. */
  role?: string;
  /** The stage's alias. Default `live`. */
  alias?: string;
  /** A Function URL on the alias: `true` for a public one; `false` removes one made before. */
  url?: boolean | LambdaUrlSettings;
  /** Stream responses (Function URL invoke mode RESPONSE_STREAM). */
  streaming?: boolean;
  /** After the alias moves: GET this path (default `/`), or `false` to skip. */
  smoke?: false | { path?: string };
  /** Bundle the AWS SDK instead of using the runtime's copy. */
  bundleSdk?: boolean;
  /** More modules to leave out of the bundle. */
  external?: string[];
  /** AWS endpoint (a local emulator); env AWS_ENDPOINT_URL is the fallback. */
  endpoint?: string;
  description?: string;
}

const urlSetting: SettingCheck = (value) =>
  typeof value === 'boolean' || (typeof value === 'object' && value !== null && !Array.isArray(value)) ? undefined : 'true, false or { auth, cors }';
const smokeSetting: SettingCheck = (value) =>
  value === false || (typeof value === 'object' && value !== null && !Array.isArray(value)) ? undefined : 'false or { path: "/health" }';

/**
 * `targets.lambda`'s own settings, beside the shared ones; one line each. The schema (checked by
 * the CLI when it loads the target) refuses unknown keys and wrong types; the platform's rules for
 * a value (runtimes, ARN and alias forms, memory range, reserved env names) are applied when the
 * settings resolve, below, with the AWS-specific hint.
 */
export const lambdaSettingsSchema: SettingsSchema = {
  runtime: { check: checks.string, description: 'The Node.js Lambda runtime.', example: '"nodejs22.x"' },
  architecture: { check: checks.string, description: 'arm64 (Graviton) or x86_64.', example: '"arm64"' },
  role: { check: checks.string, description: 'Execution role ARN; without it adapt creates <function>-role.', example: '"arn:aws:iam::123456789012:role/my-role"' },
  alias: { check: checks.string, description: "The stage's alias.", example: '"live"' },
  url: { check: urlSetting, description: 'A Function URL on the alias: true for a public one, false removes one made before.', example: 'true' },
  streaming: { check: checks.boolean, description: 'Stream responses (Function URL invoke mode RESPONSE_STREAM).', example: 'true' },
  smoke: { check: smokeSetting, description: 'After the alias moves: GET this path, or false to skip.', example: '{ path: "/health" }' },
  bundleSdk: { check: checks.boolean, description: "Bundle the AWS SDK instead of using the runtime's copy.", example: 'true' },
  external: { check: checks.stringList, description: 'More modules to leave out of the bundle.', example: '["sharp"]' },
  endpoint: { check: checks.string, description: 'AWS endpoint (a local emulator); env AWS_ENDPOINT_URL is the fallback.', example: '"http://127.0.0.1:5000"' },
  description: { check: checks.string, description: "The function's description.", example: '"shop API"' },
};

export interface ResolvedLambdaSettings {
  functionName: string;
  alias: string;
  runtime: LambdaRuntime;
  architecture: LambdaArchitecture;
  memory: number;
  timeout: number;
  env: Record<string, string>;
  role: string | undefined;
  region: string | undefined;
  endpoint: string | undefined;
  url: { auth: 'NONE' | 'AWS_IAM'; cors: LambdaUrlSettings['cors'] } | undefined;
  /** `url: false`: delete a Function URL adapt finds on the alias (leaving `url` out leaves it alone). */
  removeUrl: boolean;
  streaming: boolean;
  /** Methods answered 405 before the app runs (the shared `refuseMethods` setting). */
  refuseMethods: string[] | undefined;
  smokePath: string | undefined;
  bundleSdk: boolean;
  external: string[];
  description: string;
  /** The shared `trustProxy` setting (checked when the config loads), compiled into the handler's options. */
  trustProxy: TrustProxy | undefined;
}

export const defaultAlias = 'live';
export const defaultRuntime: LambdaRuntime = 'nodejs24.x';
export const defaultArchitecture: LambdaArchitecture = 'arm64';
export const runtimes: readonly LambdaRuntime[] = ['nodejs22.x', 'nodejs24.x'];
/** nodejs20.x and older: deprecated runtimes, on which Lambda blocks creating and updating functions. */
const blockedRuntime = /^nodejs(\d+)(\.\d+)?(\.x)?$/;

/** AWS's rule for a function name given as a plain name. */
export const functionNamePattern = /^[a-zA-Z0-9_-]{1,64}$/;
/** AWS's rule for an alias name: not all digits (that would read as a version). */
export const aliasNamePattern = /^(?!\d+$)[a-zA-Z0-9_-]{1,128}$/;
const envKeyPattern = /^[a-zA-Z][a-zA-Z0-9_]*$/;
/** Keys Lambda sets itself and refuses in Environment. */
const reservedEnvKeys = new Set([
  '_HANDLER',
  '_X_AMZN_TRACE_ID',
  'AWS_DEFAULT_REGION',
  'AWS_REGION',
  'AWS_EXECUTION_ENV',
  'AWS_LAMBDA_FUNCTION_NAME',
  'AWS_LAMBDA_FUNCTION_MEMORY_SIZE',
  'AWS_LAMBDA_FUNCTION_VERSION',
  'AWS_LAMBDA_INITIALIZATION_TYPE',
  'AWS_LAMBDA_LOG_GROUP_NAME',
  'AWS_LAMBDA_LOG_STREAM_NAME',
  'AWS_ACCESS_KEY',
  'AWS_ACCESS_KEY_ID',
  'AWS_SECRET_ACCESS_KEY',
  'AWS_SESSION_TOKEN',
  'AWS_LAMBDA_RUNTIME_API',
  'LAMBDA_TASK_ROOT',
  'LAMBDA_RUNTIME_DIR',
]);

/** A default function name from the app name: `@scope/my-app` -> `my-app-<stage>`. */
export function defaultFunctionName(appName: string, stage: string): string {
  const base =
    appName
      .replace(/^@[^/]+\//, '')
      .replace(/[^a-zA-Z0-9_-]+/g, '-')
      .replace(/^-+|-+$/g, '') || 'adapt-app';
  const suffix = `-${stage.replace(/[^a-zA-Z0-9_-]+/g, '-')}`;
  return base.slice(0, 64 - suffix.length) + suffix;
}

function bad(setting: string, message: string, hint: string): never {
  throw new AdaptError('BAD_SETTING', `targets.lambda.${setting}: ${message}`, { hint: hint });
}

function integerIn(setting: string, value: unknown, min: number, max: number, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    bad(setting, `${JSON.stringify(value)} is not a whole number from ${min} to ${max}`, `Set ${setting} between ${min} and ${max} in adapt.config.ts.`);
  }
  return value;
}

/** Reads and checks the target's settings for ctx.stage; throws before anything touches AWS. */
export function resolveLambdaSettings(ctx: Pick<TargetContext, 'settings' | 'stage' | 'config' | 'appName'>): ResolvedLambdaSettings {
  // the stage is known: the CLI's selectStage refuses any other before a target runs
  const s = ctx.settings as LambdaSettings;

  const functionName = s.name ?? defaultFunctionName(ctx.appName, ctx.stage);
  if (typeof functionName !== 'string' || !functionNamePattern.test(functionName)) {
    throw new AdaptError('BAD_FUNCTION_NAME', `AWS would reject the function name ${JSON.stringify(functionName)}: it must be 1 to 64 letters, digits, hyphens or underscores.`, {
      hint: 'Set targets.lambda.name in adapt.config.ts to a name like "my-app-prod".',
    });
  }
  const alias = s.alias ?? defaultAlias;
  if (typeof alias !== 'string' || !aliasNamePattern.test(alias)) {
    bad('alias', `AWS would reject the alias ${JSON.stringify(alias)}: 1 to 128 letters, digits, hyphens or underscores, not only digits`, 'Pick an alias like "live" or "prod".');
  }
  const runtime = s.runtime ?? defaultRuntime;
  const major = typeof runtime === 'string' ? blockedRuntime.exec(runtime)?.[1] : undefined;
  if (major !== undefined && Number(major) < 22) {
    bad(
      'runtime',
      `${JSON.stringify(runtime)} is a deprecated Lambda runtime: AWS blocks creating and updating functions on it`,
      'Use runtime "nodejs24.x" (the default) or "nodejs22.x" in adapt.config.ts.',
    );
  }
  if (!runtimes.includes(runtime)) {
    bad('runtime', `${JSON.stringify(runtime)} is not supported`, `Use one of ${runtimes.join(', ')}.`);
  }
  const architecture = s.architecture ?? defaultArchitecture;
  if (architecture !== 'arm64' && architecture !== 'x86_64') {
    bad('architecture', `${JSON.stringify(architecture)} is not a Lambda architecture`, 'Use "arm64" or "x86_64".');
  }
  const memory = integerIn('memory', s.memory, 128, 10240, 1024);
  const timeout = integerIn('timeout', s.timeout, 1, 900, 30);

  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(s.env ?? {})) {
    if (!envKeyPattern.test(key)) bad(`env.${key}`, 'Lambda accepts only letters, digits and underscores, starting with a letter', 'Rename the variable.');
    if (reservedEnvKeys.has(key)) bad(`env.${key}`, 'Lambda reserves this variable and sets it itself', 'Remove it from env.');
    if (typeof value !== 'string') bad(`env.${key}`, 'values must be strings', `Write env.${key} as a string.`);
    env[key] = value;
  }
  const envBytes = Buffer.byteLength(JSON.stringify(env));
  if (envBytes > 4096) bad('env', `the variables take ${envBytes} bytes; Lambda allows 4 KB in total`, 'Move large values to SSM Parameter Store or Secrets Manager.');

  if (s.role !== undefined && (typeof s.role !== 'string' || !/^arn:aws[a-zA-Z-]*:iam::\d{12}:role\/[\w+=,.@/-]{1,512}$/.test(s.role))) {
    bad('role', `${JSON.stringify(s.role)} is not an IAM role ARN`, 'Write it as arn:aws:iam::123456789012:role/my-lambda-role, or remove it and adapt creates one.');
  }

  let url: ResolvedLambdaSettings['url'];
  if (s.url === true) url = { auth: 'NONE', cors: undefined };
  else if (s.url && typeof s.url === 'object') {
    const auth = s.url.auth ?? 'NONE';
    if (auth !== 'NONE' && auth !== 'AWS_IAM') bad('url.auth', `${JSON.stringify(auth)} is not a Function URL auth type`, 'Use "NONE" (public) or "AWS_IAM".');
    url = { auth, cors: s.url.cors };
  } else if (s.url !== undefined && s.url !== false) {
    bad('url', 'expected true, false or { auth, cors }', 'Write url: true for a public HTTPS URL.');
  }

  let smokePath: string | undefined = '/';
  if (s.smoke === false) smokePath = undefined;
  else if (s.smoke && typeof s.smoke === 'object' && s.smoke.path !== undefined) {
    if (typeof s.smoke.path !== 'string' || !s.smoke.path.startsWith('/')) bad('smoke.path', 'must start with "/"', 'Write smoke: { path: "/health" }.');
    smokePath = s.smoke.path;
  }

  const endpoint = s.endpoint ?? (process.env.AWS_ENDPOINT_URL || undefined);
  if (endpoint !== undefined) {
    let protocol = '';
    try {
      protocol = new URL(endpoint).protocol;
    } catch {
      protocol = '';
    }
    if (protocol !== 'http:' && protocol !== 'https:') {
      const message = `${JSON.stringify(endpoint)} is not an http(s) URL`;
      if (s.endpoint === undefined)
        throw new AdaptError('BAD_SETTING', `AWS_ENDPOINT_URL: ${message}`, { hint: 'Write it like http://127.0.0.1:5000, or unset AWS_ENDPOINT_URL.' });
      bad('endpoint', message, 'Write it like http://127.0.0.1:5000.');
    }
  }

  return {
    functionName,
    alias,
    runtime,
    architecture,
    memory,
    timeout,
    env,
    role: s.role,
    region: s.region,
    endpoint,
    url,
    removeUrl: s.url === false,
    streaming: s.streaming === true,
    refuseMethods: Array.isArray(s.refuseMethods) ? s.refuseMethods.map(String) : undefined,
    smokePath,
    bundleSdk: s.bundleSdk === true,
    external: Array.isArray(s.external) ? s.external.map(String) : [],
    description: (typeof s.description === 'string' ? s.description : `adapt: ${ctx.appName} (${ctx.stage})`).slice(0, 256),
    trustProxy: s.trustProxy as TrustProxy | undefined,
  };
}

/**
 * One alias per stage: refuses a config where another stage resolves to the same function and
 * alias as this one (two stages would move each other's traffic).
 */
export function checkStageAlias(ctx: Pick<TargetContext, 'stage' | 'config' | 'appName'>, settings: ResolvedLambdaSettings): void {
  for (const other of knownStages(ctx.config)) {
    if (other === ctx.stage) continue;
    const s = resolveSettings(ctx.config, 'lambda', other) as LambdaSettings;
    const name = s.name ?? defaultFunctionName(ctx.appName, other);
    const alias = s.alias ?? defaultAlias;
    if (name === settings.functionName && alias === settings.alias) {
      throw new AdaptError('BAD_SETTING', `Stages ${ctx.stage} and ${other} both deploy to the alias ${alias} of ${name}: each would move the other's traffic.`, {
        hint: `Give one of them its own alias (targets.lambda.stages.${other}.alias) or its own function name.`,
      });
    }
  }
}
