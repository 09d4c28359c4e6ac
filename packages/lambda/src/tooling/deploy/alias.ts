/** Point the stage's alias at a version: create it on the first deploy, move it afterwards. */
import { AdaptError } from '@adapt/core';
import type { AliasConfiguration } from '@aws-sdk/client-lambda';
import { awsErrorName, awsStepError } from '../errors.js';
import { sendWithRetry, type StepContext } from './_steps.js';

export interface AliasMove {
  functionName: string;
  alias: string;
  version: string;
  /** The version the alias pointed at, undefined when it is created. */
  from: string | undefined;
  /** RevisionId read with `from`: the move fails if someone else moved the alias meanwhile. */
  revisionId: string | undefined;
  stage: string;
}

export async function pointAlias(step: Pick<StepContext, 'clients' | 'backoff' | 'sleep' | 'log'>, move: AliasMove): Promise<AliasConfiguration> {
  const { lambda, lambdaSdk } = step.clients;
  try {
    if (move.from === undefined) {
      return await sendWithRetry(step, 'CreateAlias', () =>
        lambda.send(
          new lambdaSdk.CreateAliasCommand({ FunctionName: move.functionName, Name: move.alias, FunctionVersion: move.version, Description: `adapt stage ${move.stage}` }),
        ),
      );
    }
    return await sendWithRetry(step, 'UpdateAlias', () =>
      lambda.send(new lambdaSdk.UpdateAliasCommand({ FunctionName: move.functionName, Name: move.alias, FunctionVersion: move.version, RevisionId: move.revisionId })),
    );
  } catch (error) {
    if (awsErrorName(error) === 'PreconditionFailedException') {
      throw new AdaptError('AWS_ERROR', `The alias ${move.alias} changed while this command ran (someone else deployed or rolled back).`, {
        hint: `It was not moved by this command. Check it with \`adapt deploy --target lambda --list\` and run the command again.`,
        cause: error,
      });
    }
    const state = move.from === undefined ? `The alias ${move.alias} was not created.` : `The alias ${move.alias} still points at version ${move.from}.`;
    throw awsStepError(`Pointing the alias ${move.alias} at version ${move.version}`, move.from === undefined ? 'CreateAlias' : 'UpdateAlias', error, state);
  }
}
