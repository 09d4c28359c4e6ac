#!/usr/bin/env node
import { main } from './program.js';

// `adapt ... | head`: the reader went away; stop quietly, as other command-line tools do.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw error;
  });
}

main().catch((error: unknown) => {
  console.error('error:', error instanceof Error ? (error.stack ?? error.message) : error);
  process.exitCode = 1;
});
