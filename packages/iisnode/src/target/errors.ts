/** The target's errors: `{ code, message, hint }`, printed by the CLI without a stack. */
export class IisnodeTargetError extends Error {
  readonly code: string;
  readonly hint: string;
  constructor(code: string, message: string, hint: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'IisnodeTargetError';
    this.code = code;
    this.hint = hint;
  }
}

export function configError(message: string, hint: string): IisnodeTargetError {
  return new IisnodeTargetError('CONFIG_INVALID', message, hint);
}
