// adapt's serve() for the shared node-server harness (name=/path/to/this.mjs): it gets the
// harness's fetch app (GET / -> "Hello", GET /stream -> 1 MB as 16 x 64 KB chunks).
// Build first: npx tsc -b packages/node
import { serve as adaptServe } from '../packages/node/dist/index.js';

export const serve = (app, { port, hostname }) => adaptServe(app, { port, host: hostname });
