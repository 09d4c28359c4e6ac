/**
 * The AWS side of the target: the SDK imported lazily (so `adapt build` and `adapt --help` never
 * load it), clients aimed at a region and an optional endpoint, and the checks for credentials and
 * region that run before anything changes.
 */
import { AdaptError, importSdk, type TargetLogger } from '@adapt/core';
import type { IAMClient } from '@aws-sdk/client-iam';
import type { LambdaClient } from '@aws-sdk/client-lambda';
import { defaultBackoff, sleep as realSleep, type BackoffOptions, type Sleep } from './retry.js';
import type { ResolvedLambdaSettings } from './settings.js';

export type LambdaSdk = typeof import('@aws-sdk/client-lambda');
export type IamSdk = typeof import('@aws-sdk/client-iam');

export interface AwsClients {
  lambdaSdk: LambdaSdk;
  iamSdk: IamSdk;
  lambda: LambdaClient;
  iam: IAMClient;
  region: string;
  endpoint: string | undefined;
}

/** What deploy, rollback and list need besides the context: injectable for tests, defaults for real use. */
export interface AwsRuntime {
  /** Prebuilt clients; otherwise created from the settings and the standard AWS chain. */
  clients?: AwsClients;
  sleep?: Sleep;
  backoff?: BackoffOptions;
  /** Waiter bounds in seconds (the SDK's waiters poll with backoff between minDelay and maxDelay). */
  waiter?: { minDelay: number; maxDelay: number; maxWaitTime: number };
  fetch?: typeof fetch;
}

export interface ResolvedRuntime {
  clients: AwsClients;
  sleep: Sleep;
  backoff: BackoffOptions;
  waiter: { minDelay: number; maxDelay: number; maxWaitTime: number };
  fetch: typeof fetch;
}

const sdkUse = { purpose: 'Deploying to Lambda', install: 'npm install --save-dev @aws-sdk/client-lambda @aws-sdk/client-iam' };

/** Imports both SDK clients, or says exactly what to install. */
export async function loadSdks(): Promise<{ lambdaSdk: LambdaSdk; iamSdk: IamSdk }> {
  const lambdaSdk = await importSdk('@aws-sdk/client-lambda', () => import('@aws-sdk/client-lambda'), sdkUse);
  const iamSdk = await importSdk('@aws-sdk/client-iam', () => import('@aws-sdk/client-iam'), sdkUse);
  return { lambdaSdk, iamSdk };
}

/** Regions of every AWS partition (from the SDK's partition table, November 2026). */
const knownRegions = new Set(
  (
    'af-south-1 ap-east-1 ap-east-2 ap-northeast-1 ap-northeast-2 ap-northeast-3 ap-south-1 ap-south-2 ap-southeast-1 ' +
    'ap-southeast-2 ap-southeast-3 ap-southeast-4 ap-southeast-5 ap-southeast-6 ap-southeast-7 ca-central-1 ca-west-1 ' +
    'eu-central-1 eu-central-2 eu-north-1 eu-south-1 eu-south-2 eu-west-1 eu-west-2 eu-west-3 il-central-1 me-central-1 ' +
    'me-south-1 me-west-1 mx-central-1 sa-east-1 sa-west-1 us-east-1 us-east-2 us-west-1 us-west-2 cn-north-1 ' +
    'cn-northwest-1 eusc-de-east-1 us-iso-east-1 us-iso-west-1 us-isob-east-1 us-isob-west-1 eu-isoe-west-1 ' +
    'us-isof-east-1 us-isof-south-1 us-gov-east-1 us-gov-west-1'
  ).split(' '),
);
const regionShape = /^[a-z]{2,4}(-(gov|iso[a-z]?|de))?-[a-z]+-\d+$/;

/** Throws unless `region` is an AWS region (any well-formed name when aimed at a custom endpoint). */
export function checkRegion(region: string, endpoint: string | undefined, source: string): void {
  if (!regionShape.test(region)) {
    throw new AdaptError('BAD_REGION', `"${region}" (from ${source}) is not an AWS region name.`, { hint: 'Use a region such as us-east-1 or eu-west-1.' });
  }
  if (endpoint === undefined && !knownRegions.has(region)) {
    const near = [...knownRegions].filter((known) => known.split('-')[0] === region.split('-')[0]).slice(0, 8);
    throw new AdaptError('BAD_REGION', `"${region}" (from ${source}) is not a region AWS Lambda runs in.`, {
      hint: near.length ? `Did you mean one of ${near.join(', ')}?` : 'Use a region such as us-east-1 or eu-west-1.',
    });
  }
}

