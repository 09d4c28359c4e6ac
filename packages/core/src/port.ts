/**
 * The one rule for a TCP port, whether it comes from a flag, an environment variable, an option
 * or a setting: a whole number from 0 to 65535, 0 meaning any free port. Runtime-safe and tiny:
 * the generated node entry uses it too.
 */
export const portRule = 'an integer from 0 to 65535';

/** The port `value` names (a number, or decimal digits), else undefined. */
export function parsePort(value: unknown): number | undefined {
  if (typeof value === 'string') {
    if (!/^\d{1,5}$/.test(value)) return undefined;
    value = Number(value);
  }
  return typeof value === 'number' && Number.isInteger(value) && value >= 0 && value <= 65535 ? value : undefined;
}
