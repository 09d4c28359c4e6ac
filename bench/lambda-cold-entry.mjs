// A hello-world Lambda handler built with adapt, for ../shared/bench/cold-start.sh (README §3):
//   /work/shared/bench/cold-start.sh adapt=$PWD/bench/lambda-cold-entry.mjs
// (build first: npx tsc -b packages/lambda)
import { toLambdaHandler } from '../packages/lambda/dist/index.js';

export const handler = toLambdaHandler(() => new Response('Hello'));
