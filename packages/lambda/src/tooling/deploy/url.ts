/**
 * The Function URL on the stage alias: auth NONE or AWS_IAM, CORS, and RESPONSE_STREAM when the
 * app streams. A public URL needs two resource-based statements since October 2025:
 * lambda:InvokeFunctionUrl and lambda:InvokeFunction (with InvokedViaFunctionUrl).
 */
import type { Cors, GetFunctionUrlConfigCommandOutput } from '@aws-sdk/client-lambda';
import type { AwsClients } from '../aws.js';
import { awsStepError } from '../errors.js';
import type { ResolvedLambdaSettings } from '../settings.js';
import { isNotFound } from './_state.js';

export const publicUrlStatement = 'adapt-function-url';
export const publicInvokeStatement = 'adapt-function-url-invoke';

export interface UrlState {
  exists: boolean;
  config: GetFunctionUrlConfigCommandOutput | undefined;
  /** Statement ids on the alias's resource policy. */
  statements: string[];
  missing?: string[];
  extra?: string[];
}

export function desiredCors(settings: ResolvedLambdaSettings): Cors | undefined {
  const cors = settings.url?.cors;
  if (!cors) return undefined;
  return {
    AllowOrigins: cors.allowOrigins,
    AllowMethods: cors.allowMethods,
    AllowHeaders: cors.allowHeaders,
    ExposeHeaders: cors.exposeHeaders,
    AllowCredentials: cors.allowCredentials,
    MaxAge: cors.maxAge,
  };
}

function invokeMode(settings: ResolvedLambdaSettings): 'BUFFERED' | 'RESPONSE_STREAM' {
  return settings.streaming ? 'RESPONSE_STREAM' : 'BUFFERED';
}

function wantedStatements(settings: ResolvedLambdaSettings): string[] {
  return settings.url?.auth === 'NONE' ? [publicUrlStatement, publicInvokeStatement] : [];
}

/** The state before the alias exists: no URL, no statements. */
export function emptyUrlState(settings: ResolvedLambdaSettings): UrlState {
  return { exists: false, config: undefined, statements: [], missing: wantedStatements(settings), extra: [] };
}

export async function readUrlState(clients: AwsClients, functionName: string, alias: string, settings: ResolvedLambdaSettings): Promise<UrlState> {
  let config: GetFunctionUrlConfigCommandOutput | undefined;
  try {
    config = await clients.lambda.send(new clients.lambdaSdk.GetFunctionUrlConfigCommand({ FunctionName: functionName, Qualifier: alias }));
  } catch (error) {
    if (!isNotFound(error)) throw awsStepError('Reading the Function URL', 'GetFunctionUrlConfig', error, 'Nothing was changed.');
  }
  const statements = await readStatements(clients, functionName, alias);
  const wanted = wantedStatements(settings);
  const ours = [publicUrlStatement, publicInvokeStatement];
  return {
    exists: config !== undefined,
    config,
    statements,
    missing: wanted.filter((sid) => !statements.includes(sid)),
    extra: ours.filter((sid) => statements.includes(sid) && !wanted.includes(sid)),
  };
}

async function readStatements(clients: AwsClients, functionName: string, alias: string): Promise<string[]> {
  try {
    const answer = await clients.lambda.send(new clients.lambdaSdk.GetPolicyCommand({ FunctionName: functionName, Qualifier: alias }));
    const policy = JSON.parse(answer.Policy ?? '{}') as { Statement?: { Sid?: string }[] };
    return (policy.Statement ?? []).map((statement) => statement.Sid ?? '').filter(Boolean);
  } catch (error) {
    if (isNotFound(error)) return [];
    throw awsStepError('Reading the resource policy', 'GetPolicy', error, 'Nothing was changed.');
  }
}

/** Which URL settings differ from the existing Function URL. */
export function urlConfigChanges(state: UrlState, settings: ResolvedLambdaSettings): string[] {
  const changes: string[] = [];
  const config = state.config;
  if (!config || !settings.url) return changes;
  if (config.AuthType !== settings.url.auth) changes.push(`AuthType ${config.AuthType} -> ${settings.url.auth}`);
  if ((config.InvokeMode ?? 'BUFFERED') !== invokeMode(settings)) changes.push(`InvokeMode ${config.InvokeMode ?? 'BUFFERED'} -> ${invokeMode(settings)}`);
  const want = JSON.stringify(desiredCors(settings) ?? {});
  const have = JSON.stringify(normalizeCors(config.Cors, desiredCors(settings)));
  if (want !== have) changes.push('Cors');
  return changes;
}

