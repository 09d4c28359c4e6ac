/**
 * The settings of the gcf and appengine targets (`targets.gcf`, `targets.appengine` in
 * adapt.config.ts, per stage), checked before any call to Google: project, region, function name,
 * runtime, each by Google's documented rules.
 */
import { AdaptError, checks, type SettingsSchema, type TargetContext, type TrustProxy } from '@adapt/core';

/** Node.js runtimes Cloud Run functions and App Engine standard still deploy (nodejs20 was decommissioned 2026-10-30, nodejs18 2025-10-30). */
export const gcfRuntimes = ['nodejs22', 'nodejs24'] as const;
export type GcfRuntime = (typeof gcfRuntimes)[number];
/** The newest Node.js LTS runtime both list. */
export const defaultRuntime: GcfRuntime = 'nodejs24';

/** Regions where Cloud Run functions (2nd gen) can be deployed (Google's Cloud Functions locations page). */
export const gcfRegions: readonly string[] = [
  'africa-south1',
  'asia-east1',
  'asia-east2',
  'asia-northeast1',
  'asia-northeast2',
  'asia-northeast3',
  'asia-south1',
  'asia-south2',
  'asia-southeast1',
  'asia-southeast2',
  'australia-southeast1',
  'australia-southeast2',
  'europe-central2',
  'europe-north1',
  'europe-north2',
  'europe-southwest1',
  'europe-west1',
  'europe-west2',
  'europe-west3',
  'europe-west4',
  'europe-west6',
  'europe-west8',
  'europe-west9',
  'europe-west10',
  'europe-west12',
  'me-central1',
  'me-central2',
  'me-west1',
  'northamerica-northeast1',
  'northamerica-northeast2',
  'northamerica-south1',
  'southamerica-east1',
  'southamerica-west1',
  'us-central1',
  'us-east1',
  'us-east4',
  'us-east5',
  'us-south1',
  'us-west1',
  'us-west2',
  'us-west3',
  'us-west4',
];
export const defaultRegion = 'us-central1';

/** Google's rule for a function name: a letter first, then letters, digits, hyphens or underscores, a letter or digit last, 63 at most. */
export const functionNamePattern = /^[A-Za-z](?:[A-Za-z0-9_-]{0,61}[A-Za-z0-9])?$/;
/** App Engine's rule for a service or version id: lowercase letters, digits and hyphens, not starting or ending with a hyphen, 63 at most. */
export const appEngineIdPattern = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;
/** Google's rule for a project id: 6 to 30 lowercase letters, digits or hyphens, a letter first, no hyphen last. */
export const projectIdPattern = /^[a-z][a-z0-9-]{4,28}[a-z0-9]$/;
const envKeyPattern = /^[A-Za-z_][A-Za-z0-9_]*$/;
/** Variables the platforms set themselves and refuse in the function's environment. */
const reservedEnvKeys = new Set([
  'ENTRYPOINT',
  'GOOGLE_CLOUD_PROJECT',
  'GOOGLE_CLOUD_REGION',
  'FUNCTION_TARGET',
  'FUNCTION_SIGNATURE_TYPE',
  'K_SERVICE',
  'K_REVISION',
  'K_CONFIGURATION',
  'PORT',
  'GAE_ENV',
  'GAE_SERVICE',
  'GAE_VERSION',
  'GAE_INSTANCE',
  'GAE_RUNTIME',
  'GAE_APPLICATION',
  'GAE_DEPLOYMENT_ID',
  'GAE_MEMORY_MB',
]);

const shared = {
  project: { check: checks.string, description: "The Google Cloud project id; else GOOGLE_CLOUD_PROJECT, else the credentials' project.", example: '"my-project-123"' },
  runtime: { check: checks.string, description: 'The Node.js runtime.', example: '"nodejs24"' },
  apiEndpoint: { check: checks.string, description: 'Google API root (a local emulator in tests).', example: '"http://127.0.0.1:8080"' },
};

