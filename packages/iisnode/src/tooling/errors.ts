/** The target's errors: core's AdaptError `{ code, message, hint }`, printed by the CLI without a stack. */
import { AdaptError } from '@adapt/core';

export function targetError(code: string, message: string, hint: string, cause?: unknown): AdaptError {
  return new AdaptError(code, message, { hint, cause });
}

export function configError(message: string, hint: string): AdaptError {
  return new AdaptError('CONFIG_INVALID', message, { hint });
}
