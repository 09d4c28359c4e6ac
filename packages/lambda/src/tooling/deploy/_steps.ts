/** What every deploy step gets: clients, retry and waiter settings, and a way to say what happens. */
import type { TargetLogger } from '@adapt/core';
import type { ResolvedRuntime } from '../aws.js';
import { awsErrorName } from '../errors.js';
import { withRetry } from '../retry.js';
import { isRoleNotAssumable } from './role.js';

export interface StepContext extends ResolvedRuntime {
  log: TargetLogger;
}

/** What a retried call needs: where to report, how long to back off. */
export type RetryContext = Pick<StepContext, 'log' | 'backoff' | 'sleep'>;

export function isConflict(error: unknown): boolean {
  return awsErrorName(error) === 'ResourceConflictException';
}

/**
 * Sends with backoff on ResourceConflictException (an update still in progress) and, when asked,
 * on a role Lambda cannot assume yet; each retry is reported.
 */
export function sendWithRetry<T>(step: RetryContext, call: string, send: () => Promise<T>, options: { roleRetry?: boolean } = {}): Promise<T> {
  return withRetry(send, {
    ...step.backoff,
    sleep: step.sleep,
    retryable: (error) => isConflict(error) || (options.roleRetry === true && isRoleNotAssumable(error)),
    onRetry: (error, attempt, delayMs) => {
      const seconds = (delayMs / 1000).toFixed(1);
      if (isRoleNotAssumable(error)) {
        step.log.info(
          `  ${call}: the new execution role is not assumable by Lambda yet (IAM is still propagating it); retrying in ${seconds} s (attempt ${attempt + 1} of ${step.backoff.attempts})`,
        );
      } else {
        step.log.info(`  ${call}: another update is still in progress (ResourceConflictException); retrying in ${seconds} s (attempt ${attempt + 1} of ${step.backoff.attempts})`);
      }
    },
  });
}
