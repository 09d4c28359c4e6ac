/**
 * The role EventBridge Scheduler assumes to invoke the stage's alias: `<function>-scheduler`,
 * trusting scheduler.amazonaws.com from this account only (aws:SourceAccount, against the confused
 * deputy), with one inline policy allowing lambda:InvokeFunction on the alias ARN and nothing else.
 * Created or brought up to date in the deploy's role step, read (never changed) by the plan.
 */
import { AdaptError } from '@adapt/core';
import type { AwsClients } from '../aws.js';
import { awsErrorName, awsStepError } from '../errors.js';
import { isNotFound } from './_state.js';

export const schedulerPolicyName = 'adapt-invoke-alias';

export interface SchedulerRolePlan {
  name: string;
  /** Known when the role exists. */
  arn: string | undefined;
  action: 'create' | 'update' | 'unchanged';
}

export function schedulerRoleName(functionName: string): string {
  return `${functionName.slice(0, 54)}-scheduler`;
}

export function schedulerTrustPolicy(account: string): string {
  return JSON.stringify({
    Version: '2012-10-17',
    Statement: [
      {
        Effect: 'Allow',
        Principal: { Service: 'scheduler.amazonaws.com' },
        Action: 'sts:AssumeRole',
        Condition: { StringEquals: { 'aws:SourceAccount': account } },
      },
    ],
  });
}

export function schedulerInvokePolicy(aliasArn: string): string {
  return JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'lambda:InvokeFunction', Resource: aliasArn }] });
}

/** `arn:<partition>:lambda:<region>:<account>:function:<name>:<alias>`, from any ARN of the same account. */
export function aliasArnFrom(anyArn: string, region: string, functionName: string, alias: string): { aliasArn: string; account: string } {
  const [, partition, , , account] = anyArn.split(':');
  if (!partition || !account) throw new AdaptError('AWS_ERROR', `Cannot read the account from the ARN ${anyArn}.`, { hint: 'Set targets.lambda.role to a full role ARN.' });
  return { aliasArn: `arn:${partition}:lambda:${region}:${account}:function:${functionName}:${alias}`, account };
}

/** IAM returns policy documents URL-encoded; compares them as JSON. */
function samePolicy(encoded: string | undefined, wanted: string): boolean {
  if (encoded === undefined) return false;
  try {
    return JSON.stringify(JSON.parse(decodeURIComponent(encoded))) === JSON.stringify(JSON.parse(wanted));
  } catch {
    return false;
  }
}

async function readRole(clients: AwsClients, name: string): Promise<{ arn?: string; trust?: string; policy?: string } | undefined> {
  let role: { Arn?: string; AssumeRolePolicyDocument?: string } | undefined;
  try {
    role = (await clients.iam.send(new clients.iamSdk.GetRoleCommand({ RoleName: name }))).Role;
  } catch (error) {
    if (isNotFound(error)) return undefined;
    throw awsStepError('Reading the scheduler role', 'iam:GetRole', error, 'Nothing was changed.');
  }
  let policy: string | undefined;
  try {
    policy = (await clients.iam.send(new clients.iamSdk.GetRolePolicyCommand({ RoleName: name, PolicyName: schedulerPolicyName }))).PolicyDocument;
  } catch (error) {
    if (!isNotFound(error)) throw awsStepError('Reading the scheduler role', 'iam:GetRolePolicy', error, 'Nothing was changed.');
  }
  return { arn: role?.Arn, trust: role?.AssumeRolePolicyDocument, policy };
}

/** Reads the role; `aliasArn` is the ARN the schedules will target, when already known. */
export async function planSchedulerRole(clients: AwsClients, functionName: string, target: { aliasArn: string; account: string } | undefined): Promise<SchedulerRolePlan> {
  const name = schedulerRoleName(functionName);
  const found = await readRole(clients, name);
  if (!found) return { name, arn: undefined, action: 'create' };
  const upToDate = target !== undefined && samePolicy(found.trust, schedulerTrustPolicy(target.account)) && samePolicy(found.policy, schedulerInvokePolicy(target.aliasArn));
  return { name, arn: found.arn, action: upToDate ? 'unchanged' : 'update' };
}

/** Creates the role or rewrites what differs (trust, inline policy); returns its ARN. */
export async function ensureSchedulerRole(clients: AwsClients, name: string, functionName: string, target: { aliasArn: string; account: string }): Promise<string> {
  const state = 'The function and the schedules were not changed yet.';
  const trust = schedulerTrustPolicy(target.account);
  const policy = schedulerInvokePolicy(target.aliasArn);
  const found = await readRole(clients, name);
  let arn = found?.arn;
  try {
    if (!found) {
      const created = await clients.iam.send(
        new clients.iamSdk.CreateRoleCommand({
          RoleName: name,
          AssumeRolePolicyDocument: trust,
          Description: `Assumed by EventBridge Scheduler to invoke ${functionName}, created by adapt`,
        }),
      );
      arn = created.Role?.Arn;
    } else if (!samePolicy(found.trust, trust)) {
      await clients.iam.send(new clients.iamSdk.UpdateAssumeRolePolicyCommand({ RoleName: name, PolicyDocument: trust }));
    }
    if (!samePolicy(found?.policy, policy)) {
      await clients.iam.send(new clients.iamSdk.PutRolePolicyCommand({ RoleName: name, PolicyName: schedulerPolicyName, PolicyDocument: policy }));
    }
  } catch (error) {
    const denied = awsErrorName(error) === 'AccessDenied' || awsErrorName(error) === 'AccessDeniedException';
    if (denied) {
      throw new AdaptError('AWS_ERROR', `Setting up the scheduler role ${name} failed: this identity may not manage IAM roles.`, {
        hint: `Grant iam:CreateRole, iam:UpdateAssumeRolePolicy, iam:PutRolePolicy and iam:PassRole on ${name} (packages/lambda/DEPLOY.md). ${state}`,
        cause: error,
      });
    }
    throw awsStepError('Setting up the scheduler role', 'iam:CreateRole/PutRolePolicy', error, state);
  }
  if (!arn) throw new AdaptError('AWS_ERROR', `IAM returned no ARN for ${name}.`, { hint: 'Run the deploy again.' });
  return arn;
}
