// adapt's Lambda adapter for ../shared/bench/lambda-events.mjs (README §1): build first
// (`npx tsc -b packages/lambda`), then
//   node /work/shared/bench/lambda-events.mjs /work/shared/bench/peers/*.mjs bench/ours-lambda.mjs
import { toLambdaHandler } from '../packages/lambda/dist/index.js';

export const meta = { name: 'adapt (@adapt/lambda)', role: 'candidate' };
export const makeHandler = (app) => toLambdaHandler(app);
