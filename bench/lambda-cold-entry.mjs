// A hello-world Lambda handler built with adapt, for ../shared/bench/cold-start.sh (README §3):
//   /work/shared/bench/cold-start.sh adapt=$PWD/bench/lambda-cold-entry.mjs
// (build first: npx tsc -b packages/lambda). It imports the buffered entry, which is what
// `adapt build --target lambda` ships when streaming is off.
import { toLambdaHandler } from '../packages/lambda/dist/buffered.js';

export const handler = toLambdaHandler(() => new Response('Hello'));
