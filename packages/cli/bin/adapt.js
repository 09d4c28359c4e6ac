#!/usr/bin/env node
// The `adapt` binary. It exists before the first build so that npm links it at install time;
// the CLI itself is the compiled dist/bin.js. The Node version is checked first, before the CLI
// and its dependencies load.
async function main() {
  const { nodeVersionProblem } = await import('../dist/node-version.js');
  const problem = nodeVersionProblem(process.versions.node);
  if (problem) {
    console.error(`error: ${problem}`);
    process.exitCode = 1;
    return;
  }
  await import('../dist/bin.js');
}

main().catch((error) => {
  if (error && error.code === 'ERR_MODULE_NOT_FOUND' && /dist\/(bin|node-version)\.js/.test(String(error.message))) {
    console.error('error: @adapt/cli is not built\n  run: npm run build (in the adapt repository), or reinstall @adapt/cli');
    process.exitCode = 1;
  } else {
    throw error;
  }
});
