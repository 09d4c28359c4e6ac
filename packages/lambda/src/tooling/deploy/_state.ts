/** Reads of the current state in AWS, shared by plan, rollback and list. Reads never change anything. */
import type { AliasConfiguration, FunctionConfiguration } from '@aws-sdk/client-lambda';
import type { AwsClients } from '../aws.js';
import { awsErrorName, awsStepError } from '../errors.js';

export function isNotFound(error: unknown): boolean {
  const name = awsErrorName(error);
  return name === 'ResourceNotFoundException' || name === 'NoSuchEntity' || name === 'NoSuchEntityException';
}

export async function getFunction(clients: AwsClients, functionName: string): Promise<FunctionConfiguration | undefined> {
  try {
    const answer = await clients.lambda.send(new clients.lambdaSdk.GetFunctionCommand({ FunctionName: functionName }));
    return answer.Configuration;
  } catch (error) {
    if (isNotFound(error)) return undefined;
    throw awsStepError('Reading the function', 'GetFunction', error, 'Nothing was changed.');
  }
}

export async function getAlias(clients: AwsClients, functionName: string, alias: string): Promise<AliasConfiguration | undefined> {
  try {
    return await clients.lambda.send(new clients.lambdaSdk.GetAliasCommand({ FunctionName: functionName, Name: alias }));
  } catch (error) {
    if (isNotFound(error)) return undefined;
    throw awsStepError('Reading the alias', 'GetAlias', error, 'Nothing was changed.');
  }
}

/** Published versions, oldest first, without $LATEST. */
export async function listVersions(clients: AwsClients, functionName: string): Promise<FunctionConfiguration[]> {
  const versions: FunctionConfiguration[] = [];
  let marker: string | undefined;
  try {
    do {
      const page = await clients.lambda.send(new clients.lambdaSdk.ListVersionsByFunctionCommand({ FunctionName: functionName, Marker: marker }));
      versions.push(...(page.Versions ?? []).filter((v) => v.Version !== '$LATEST'));
      marker = page.NextMarker;
    } while (marker);
  } catch (error) {
    if (isNotFound(error)) return [];
    throw awsStepError('Listing versions', 'ListVersionsByFunction', error, 'Nothing was changed.');
  }
  return versions.sort((a, b) => Number(a.Version) - Number(b.Version));
}

export async function listAliases(clients: AwsClients, functionName: string): Promise<AliasConfiguration[]> {
  const aliases: AliasConfiguration[] = [];
  let marker: string | undefined;
  try {
    do {
      const page = await clients.lambda.send(new clients.lambdaSdk.ListAliasesCommand({ FunctionName: functionName, Marker: marker }));
      aliases.push(...(page.Aliases ?? []));
      marker = page.NextMarker;
    } while (marker);
  } catch (error) {
    if (isNotFound(error)) return [];
    throw awsStepError('Listing aliases', 'ListAliases', error, 'Nothing was changed.');
  }
  return aliases;
}

/** The description adapt writes on each version it publishes, so rollback knows which stage made it. */
export function versionDescription(stage: string, codeSha256: string): string {
  return `adapt stage=${stage} sha256=${codeSha256}`;
}

export function versionStage(description: string | undefined): string | undefined {
  return /^adapt stage=(\S+)/.exec(description ?? '')?.[1];
}

/**
 * The version `adapt rollback` moves the stage's alias back to from `from`: the newest older
 * version the same stage published, else the newest older one; undefined when `from` is the oldest.
 */
export function rollbackVersion(versions: readonly { Version?: string; Description?: string }[], from: string, stage: string): string | undefined {
  const older = versions.filter((v) => Number(v.Version) < Number(from));
  const ours = older.filter((v) => versionStage(v.Description) === stage);
  return (ours.length > 0 ? ours : older).at(-1)?.Version;
}
