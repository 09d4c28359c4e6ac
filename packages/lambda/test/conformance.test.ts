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
import { stubAwslambda, streamedToResponse } from './helpers/streaming.js';

/** Cases each source cannot carry, and why. */
const limits: Partial<Record<SourceKind, Record<string, string>>> = {
  'apigw-v1': {
    '%2F, + and %20 in the query stay encoded': 'REST decodes query parameters: the raw query and a literal + are gone',
    'empty query values': 'REST decodes query parameters: `flag` and `flag=` both arrive as ""',
    'encoded query characters: %26 %3D %23': 'REST decodes query parameters: the raw query string is rebuilt, not kept',
    'UTF-8 query value': 'REST decodes query parameters: the raw query string is rebuilt, not kept',
    'repeated query keys keep order': 'REST groups repeated keys: the order across keys is lost',
  },
  'apigw-v2': {
    'repeated request header is joined with a comma': 'HTTP API joins repeated headers with "," (no space)',
    '%2F in the path is not decoded': 'HTTP API decodes rawPath',
    '%20 and + in the path': 'HTTP API decodes rawPath',
    'UTF-8 in the path stays percent-encoded': 'HTTP API decodes rawPath',
  },
  'function-url': {
    'repeated request header is joined with a comma': 'Function URLs join repeated headers with "," (no space)',
  },
  alb: {
    'repeated query keys keep order': 'single-value mode keeps only the last value of a key',
    'empty query values': 'ALB gives `flag` as "", rebuilt as `flag=`',
    'repeated request header is joined with a comma': 'single-value mode keeps only the last value of a header',
    'three Set-Cookie stay apart (one has a comma in Expires)': 'single-value mode carries one Set-Cookie (the last is sent)',
  },
  'alb-multi': {
    'repeated query keys keep order': 'ALB groups repeated keys: the order across keys is lost',
    'empty query values': 'ALB gives `flag` as "", rebuilt as `flag=`',
  },
  'lattice-v1': {
    'repeated request header is joined with a comma': 'Lattice v1 joins repeated headers with "," (no space)',
    '%2F, + and %20 in the query stay encoded': 'Lattice gives decoded query parameters',
    'empty query values': 'Lattice gives decoded query parameters',
    'encoded query characters: %26 %3D %23': 'Lattice gives decoded query parameters',
    'UTF-8 query value': 'Lattice gives decoded query parameters',
    'repeated query keys keep order': 'Lattice v1 keeps one value per key',
    'three Set-Cookie stay apart (one has a comma in Expires)': 'Lattice results carry one Set-Cookie (the last is sent)',
  },
  'lattice-v2': {
    '%2F, + and %20 in the query stay encoded': 'Lattice gives decoded query parameters',
    'empty query values': 'Lattice gives decoded query parameters',
    'encoded query characters: %26 %3D %23': 'Lattice gives decoded query parameters',
    'UTF-8 query value': 'Lattice gives decoded query parameters',
    'repeated query keys keep order': 'Lattice groups repeated keys: the order across keys is lost',
    'three Set-Cookie stay apart (one has a comma in Expires)': 'Lattice results carry one Set-Cookie (the last is sent)',
  },
};

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
