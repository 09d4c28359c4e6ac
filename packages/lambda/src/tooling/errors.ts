/**
 * Helpers for the Lambda target's errors, all AdaptErrors (`{ code, message, hint }`, from
 * @adapt/core): its codes are SDK_MISSING, SDK_BROKEN, NO_CREDENTIALS, NO_REGION, BAD_REGION,
 * UNKNOWN_STAGE, BAD_SETTING, BAD_FUNCTION_NAME, NOT_BUILT, BUILD_MISMATCH, ZIP_TOO_LARGE,
 * ROLE_NOT_FOUND, FUNCTION_NOT_FOUND, VERSION_NOT_FOUND, NOTHING_TO_ROLL_BACK, AWS_ERROR,
 * SMOKE_FAILED, BAD_EVENT, INVOKE_FAILED and START_FAILED.
 */
import { AdaptError, isAdaptError } from '@adapt/core';

/** The AWS error name (`ResourceConflictException`...) of an SDK error, if it is one. */
export function awsErrorName(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const name = (error as { name?: unknown }).name;
  return typeof name === 'string' ? name : undefined;
}

/** The HTTP status of an SDK error, if it carries one. */
export function awsErrorStatus(error: unknown): number | undefined {
  const metadata = (error as { $metadata?: { httpStatusCode?: number } } | null)?.$metadata;
  return metadata?.httpStatusCode;
}

/**
 * Wraps an SDK error thrown by `call` during `step` into an AdaptError that names the call
 * and says what to do. `state` tells the user where the deploy stopped.
 */
export function awsStepError(step: string, call: string, error: unknown, state: string): AdaptError {
  if (isAdaptError(error)) return error;
  const name = awsErrorName(error) ?? 'Error';
  const detail = error instanceof Error ? error.message : String(error);
  let hint = `${state} Fix the cause and run the same command again.`;
  if (name === 'AccessDeniedException' || name === 'AccessDenied' || awsErrorStatus(error) === 403) {
    hint = `The deploying identity lacks permission for lambda/iam ${call}: see the IAM policy in packages/lambda/DEPLOY.md. ${state}`;
  } else if (name === 'TooManyRequestsException' || name === 'ThrottlingException') {
    hint = `AWS is throttling this account; wait a minute and run the command again. ${state}`;
  }
  return new AdaptError('AWS_ERROR', `${step} failed: ${call} answered ${name}: ${detail}`, { hint: hint, cause: error });
}
