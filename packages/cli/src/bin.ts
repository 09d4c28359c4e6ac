#!/usr/bin/env node
import { main } from './program.js';

main().catch((error: unknown) => {
  console.error('error:', error instanceof Error ? (error.stack ?? error.message) : error);
  process.exitCode = 1;
});