export const gcfSettingsSchema: SettingsSchema = {
  ...shared,
  maxInstances: { check: checks.positiveInteger, description: 'Most instances the function scales to.', example: '10' },
  minInstances: { check: checks.integer(0, 1000), description: 'Instances kept warm.', example: '1' },
  serviceAccount: { check: checks.string, description: "The function's runtime service account email.", example: '"fn@my-project.iam.gserviceaccount.com"' },
  public: {
    check: checks.boolean,
    description:
      "Whether anyone may call the function's URL (default true: allUsers gets roles/run.invoker on its Cloud Run service, as gcloud's --allow-unauthenticated does); false leaves it to callers with IAM and an identity token.",
    example: 'false',
  },
};

export const appEngineSettingsSchema: SettingsSchema = {
  ...shared,
  service: { check: checks.matches(appEngineIdPattern, 'lowercase letters, digits and hyphens'), description: 'The App Engine service.', example: '"default"' },
  instanceClass: {
    check: checks.matches(/^[FB](1|2|4|4_1G)$/, 'an App Engine standard instance class (F1, F2, F4, F4_1G, B1...)'),
    description: 'The instance class.',
    example: '"F1"',
  },
  scaling: {
    check: (value) => (typeof value === 'object' && value !== null && !Array.isArray(value) ? undefined : '{ minInstances, maxInstances } or { basic: { maxInstances } }'),
    description: 'automatic_scaling (min/max instances) or basic scaling.',
    example: '{ maxInstances: 5 }',
  },
  bucket: { check: checks.string, description: 'Cloud Storage bucket for the source zip; default staging.<project>.appspot.com.', example: '"my-bucket"' },
};

export interface ResolvedGoogleSettings {
  /** Function name or App Engine service. */
  name: string;
  project: string | undefined;
  region: string;
  runtime: GcfRuntime;
  memory: number;
  timeout: number;
  env: Record<string, string>;
  apiEndpoint: string | undefined;
  static: string | undefined;
  bodyLimit: number | undefined;
  trustProxy: TrustProxy | undefined;
  maxInstances: number | undefined;
  minInstances: number | undefined;
  serviceAccount: string | undefined;
  /** gcf: allUsers may invoke the URL. */
  public: boolean;
  instanceClass: string;
  scaling: Record<string, unknown> | undefined;
  bucket: string | undefined;
}

function bad(target: string, setting: string, message: string, hint: string): never {
  throw new AdaptError('BAD_SETTING', `targets.${target}.${setting}: ${message}`, { hint });
}

