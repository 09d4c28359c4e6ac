/**
 * Create the function, or update its code and then its configuration, waiting with the SDK's
 * waiters after each change so the next call does not meet an update in progress.
 */
import { AdaptError } from '@adapt/core';
import type { FunctionConfiguration } from '@aws-sdk/client-lambda';
import { awsStepError } from '../errors.js';
import type { DeployPlan } from './plan.js';
import { sendWithRetry, type StepContext } from './_steps.js';

function stateNote(plan: DeployPlan): string {
  return plan.aliasVersion
    ? `The alias ${plan.alias} still points at version ${plan.aliasVersion}: users see no change.`
    : `The alias ${plan.alias} does not exist yet: nothing is serving traffic.`;
}

export async function createFunction(step: StepContext, plan: DeployPlan, zip: Uint8Array, roleArn: string): Promise<FunctionConfiguration> {
  const { lambda, lambdaSdk } = step.clients;
  let created: FunctionConfiguration;
  try {
    created = await sendWithRetry(
      step,
      'CreateFunction',
      () =>
        lambda.send(
          new lambdaSdk.CreateFunctionCommand({
            FunctionName: plan.functionName,
            Runtime: plan.desired.Runtime as never,
            Handler: plan.desired.Handler,
            Role: roleArn,
            Code: { ZipFile: zip },
            MemorySize: plan.desired.MemorySize,
            Timeout: plan.desired.Timeout,
            Architectures: [plan.desired.Architecture as never],
            Environment: { Variables: plan.desired.Environment },
            Description: plan.desired.Description,
            PackageType: 'Zip',
            Publish: false,
          }),
        ),
      { roleRetry: true },
    );
  } catch (error) {
    throw awsStepError('Creating the function', 'CreateFunction', error, `The function ${plan.functionName} was not created.`);
  }
  await waitFor(step, plan, 'active');
  return created;
}

export async function updateCode(step: StepContext, plan: DeployPlan, zip: Uint8Array): Promise<void> {
  const { lambda, lambdaSdk } = step.clients;
  try {
    await sendWithRetry(step, 'UpdateFunctionCode', () =>
      lambda.send(
        new lambdaSdk.UpdateFunctionCodeCommand({
          FunctionName: plan.functionName,
          ZipFile: zip,
          Architectures: [plan.desired.Architecture as never],
          Publish: false,
        }),
      ),
    );
  } catch (error) {
    throw awsStepError('Uploading the code', 'UpdateFunctionCode', error, stateNote(plan));
  }
  await waitFor(step, plan, 'updated');
}

export async function updateConfiguration(step: StepContext, plan: DeployPlan, roleArn: string): Promise<void> {
  const { lambda, lambdaSdk } = step.clients;
  try {
    await sendWithRetry(
      step,
      'UpdateFunctionConfiguration',
      () =>
        lambda.send(
          new lambdaSdk.UpdateFunctionConfigurationCommand({
            FunctionName: plan.functionName,
            Runtime: plan.desired.Runtime as never,
            Handler: plan.desired.Handler,
            Role: roleArn,
            MemorySize: plan.desired.MemorySize,
            Timeout: plan.desired.Timeout,
            Environment: { Variables: plan.desired.Environment },
            Description: plan.desired.Description,
          }),
        ),
      { roleRetry: true },
    );
  } catch (error) {
    throw awsStepError('Updating the configuration', 'UpdateFunctionConfiguration', error, stateNote(plan));
  }
  await waitFor(step, plan, 'updated');
}

/** Waits until the function is Active (after create) or its last update Successful. */
export async function waitFor(step: StepContext, plan: DeployPlan, what: 'active' | 'updated'): Promise<void> {
  const { lambda, lambdaSdk } = step.clients;
  const waiter = { client: lambda, ...step.waiter };
  const input = { FunctionName: plan.functionName };
  try {
    if (what === 'active') await lambdaSdk.waitUntilFunctionActiveV2(waiter, input);
    else await lambdaSdk.waitUntilFunctionUpdatedV2(waiter, input);
  } catch (error) {
    const reason = waiterReason(error, what) ?? (await currentStatus(step, plan.functionName, what)) ?? (error instanceof Error ? error.message : String(error));
    throw new AdaptError('AWS_ERROR', `The function ${plan.functionName} did not become ${what === 'active' ? 'Active' : 'updated'} (${reason}).`, {
      hint: `${stateNote(plan)} Check the function in the Lambda console, then run the deploy again.`,
      cause: error,
    });
  }
}

type Status = { State?: string; StateReason?: string; LastUpdateStatus?: string; LastUpdateStatusReason?: string };

function describeStatus(fn: Status, what: 'active' | 'updated'): string {
  return what === 'active'
    ? `State ${fn.State ?? 'unknown'}${fn.StateReason ? `: ${fn.StateReason}` : ''}`
    : `LastUpdateStatus ${fn.LastUpdateStatus ?? 'unknown'}${fn.LastUpdateStatusReason ? `: ${fn.LastUpdateStatusReason}` : ''}`;
}

/** The SDK's waiter error carries its last observation as JSON: `{ state, reason }`. */
function waiterReason(error: unknown, what: 'active' | 'updated'): string | undefined {
  try {
    const parsed = JSON.parse((error as Error).message) as { state?: string; reason?: { Configuration?: Status } | string };
    if (typeof parsed.reason === 'string') return `${parsed.state}: ${parsed.reason}`;
    const fn = parsed.reason?.Configuration;
    return fn ? describeStatus(fn, what) : undefined;
  } catch {
    return undefined;
  }
}

async function currentStatus(step: StepContext, functionName: string, what: 'active' | 'updated'): Promise<string | undefined> {
  try {
    return describeStatus(await step.clients.lambda.send(new step.clients.lambdaSdk.GetFunctionConfigurationCommand({ FunctionName: functionName })), what);
  } catch {
    return undefined;
  }
}
