/**
 * The execution role: the ARN from settings (checked to exist before any change), the role the
 * function already has, or one adapt creates with the basic logging policy.
 */
import type { AwsClients } from '../aws.js';
import { awsErrorName, awsStepError } from '../errors.js';
import { AdaptError, type TargetLogger } from '@adapt/core';
import { withRetry, type BackoffOptions, type Sleep } from '../retry.js';
import { isNotFound } from './_state.js';

export const basicExecutionPolicy = 'arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole';

export const lambdaTrustPolicy = JSON.stringify({
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }],
});

export interface RolePlan {
  /** Known unless the role is to be created (its ARN comes back from CreateRole). */
  arn: string | undefined;
  name: string;
  action: 'use' | 'create';
  source: 'settings' | 'function' | 'adapt';
}

export function roleNameFromArn(arn: string): string {
  return arn.slice(arn.lastIndexOf('/') + 1);
}

/** The role adapt creates for a function when none is configured. */
export function defaultRoleName(functionName: string): string {
  return `${functionName.slice(0, 59)}-role`;
}

export async function planRole(clients: AwsClients, configured: string | undefined, functionName: string, currentRole: string | undefined, log: TargetLogger): Promise<RolePlan> {
  if (configured) {
    const name = roleNameFromArn(configured);
    try {
      const found = await clients.iam.send(new clients.iamSdk.GetRoleCommand({ RoleName: name }));
      if (found.Role?.Arn && found.Role.Arn !== configured) {
        throw new AdaptError('ROLE_NOT_FOUND', `The role ${configured} does not exist: IAM knows a role named ${name}, but its ARN is ${found.Role.Arn}.`, {
          hint: `Set targets.lambda.role to ${found.Role.Arn}.`,
        });
      }
    } catch (error) {
      if (isNotFound(error)) {
        throw new AdaptError('ROLE_NOT_FOUND', `The execution role ${configured} (targets.lambda.role) does not exist in this account.`, {
          hint: 'Fix the ARN, create the role (trusting lambda.amazonaws.com), or remove targets.lambda.role and adapt creates one. Nothing was changed.',
        });
      }
      const name = awsErrorName(error);
      if (name === 'AccessDenied' || name === 'AccessDeniedException') {
        log.warn(`Cannot check that ${configured} exists (no iam:GetRole permission); using it as configured.`);
      } else {
        throw awsStepError('Checking the execution role', 'iam:GetRole', error, 'Nothing was changed.');
      }
    }
    return { arn: configured, name, action: 'use', source: 'settings' };
  }
  if (currentRole) return { arn: currentRole, name: roleNameFromArn(currentRole), action: 'use', source: 'function' };
  const name = defaultRoleName(functionName);
  try {
    const found = await clients.iam.send(new clients.iamSdk.GetRoleCommand({ RoleName: name }));
    return { arn: found.Role?.Arn, name, action: 'use', source: 'adapt' };
  } catch (error) {
    if (isNotFound(error)) return { arn: undefined, name, action: 'create', source: 'adapt' };
    throw awsStepError('Looking up the execution role', 'iam:GetRole', error, 'Nothing was changed.');
  }
}

/** Creates the role and attaches AWSLambdaBasicExecutionRole; returns its ARN. */
export async function createRole(clients: AwsClients, plan: RolePlan, functionName: string, retry: { backoff: BackoffOptions; sleep: Sleep }): Promise<string> {
  const state = 'The function was not created yet.';
  let arn: string | undefined;
  try {
    const created = await clients.iam.send(
      new clients.iamSdk.CreateRoleCommand({
        RoleName: plan.name,
        AssumeRolePolicyDocument: lambdaTrustPolicy,
        Description: `Execution role of the Lambda function ${functionName}, created by adapt`,
      }),
    );
    arn = created.Role?.Arn;
  } catch (error) {
    if (isAccessDenied(error)) {
      throw new AdaptError('AWS_ERROR', `Creating the execution role ${plan.name} failed: this identity may not call iam:CreateRole.`, {
        hint: 'Set targets.lambda.role to an existing role that trusts lambda.amazonaws.com, or grant iam:CreateRole and iam:AttachRolePolicy (packages/lambda/DEPLOY.md lists the policy). The function was not created yet.',
        cause: error,
      });
    }
    if (awsErrorName(error) !== 'EntityAlreadyExists' && awsErrorName(error) !== 'EntityAlreadyExistsException') {
      throw awsStepError('Creating the execution role', 'iam:CreateRole', error, state);
    }
    const found = await clients.iam.send(new clients.iamSdk.GetRoleCommand({ RoleName: plan.name }));
    arn = found.Role?.Arn;
  }
  try {
    // IAM is eventually consistent: a role created a moment ago can still be unknown here.
    await withRetry(() => clients.iam.send(new clients.iamSdk.AttachRolePolicyCommand({ RoleName: plan.name, PolicyArn: basicExecutionPolicy })), {
      ...retry.backoff,
      sleep: retry.sleep,
      retryable: isNotFound,
    });
  } catch (error) {
    throw awsStepError('Attaching AWSLambdaBasicExecutionRole to the role', 'iam:AttachRolePolicy', error, `The role ${plan.name} exists without its policy. ${state}`);
  }
  if (!arn) throw new AdaptError('AWS_ERROR', `IAM created ${plan.name} but returned no ARN.`, { hint: 'Run the deploy again.' });
  return arn;
}

/** Lambda's answer while a new role has not reached every region yet. */
export function isRoleNotAssumable(error: unknown): boolean {
  return awsErrorName(error) === 'InvalidParameterValueException' && /cannot be assumed|role defined for the function/i.test((error as Error).message ?? '');
}

function isAccessDenied(error: unknown): boolean {
  const name = awsErrorName(error);
  return name === 'AccessDenied' || name === 'AccessDeniedException';
}
