// adapt: the buffered entry, which is what `adapt build --target lambda` ships (streaming off).
import { toLambdaHandler } from '../../../packages/lambda/dist/buffered.js';

export const label = 'adapt (@adapt/lambda/buffered)';
export const role = 'candidate';
export const makeHandler = (app) => toLambdaHandler(app);