/** The existing CORS with only the keys we set, in our order, for comparison. */
function normalizeCors(have: Cors | undefined, want: Cors | undefined): Cors {
  if (!want) return have && Object.values(have).some((v) => v !== undefined && !(Array.isArray(v) && v.length === 0)) ? have : {};
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(want) as (keyof Cors)[]) out[key] = want[key] === undefined ? undefined : have?.[key];
  return out as Cors;
}

/** Creates or updates the URL and its permissions; returns the URL. */
export async function ensureFunctionUrl(
  clients: AwsClients,
  functionName: string,
  alias: string,
  settings: ResolvedLambdaSettings,
  state: UrlState,
  onChange: (message: string) => void,
): Promise<string> {
  const { lambdaSdk, lambda } = clients;
  const auth = settings.url?.auth ?? 'NONE';
  const after = `The alias ${alias} already points at the new version.`;
  let url = state.config?.FunctionUrl;
  try {
    if (!state.exists) {
      const created = await lambda.send(
        new lambdaSdk.CreateFunctionUrlConfigCommand({
          FunctionName: functionName,
          Qualifier: alias,
          AuthType: auth,
          Cors: desiredCors(settings),
          InvokeMode: invokeMode(settings),
        }),
      );
      url = created.FunctionUrl;
      onChange(`created the Function URL (${auth}, ${invokeMode(settings)})`);
    } else if (urlConfigChanges(state, settings).length > 0) {
      const updated = await lambda.send(
        new lambdaSdk.UpdateFunctionUrlConfigCommand({
          FunctionName: functionName,
          Qualifier: alias,
          AuthType: auth,
          Cors: desiredCors(settings) ?? {},
          InvokeMode: invokeMode(settings),
        }),
      );
      url = updated.FunctionUrl;
      onChange(`updated the Function URL: ${urlConfigChanges(state, settings).join(', ')}`);
    }
  } catch (error) {
    throw awsStepError('Setting up the Function URL', state.exists ? 'UpdateFunctionUrlConfig' : 'CreateFunctionUrlConfig', error, after);
  }
  for (const sid of state.missing ?? []) {
    try {
      await lambda.send(
        new lambdaSdk.AddPermissionCommand(
          sid === publicUrlStatement
            ? { FunctionName: functionName, Qualifier: alias, StatementId: sid, Action: 'lambda:InvokeFunctionUrl', Principal: '*', FunctionUrlAuthType: 'NONE' }
            : { FunctionName: functionName, Qualifier: alias, StatementId: sid, Action: 'lambda:InvokeFunction', Principal: '*', InvokedViaFunctionUrl: true },
        ),
      );
      onChange(`allowed public ${sid === publicUrlStatement ? 'lambda:InvokeFunctionUrl' : 'lambda:InvokeFunction'} through the URL`);
    } catch (error) {
      if ((error as { name?: string }).name === 'ResourceConflictException') continue;
      throw awsStepError('Allowing public access to the Function URL', 'AddPermission', error, after);
    }
  }
  for (const sid of state.extra ?? []) {
    try {
      await lambda.send(new lambdaSdk.RemovePermissionCommand({ FunctionName: functionName, Qualifier: alias, StatementId: sid }));
      onChange(`removed the public permission ${sid} (auth is ${auth})`);
    } catch (error) {
      if (!isNotFound(error)) throw awsStepError('Removing a public permission', 'RemovePermission', error, after);
    }
  }
  if (!url) {
    const read = await lambda.send(new lambdaSdk.GetFunctionUrlConfigCommand({ FunctionName: functionName, Qualifier: alias }));
    url = read.FunctionUrl;
  }
  return url ?? '';
}

/** `url: false`: deletes the alias's Function URL and the public statements adapt added. */
export async function removeFunctionUrl(clients: AwsClients, functionName: string, alias: string, state: UrlState, onChange: (message: string) => void): Promise<void> {
  const after = `The alias ${alias} already points at the new version.`;
  if (state.exists) {
    try {
      await clients.lambda.send(new clients.lambdaSdk.DeleteFunctionUrlConfigCommand({ FunctionName: functionName, Qualifier: alias }));
      onChange(`deleted the Function URL ${state.config?.FunctionUrl ?? ''}`.trim());
    } catch (error) {
      if (!isNotFound(error)) throw awsStepError('Deleting the Function URL', 'DeleteFunctionUrlConfig', error, after);
    }
  }
  for (const sid of state.extra ?? []) {
    try {
      await clients.lambda.send(new clients.lambdaSdk.RemovePermissionCommand({ FunctionName: functionName, Qualifier: alias, StatementId: sid }));
      onChange(`removed the public permission ${sid}`);
    } catch (error) {
      if (!isNotFound(error)) throw awsStepError('Removing a public permission', 'RemovePermission', error, after);
    }
  }
}
