import { parsePort, portRule } from '@adapt/core';
import { usageError } from './errors.js';

/** The PORT environment variable as a port number, or undefined when unset; a bad value is a usage error. */
export function portFromEnv(value: string | undefined): number | undefined {
  if (value === undefined || value === '') return undefined;
  const port = parsePort(value);
  if (port === undefined) throw usageError(`PORT must be ${portRule}, got "${value}"`, 'fix the PORT environment variable, or pass --port');
  return port;
}
