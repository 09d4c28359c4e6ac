/**
 * What a Lambda handler keeps from init to every event (options checked, the app's fetch, its
 * setup), and the init work that makes the first event cheap.
 */
import {
  appFetch,
  createLifecycle,
  getNodeRequestRunner,
  installLightweightResponse,
  trustRule,
  methodRefusal,
  type App,
  type BinaryRuleOptions,
  type FetchHandler,
  type NodeRequestInput,
} from '@adapt/core';
import { BUFFERED_RESPONSE_LIMIT, answerHead } from './answer.js';
import { apigwV2 } from './events/apigw-v2.js';
import type { SourceOptions } from './events/index.js';
import { normalizeBasePath, validMargin, type LambdaHandlerOptions } from './options.js';
import { createRequest } from './request.js';
import type { ApiGatewayV2Event, LambdaContext } from './types.js';

/** What one handler keeps from init to every event. */
export interface Runtime {
  /** The app itself, for its tasks. */
  app: App;
  fetch: FetchHandler;
  /** For an app made by fromNodeHandler: its Node handler gets the event's request as sent, not a Request. */
  nodeRequest: ((input: NodeRequestInput) => Promise<Response>) | undefined;
  /** The `refuseMethods` option, checked. */
  refuseMethod: ((method: string) => void) | undefined;
  /** The setup promise until it has settled well, then undefined. */
  setup: Promise<void> | undefined;
  sourceOptions: SourceOptions;
  answerOptions: BinaryRuleOptions & { limit: number };
  margin: number;
  dev: boolean;
  keepEventLoop: boolean;
  env: Readonly<Record<string, string | undefined>>;
  events: ((event: unknown, context: LambdaContext) => unknown) | undefined;
}

export function createRuntime(app: App, options: LambdaHandlerOptions): Runtime {
  const fetch = appFetch(app);
  const env = process.env;
  const lifecycle = createLifecycle(app, { platform: 'lambda', env });
  const runtime: Runtime = {
    app,
    fetch,
    nodeRequest: getNodeRequestRunner(app),
    refuseMethod: methodRefusal(options.refuseMethods),
    setup: undefined,
    sourceOptions: { basePath: normalizeBasePath(options.basePath), stripStage: options.stripStage ?? true, trust: trustRule(options.trustProxy) },
    answerOptions: { isTextContentType: options.isTextContentType, limit: options.maxResponseBytes ?? BUFFERED_RESPONSE_LIMIT },
    margin: validMargin(options.timeoutMargin),
    dev: options.dev ?? false,
    keepEventLoop: options.waitForEmptyEventLoop ?? false,
    env,
    events: options.events,
  };
  // Cold start work happens now, during Lambda's init phase, not on the first event.
  const setup = lifecycle.setup();
  runtime.setup = setup.then(() => {
    runtime.setup = undefined;
  });
  runtime.setup.catch(() => {}); // reported on each event, never as an unhandled rejection
  if (options.lightweightResponse !== false) installLightweightResponse();
  if (initAheadOfTraffic(env)) warmUp(runtime.sourceOptions);
  return runtime;
}

/**
 * Whether Lambda runs this init before any event needs it: provisioned concurrency, a SnapStart
 * snapshot, managed instances (`AWS_LAMBDA_INITIALIZATION_TYPE`). An on-demand cold start runs
 * init and the first event back to back, so a warm-up there only adds its own run to the wait
 * (measured: 5% more for a hello app); outside Lambda the variable is not set.
 */
export function initAheadOfTraffic(env: Readonly<Record<string, string | undefined>>): boolean {
  const type = env.AWS_LAMBDA_INITIALIZATION_TYPE;
  return type !== undefined && type !== '' && type !== 'on-demand';
}

/**
 * Runs the event-to-request and response-to-answer code once on a sample, so that the first
 * event does not pay for first-run compiling. It touches only what core's lightweight Request,
 * Response and Headers answer themselves: undici stays unloaded.
 */
function warmUp(options: SourceOptions): void {
  const sample = {
    version: '2.0',
    rawPath: '/warm',
    rawQueryString: 'a=1',
    headers: { host: 'localhost', 'x-forwarded-proto': 'https', 'user-agent': 'warm' },
    requestContext: { domainName: 'localhost', stage: '$default', http: { method: 'GET', sourceIp: '127.0.0.1' } },
  };
  const input = apigwV2.createRequest(sample as ApiGatewayV2Event, options);
  const request = createRequest(input, undefined);
  void request.headers.get('user-agent');
  answerHead(new Response('', { headers: { 'content-type': 'text/plain', 'set-cookie': 'a=1' } }));
}
