/**
 * The conformance battery through toLambdaHandler, once per event source: each runner builds the
 * event that source would send (its decoding quirks included), runs the handler, and turns the
 * result back into HTTP as the source would. Cases a source cannot carry are skipped with the
 * reason in the test name (the platform loses the information before the function runs).
 */
import { fromNodeHandler, type App } from '@adapt/core';
import { conformanceSuite, type Runner } from '@adapt/conformance';
import battery from '@adapt/conformance/app';
import expressBattery from '@adapt/conformance/express-app';
import { toLambdaHandler } from '@adapt/lambda';
import { buildEvent, lambdaContext, resultToResponse, type SourceKind } from './helpers/sources.js';
import { limits } from './helpers/limits.js';
import { stubAwslambda, streamedToResponse } from './helpers/streaming.js';

function bufferedRunner(kind: SourceKind, app: App = battery): Runner {
  const handler = toLambdaHandler(app);
  return {
    name: `lambda (${kind})`,
    async deliver(request) {
      const result = await handler(buildEvent(kind, request), lambdaContext());
      return resultToResponse(kind, result, request.method);
    },
  };
}

const sources: SourceKind[] = ['apigw-v1', 'apigw-v2', 'function-url', 'alb', 'alb-multi', 'lattice-v1', 'lattice-v2'];
for (const kind of sources) {
  conformanceSuite(`lambda ${kind} (fetch app)`, () => bufferedRunner(kind), { skip: limits[kind] });
}
conformanceSuite('lambda apigw-v1 (Express through fromNodeHandler)', () => bufferedRunner('apigw-v1', fromNodeHandler(expressBattery)), {
  lacks: ['context', 'fetch-api'],
  skip: limits['apigw-v1'],
});

// Function URL in RESPONSE_STREAM mode, through the awslambda global as the runtime defines it.
stubAwslambda();
conformanceSuite('lambda function-url streaming (fetch app)', () => {
  const handler = toLambdaHandler(battery, { streaming: true }) as unknown as (event: unknown, context: unknown) => Promise<any>;
  return {
    name: 'lambda (function-url, streaming)',
    async deliver(request) {
      return streamedToResponse(await handler(buildEvent('function-url', request), lambdaContext()), request.method);
    },
  };
}, { skip: limits['function-url'] });
