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
import { frameworkNames, frameworkSuite, type FrameworkFeature } from '@adapt/conformance/frameworks';
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
conformanceSuite(
  'lambda function-url streaming (fetch app)',
  () => {
    const handler = toLambdaHandler(battery, { streaming: true }) as unknown as (event: unknown, context: unknown) => Promise<any>;
    return {
      name: 'lambda (function-url, streaming)',
      async deliver(request) {
        return streamedToResponse(await handler(buildEvent('function-url', request), lambdaContext()), request.method);
      },
    };
  },
  { skip: limits['function-url'] },
);

// The framework battery on every source: the Node handler gets the event's request as sent.
const frameworkLacks: Partial<Record<SourceKind, FrameworkFeature[]>> = {
  // HTTP API decodes the path before the function runs: `%2e%2e`, `%2f` and a stray `%` are gone
  'apigw-v2': ['raw-target'],
};
const frameworkSkips: Partial<Record<SourceKind, Record<string, string>>> = {
  'apigw-v2': { 'traversal /static/..%5csecret.txt': 'HTTP API decodes the path: %5c arrives as a backslash and is re-encoded as %5C' },
};
for (const kind of sources) {
  for (const framework of frameworkNames) {
    frameworkSuite(`lambda ${kind}`, framework, (app) => bufferedRunner(kind, fromNodeHandler(app)), { lacks: frameworkLacks[kind], skip: frameworkSkips[kind] });
  }
}
for (const framework of frameworkNames) {
  frameworkSuite('lambda function-url streaming', framework, (app) => {
    const handler = toLambdaHandler(fromNodeHandler(app), { streaming: true }) as unknown as (event: unknown, context: unknown) => Promise<any>;
    return {
      name: 'lambda (function-url, streaming)',
      async deliver(request) {
        return streamedToResponse(await handler(buildEvent('function-url', request), lambdaContext()), request.method);
      },
    };
  });
}
