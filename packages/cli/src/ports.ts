import { usageError } from './errors.js';

/** The PORT environment variable as a port number, or undefined when unset; a bad value is a usage error. */
export function portFromEnv(value: string | undefined): number | undefined {
  if (value === undefined || value === '') return undefined;
  if (!/^\d+$/.test(value) || Number(value) > 65535) throw usageError(`PORT must be an integer from 0 to 65535, got "${value}"`, 'fix the PORT environment variable, or pass --port');
  return Number(value);
}
