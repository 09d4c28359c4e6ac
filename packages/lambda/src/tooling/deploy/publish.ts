/** Publish an immutable version of $LATEST, tagged with the stage, and wait until it is Active. */
import { AdaptError } from '@adapt/core';
import { awsStepError } from '../errors.js';
import { versionDescription } from './_state.js';
import type { DeployPlan } from './plan.js';
import { sendWithRetry, type StepContext } from './_steps.js';

export async function publishVersion(step: StepContext, plan: DeployPlan): Promise<string> {
  const { lambda, lambdaSdk } = step.clients;
  const note = plan.aliasVersion
    ? `The alias ${plan.alias} still points at version ${plan.aliasVersion}: users see no change.`
    : `The alias ${plan.alias} does not exist yet: nothing is serving traffic.`;
  let version: string | undefined;
  try {
    const published = await sendWithRetry(step, 'PublishVersion', () =>
      lambda.send(
        new lambdaSdk.PublishVersionCommand({
          FunctionName: plan.functionName,
          CodeSha256: plan.codeSha256,
          Description: versionDescription(plan.stage, plan.codeSha256),
        }),
      ),
    );
    version = published.Version;
  } catch (error) {
    throw awsStepError('Publishing a version', 'PublishVersion', error, note);
  }
  if (!version) throw new AdaptError('AWS_ERROR', 'PublishVersion returned no version number.', { hint: `${note} Run the deploy again.` });
  try {
    await lambdaSdk.waitUntilPublishedVersionActive({ client: lambda, ...step.waiter }, { FunctionName: plan.functionName, Qualifier: version });
  } catch (error) {
    throw new AdaptError('AWS_ERROR', `Version ${version} of ${plan.functionName} did not become Active.`, { hint: `${note} Run the deploy again.`, cause: error });
  }
  return version;
}