const credentialsHint =
  'Set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (and AWS_SESSION_TOKEN for temporary keys), or AWS_PROFILE for a profile in ~/.aws/config (run `aws configure`, or `aws sso login --profile NAME` for SSO).';

/**
 * adapt's one line about the Node the SDK will need, or undefined when this Node is fine. The SDK
 * says the same in an 8-line NodeVersionSupportWarning on every run
 * (https://github.com/aws/aws-sdk-js-v3/issues/7983).
 */
export function sdkNodeNotice(nodeVersion: string = process.versions.node): string | undefined {
  if (Number(nodeVersion.split('.')[0]) >= 22) return undefined;
  return (
    `Node ${nodeVersion}: AWS SDK for JavaScript releases after the first week of January 2027 need Node 22 or newer, ` +
    'so from then on adapt deploy works here only with the SDK versions installed now. Run adapt on Node 22 or 24.'
  );
}

/**
 * Silences the SDK's own warning the documented way (AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED,
 * read when a client is made) and says it once in adapt's words instead. A value the user set is
 * left alone: `false` keeps the SDK's text, `true` silences both.
 */
function replaceSdkNodeWarning(log: Pick<TargetLogger, 'warn'> | undefined): void {
  const knob = 'AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED';
  if (process.env[knob] !== undefined) return;
  process.env[knob] = 'true';
  const notice = sdkNodeNotice();
  if (notice) log?.warn(notice);
}

/** Creates the clients and proves that credentials and a region are there, before any change. */
export async function createAwsClients(settings: ResolvedLambdaSettings, log?: Pick<TargetLogger, 'warn'>): Promise<AwsClients> {
  const { lambdaSdk, iamSdk } = await loadSdks();
  replaceSdkNodeWarning(log);
  let region = settings.region;
  let source = 'targets.lambda.region';
  if (region === undefined) {
    const probe = new lambdaSdk.LambdaClient({});
    try {
      region = await probe.config.region();
      source = process.env.AWS_REGION ? 'AWS_REGION' : process.env.AWS_DEFAULT_REGION ? 'AWS_DEFAULT_REGION' : 'the AWS profile';
    } catch {
      region = undefined;
    } finally {
      probe.destroy();
    }
  }
  if (!region) {
    throw new AdaptError('NO_REGION', 'No AWS region: neither targets.lambda.region in adapt.config.ts, nor AWS_REGION, nor the AWS profile names one.', {
      hint: 'Set region in adapt.config.ts (targets.lambda.region) or export AWS_REGION=us-east-1.',
    });
  }
  checkRegion(region, settings.endpoint, source);
  const common = { region, ...(settings.endpoint ? { endpoint: settings.endpoint } : {}) };
  const lambda = new lambdaSdk.LambdaClient(common);
  const iam = new iamSdk.IAMClient(common);
  try {
    await lambda.config.credentials();
  } catch (error) {
    lambda.destroy();
    iam.destroy();
    throw new AdaptError('NO_CREDENTIALS', 'No AWS credentials found in the environment, the shared config files or SSO.', { hint: credentialsHint, cause: error });
  }
  return { lambdaSdk, iamSdk, lambda, iam, region, endpoint: settings.endpoint };
}

export async function resolveRuntime(settings: ResolvedLambdaSettings, runtime: AwsRuntime = {}, log?: Pick<TargetLogger, 'warn'>): Promise<ResolvedRuntime> {
  return {
    clients: runtime.clients ?? (await createAwsClients(settings, log)),
    sleep: runtime.sleep ?? realSleep,
    backoff: runtime.backoff ?? defaultBackoff,
    waiter: runtime.waiter ?? { minDelay: 1, maxDelay: 10, maxWaitTime: 300 },
    fetch: runtime.fetch ?? fetch,
  };
}

/** Closes clients this module created (not ones passed in). */
export function releaseRuntime(resolved: ResolvedRuntime, runtime: AwsRuntime = {}): void {
  if (runtime.clients) return;
  resolved.clients.lambda.destroy();
  resolved.clients.iam.destroy();
}