/** A default name from the app name: `@scope/My_App` -> `my-app-<stage>` (valid for both platforms). */
export function defaultName(appName: string, stage: string): string {
  const clean = (text: string) =>
    text
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-+|-+$/g, '');
  const base = clean(appName.replace(/^@[^/]+\//, '')).replace(/^[^a-z]+/, '') || 'adapt-app';
  const suffix = `-${clean(stage)}`;
  return base.slice(0, 63 - suffix.length).replace(/-+$/, '') + suffix;
}

/** Reads and checks the settings of `target` ('gcf' or 'appengine') for ctx.stage; throws before anything calls Google. */
export function resolveGoogleSettings(
  target: 'gcf' | 'appengine',
  ctx: Pick<TargetContext, 'settings' | 'stage' | 'appName'>,
  env: NodeJS.ProcessEnv = process.env,
): ResolvedGoogleSettings {
  const s = ctx.settings as Record<string, unknown>;
  const name = ((target === 'gcf' ? s.name : s.service) ?? (target === 'gcf' ? defaultName(ctx.appName, ctx.stage) : 'default')) as string;
  if (target === 'gcf' && (typeof name !== 'string' || !functionNamePattern.test(name))) {
    throw new AdaptError(
      'BAD_FUNCTION_NAME',
      `Google would refuse the function name ${JSON.stringify(name)}: it must start with a letter, hold only letters, digits, hyphens and underscores, end with a letter or digit, and be 63 characters at most.`,
      { hint: 'Set targets.gcf.name in adapt.config.ts to a name like "shop-api".' },
    );
  }
  if (target === 'appengine' && (typeof name !== 'string' || !appEngineIdPattern.test(name))) {
    bad(target, 'service', `App Engine would refuse the service ${JSON.stringify(name)}: lowercase letters, digits and hyphens, 63 at most`, 'Write it like "default" or "api".');
  }
  const project = (s.project as string | undefined) ?? (env.GOOGLE_CLOUD_PROJECT || env.GCLOUD_PROJECT || undefined);
  if (project !== undefined && !projectIdPattern.test(project)) {
    bad(
      target,
      'project',
      `${JSON.stringify(project)} is not a Google Cloud project id (6 to 30 lowercase letters, digits or hyphens, starting with a letter)`,
      'Copy the project id (not its name or number) from `gcloud projects list`.',
    );
  }
  const region = (s.region as string | undefined) ?? defaultRegion;
  if (target === 'gcf' && !gcfRegions.includes(region)) {
    bad(target, 'region', `Cloud Run functions has no region ${JSON.stringify(region)}`, `Use one of: ${gcfRegions.join(', ')}.`);
  }
  const runtime = (s.runtime as string | undefined) ?? defaultRuntime;
  const major = /^nodejs(\d+)$/.exec(runtime)?.[1];
  if (major !== undefined && Number(major) < 22) {
    bad(
      target,
      'runtime',
      `${JSON.stringify(runtime)} is decommissioned: Google no longer deploys it (nodejs20 since 2026-10-30, nodejs18 since 2025-10-30)`,
      `Use runtime "${defaultRuntime}" (the default) or "nodejs22".`,
    );
  }
  if (!(gcfRuntimes as readonly string[]).includes(runtime))
    bad(target, 'runtime', `${JSON.stringify(runtime)} is not a Node.js runtime adapt deploys`, `Use one of ${gcfRuntimes.join(', ')}.`);
  const memory = (s.memory as number | undefined) ?? 256;
  if (target === 'gcf' && (memory < 128 || memory > 32768)) bad(target, 'memory', `${memory} MB is outside 128 to 32768`, 'Set memory in MB, such as 256 or 512.');
  const timeout = (s.timeout as number | undefined) ?? 60;
  if (target === 'gcf' && timeout > 3600) bad(target, 'timeout', `${timeout} s is over the 3600 s an HTTP function may run`, 'Set timeout to 3600 or less.');
  const variables: Record<string, string> = {};
  for (const [key, value] of Object.entries((s.env as Record<string, string> | undefined) ?? {})) {
    if (!envKeyPattern.test(key)) bad(target, `env.${key}`, 'Google accepts letters, digits and underscores, not starting with a digit', 'Rename the variable.');
    if (reservedEnvKeys.has(key) || key.startsWith('X_GOOGLE_')) bad(target, `env.${key}`, 'the platform sets this variable itself', 'Remove it from env.');
    variables[key] = value;
  }
  const apiEndpoint = s.apiEndpoint as string | undefined;
  if (apiEndpoint !== undefined && !/^https?:\/\/[^/\s]+\/?$/.test(apiEndpoint))
    bad(target, 'apiEndpoint', `${JSON.stringify(apiEndpoint)} is not an http(s) origin`, 'Write it like http://127.0.0.1:8080.');
  return {
    name,
    project,
    region,
    runtime: runtime as GcfRuntime,
    memory,
    timeout,
    env: variables,
    apiEndpoint,
    static: s.static as string | undefined,
    bodyLimit: s.bodyLimit as number | undefined,
    trustProxy: s.trustProxy as TrustProxy | undefined,
    maxInstances: s.maxInstances as number | undefined,
    minInstances: s.minInstances as number | undefined,
    serviceAccount: s.serviceAccount as string | undefined,
    public: (s.public as boolean | undefined) ?? true,
    instanceClass: (s.instanceClass as string | undefined) ?? 'F1',
    scaling: s.scaling as Record<string, unknown> | undefined,
    bucket: s.bucket as string | undefined,
  };
}
