#!/usr/bin/env node
// The `adapt` binary. It exists before the first build so that npm links it at install time;
// the CLI itself is the compiled dist/bin.js.
import('../dist/bin.js').catch((error) => {
  if (error && error.code === 'ERR_MODULE_NOT_FOUND' && String(error.message).includes('dist/bin.js')) {
    console.error('error: @adapt/cli is not built\n  run: npm run build (in the adapt repository), or reinstall @adapt/cli');
    process.exitCode = 1;
  } else {
    throw error;
  }
});
